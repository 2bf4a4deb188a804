package probe

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/classify"
)

// ev writes one named SSE event.
func ev(typ, data string) string { return "event: " + typ + "\ndata: " + data }

const (
	respCreated   = `{"type":"response.created","response":{"object":"response","status":"in_progress","model":"gpt-4o-mini"}}`
	respDelta     = `{"type":"response.output_text.delta","delta":"pong"}`
	respCompleted = `{"type":"response.completed","response":{"object":"response","status":"completed","usage":{"input_tokens":9,"output_tokens":1}}}`
	msgStart      = `{"type":"message_start","message":{"model":"claude-haiku-4-5","usage":{"input_tokens":9,"output_tokens":1}}}`
	msgDelta      = `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"pong"}}`
	msgEnd        = `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}`
	msgStop       = `{"type":"message_stop"}`
)

// Each dialect's ways of failing after a 200 get their class, within their deadline.
func TestDialectFaults(t *testing.T) {
	hang := func(r *http.Request) { <-r.Context().Done() }
	json200 := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, body)
		}
	}
	cases := []struct {
		handlerCase
		provider string
	}{
		{handlerCase{"responses stall after first token", Responses, func(w http.ResponseWriter, r *http.Request) {
			sse(w, ev("response.created", respCreated), ev("response.output_text.delta", respDelta))
			hang(r)
		}, classify.StreamStalled}, OpenAI},
		{handlerCase{"responses no first token", Responses, func(w http.ResponseWriter, r *http.Request) {
			sse(w, ev("response.created", respCreated))
			hang(r)
		}, classify.StreamStalled}, OpenAI},
		{handlerCase{"responses truncated", Responses, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("response.created", respCreated), ev("response.output_text.delta", respDelta))
		}, classify.StreamTruncated}, OpenAI},
		{handlerCase{"responses failed", Responses, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("response.created", respCreated), ev("response.failed", `{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"The model failed to generate a response."}}}`))
		}, classify.StreamErrorEvent}, OpenAI},
		{handlerCase{"responses error event", Responses, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("response.created", respCreated), ev("error", `{"type":"error","code":"ERR_SOMETHING","message":"Something went wrong","param":null,"sequence_number":4}`))
		}, classify.StreamErrorEvent}, OpenAI},
		{handlerCase{"responses empty", Responses, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("response.created", respCreated), ev("response.completed", respCompleted))
		}, classify.EmptyResponse}, OpenAI},
		{handlerCase{"responses filtered", Responses, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("response.output_text.delta", respDelta), ev("response.incomplete", `{"type":"response.incomplete","response":{"status":"incomplete","incomplete_details":{"reason":"content_filter"}}}`))
		}, classify.ContentFiltered}, OpenAI},
		{handlerCase{"anthropic stall", ChatStream, func(w http.ResponseWriter, r *http.Request) {
			sse(w, ev("message_start", msgStart), ev("content_block_delta", msgDelta), ev("ping", `{"type": "ping"}`))
			hang(r)
		}, classify.StreamStalled}, Anthropic},
		{handlerCase{"anthropic truncated", ChatStream, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("message_start", msgStart), ev("content_block_delta", msgDelta), ev("message_delta", msgEnd))
		}, classify.StreamTruncated}, Anthropic},
		{handlerCase{"anthropic error event", ChatStream, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("message_start", msgStart), ev("content_block_delta", msgDelta), ev("error", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
		}, classify.StreamErrorEvent}, Anthropic},
		{handlerCase{"anthropic empty", ChatStream, func(w http.ResponseWriter, _ *http.Request) {
			sse(w, ev("message_start", msgStart), ev("message_delta", msgEnd), ev("message_stop", msgStop))
		}, classify.EmptyResponse}, Anthropic},
		{handlerCase{"anthropic 529", Chat, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(529)
			_, _ = io.WriteString(w, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}`)
		}, classify.CapacityOverloaded}, Anthropic},
		{handlerCase{"anthropic error instead of a message", Chat, json200(`{"type":"error","error":{"type":"api_error","message":"Internal"}}`), classify.ServerError}, Anthropic},
		{handlerCase{"azure token rate limit", Chat, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "60")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			_, _ = io.WriteString(w, `{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 60 seconds."}}`)
		}, classify.RateLimited}, Azure},
		{handlerCase{"canary wrong", Canary, json200(`{"choices":[{"message":{"content":"41"},"finish_reason":"stop"}]}`), classify.WrongAnswer}, OpenAI},
		{handlerCase{"canary near miss", Canary, json200(`{"choices":[{"message":{"content":"420"},"finish_reason":"stop"}]}`), classify.WrongAnswer}, OpenAI},
		{handlerCase{"canary right in a sentence", Canary, json200(`{"choices":[{"message":{"content":"The answer is 42."},"finish_reason":"stop"}]}`), classify.OK}, OpenAI},
		{handlerCase{"canary anthropic wrong", Canary, json200(`{"type":"message","content":[{"type":"text","text":"43"}],"stop_reason":"end_turn"}`), classify.WrongAnswer}, Anthropic},
		{handlerCase{"canary empty", Canary, json200(`{"choices":[{"message":{"content":""},"finish_reason":"stop"}]}`), classify.EmptyResponse}, OpenAI},
		{handlerCase{"embeddings empty", Embeddings, json200(`{"object":"list","data":[{"embedding":[]}]}`), classify.EmptyResponse}, OpenAI},
		{handlerCase{"embeddings html", Embeddings, json200(`<html>maintenance</html>`), classify.Unknown}, OpenAI},
		{handlerCase{"moderations no results", Moderations, json200(`{"id":"modr-1","results":[]}`), classify.EmptyResponse}, OpenAI},
		{handlerCase{"images without an image", Images, json200(`{"created":1,"data":[{"b64_json":""}]}`), classify.EmptyResponse}, OpenAI},
		{handlerCase{"web empty page", Web, json200(" \n"), classify.EmptyResponse}, OpenAI},
		{handlerCase{"web challenge", Web, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Cf-Mitigated", "challenge")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(403)
			_, _ = io.WriteString(w, "<html><head><title>Just a moment...</title></head></html>")
		}, classify.EdgeBlocked}, OpenAI},
		{handlerCase{"status page down", Status, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }, classify.ServerError}, OpenAI},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url := serve(t, tc.handler)
			tg := target(t, url+"/v1")
			tg.Provider, tg.WebURL, tg.StatusURL = tc.provider, url+"/web/", url+"/status.json"
			if err := tg.Validate(); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			r := Run(context.Background(), http.DefaultTransport, tg, tc.comp)
			if r.OK != (tc.class == classify.OK) || r.Class != tc.class {
				t.Fatalf("class %s (%s), want %s", r.Class, r.Message, tc.class)
			}
			limit := tg.Timeouts.Total + time.Second
			if tc.class == classify.StreamStalled {
				limit = tg.Timeouts.FirstToken + time.Second
			}
			if el := time.Since(start); el > limit {
				t.Fatalf("took %v, past its deadline %v", el, limit)
			}
		})
	}
}
