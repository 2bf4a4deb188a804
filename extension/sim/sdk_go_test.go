package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"
)

// The official Go SDK accepts the simulator as the OpenAI API: healthy calls succeed and
// injected faults surface as the SDK's own errors.

func sdkClient(url string) openai.Client {
	return openai.NewClient(option.WithBaseURL(url+"/"), option.WithAPIKey("sk-sim-sdk-test"), option.WithMaxRetries(0),
		option.WithRequestTimeout(5*time.Second))
}

var sdkChat = openai.ChatCompletionNewParams{
	Model:         "gpt-4o-mini",
	Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Reply with the single word: pong")},
	StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
}

func TestOpenAIGoSDKHealthy(t *testing.T) {
	ctx := context.Background()
	c := sdkClient(faulty(t, "chat", "").URL)
	done, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: sdkChat.Model, Messages: sdkChat.Messages})
	if err != nil || len(done.Choices) != 1 || done.Choices[0].Message.Content == "" || done.Usage.CompletionTokens == 0 {
		t.Fatalf("completion: %v %+v", err, done)
	}
	st := c.Chat.Completions.NewStreaming(ctx, sdkChat)
	acc := openai.ChatCompletionAccumulator{}
	for st.Next() {
		acc.AddChunk(st.Current())
	}
	if st.Err() != nil || len(acc.Choices) != 1 || !strings.HasPrefix(acc.Choices[0].Message.Content, "Pong") ||
		acc.Choices[0].FinishReason != "stop" || acc.Usage.CompletionTokens == 0 {
		t.Fatalf("stream: %v %+v", st.Err(), acc.ChatCompletion)
	}
	rs := c.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("ping")}})
	var text strings.Builder
	completed := false
	for rs.Next() {
		ev := rs.Current()
		switch ev.Type {
		case "response.output_text.delta":
			text.WriteString(ev.Delta)
		case "response.completed":
			completed = ev.Response.Status == "completed" && ev.Response.Usage.OutputTokens > 0
		}
	}
	if rs.Err() != nil || !completed || text.Len() == 0 {
		t.Fatalf("responses stream: %v completed=%v text=%q", rs.Err(), completed, text.String())
	}
	emb, err := c.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "text-embedding-3-small",
		Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("ping")}})
	if err != nil || len(emb.Data) != 1 || len(emb.Data[0].Embedding) == 0 {
		t.Fatalf("embeddings: %v", err)
	}
	models, err := c.Models.List(ctx)
	if err != nil || len(models.Data) == 0 || models.Data[0].ID != "gpt-5.4-nano" {
		t.Fatalf("models: %v", err)
	}
	for _, m := range models.Data { // the SDK reads each model's shutdown_date (YYYY-MM-DD or null)
		if m.ID == "gpt-4o-mini" && !strings.Contains(m.RawJSON(), `"shutdown_date":"2027-01-14"`) {
			t.Errorf("gpt-4o-mini: %s, want its shutdown_date", m.RawJSON())
		}
	}
}

func TestOpenAIGoSDKFaults(t *testing.T) {
	for _, tc := range []struct {
		fault, code string
		status      int
	}{
		{"rl_rpm", "rate_limit_exceeded", 429},
		{"quota", "insufficient_quota", 429},
		{"server_500", "", 500},
		{"cf_502_json", "", 502}, // the SDK reads the edge's numeric code as no code
		{"auth_401", "invalid_api_key", 401},
		{"model_404", "model_not_found", 404},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			c := sdkClient(faulty(t, "chat", tc.fault).URL)
			_, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: sdkChat.Model, Messages: sdkChat.Messages})
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || (tc.code != "" && apiErr.Code != tc.code) {
				t.Fatalf("got %v", err)
			}
		})
	}
	t.Run("conn_refused", func(t *testing.T) { // a transport cut is a connection error, not an API error
		c := sdkClient(faulty(t, "chat", "conn_refused").URL)
		_, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{Model: sdkChat.Model, Messages: sdkChat.Messages})
		var apiErr *openai.Error
		if err == nil || errors.As(err, &apiErr) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("stream_error_record", func(t *testing.T) {
		c := sdkClient(faulty(t, "chat_stream", "stream_error_record").URL)
		st := c.Chat.Completions.NewStreaming(context.Background(), sdkChat)
		n := 0
		for st.Next() {
			n++
		}
		if st.Err() == nil || !strings.Contains(st.Err().Error(), "server had an error") || n == 0 {
			t.Fatalf("after %d chunks: %v", n, st.Err())
		}
	})
}
