package stream

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// specEvent is one dispatched event as the specification describes it.
type specEvent struct{ typ, data, id string }

// specCases are the examples of the WHATWG HTML Living Standard's server-sent events chapter
// (https://html.spec.whatwg.org/multipage/server-sent-events.html: §9.2.1 Introduction, §9.2.6
// Interpreting an event stream) with the events the text says they fire, then one case per
// parsing rule of §9.2.5–9.2.6 the examples leave out. Streams are written with LF; each is
// also run with CRLF and with lone CR line endings, with a leading BOM, and read whole and a
// byte at a time.
var specCases = []struct {
	name    string
	in      string
	want    []specEvent
	pending []string // the data of the event the stream ends inside of, if it does
	retry   time.Duration
}{
	// §9.2.1: three messages, the second with two data lines.
	{name: "intro: three messages", in: "data: This is the first message.\n\ndata: This is the second message, it\ndata: has two lines.\n\ndata: This is the third message.\n\n",
		want: []specEvent{{"", "This is the first message.", ""}, {"", "This is the second message, it\nhas two lines.", ""}, {"", "This is the third message.", ""}}},
	// §9.2.1: two event types, "add" and "remove".
	{name: "intro: event types", in: "event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n",
		want: []specEvent{{"add", "73857293", ""}, {"remove", "2153", ""}, {"add", "113411", ""}}},
	// §9.2.6: "The event's data attribute would contain the string "YHOO\n+2\n10"".
	{name: "YHOO", in: "data: YHOO\ndata: +2\ndata: 10\n\n", want: []specEvent{{"", "YHOO\n+2\n10", ""}}},
	// §9.2.6: four blocks; a comment fires nothing, "id: 1" sets the last event ID, a bare "id"
	// resets it, and "data:  third event" keeps one leading space.
	{name: "four blocks", in: ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
		want: []specEvent{{"", "first event", "1"}, {"", "second event", ""}, {"", " third event", ""}}},
	// §9.2.6: "the end of the stream is not enough to trigger the dispatch of the last event".
	{name: "end of stream does not dispatch", in: "data: first event\n\ndata:  third event\n",
		want: []specEvent{{"", "first event", ""}}, pending: []string{" third event"}},
	// §9.2.6: empty data fires "", two bare "data" lines fire "\n", the last block is discarded.
	{name: "two events", in: "data\n\ndata\ndata\n\ndata:", want: []specEvent{{"", "", ""}, {"", "\n", ""}}, pending: []string{""}},
	// §9.2.6: "fires two identical events … the space after the colon is ignored if present".
	{name: "two identical events", in: "data:test\n\ndata: test\n\n", want: []specEvent{{"", "test", ""}, {"", "test", ""}}},

	// §9.2.5–9.2.6 rules the examples do not show.
	{name: "only one BOM is stripped", in: "\uFEFF\uFEFFdata: x\n\ndata: y\n\n", want: []specEvent{{"", "y", ""}}},
	{name: "field names are case-sensitive", in: "Data: x\nDATA: y\nevent: e\n\ndata: z\n\n", want: []specEvent{{"", "z", ""}}},
	{name: "unknown fields are ignored", in: "foo: bar\njustsometext\ndata: a\n\n", want: []specEvent{{"", "a", ""}}},
	{name: "value keeps later colons", in: "data: a: b\n\n", want: []specEvent{{"", "a: b", ""}}},
	{name: "event without data is not dispatched, its type is reset", in: "event: x\n\ndata: y\n\n", want: []specEvent{{"", "y", ""}}},
	{name: "empty event field is message", in: "event:\ndata: d\n\n", want: []specEvent{{"", "d", ""}}},
	{name: "the last event field wins", in: "event: a\nevent: b\ndata: d\n\n", want: []specEvent{{"b", "d", ""}}},
	{name: "id persists across events", in: "id: 7\ndata: a\n\ndata: b\n\n", want: []specEvent{{"", "a", "7"}, {"", "b", "7"}}},
	{name: "id set by an event without data", in: "id: 8\n\ndata: a\n\n", want: []specEvent{{"", "a", "8"}}},
	{name: "id with NUL is ignored", in: "id: 3\ndata: a\n\nid: 4\x005\ndata: b\n\n", want: []specEvent{{"", "a", "3"}, {"", "b", "3"}}},
	{name: "retry sets the reconnection time", in: "retry: 1500\ndata: a\n\nretry: 15x\nretry:\ndata: b\n\n",
		want: []specEvent{{"", "a", ""}, {"", "b", ""}}, retry: 1500 * time.Millisecond},
	{name: "retry saturates", in: "retry: 99999999999999999999999999\ndata: a\n\n", want: []specEvent{{"", "a", ""}},
		retry: time.Duration(1<<63-1) / time.Millisecond * time.Millisecond},
	{name: "invalid UTF-8 becomes U+FFFD per maximal subpart", in: "data: \xff\xfeok \xF0\x9F\x98 \xED\xA0\x80\n\n",
		want: []specEvent{{"", "\uFFFD\uFFFDok \uFFFD \uFFFD\uFFFD\uFFFD", ""}}},
	{name: "comments carry nothing", in: ":\n: keep-alive\ndata: a\n:x\n\n", want: []specEvent{{"", "a", ""}}},
	{name: "empty stream", in: "", want: nil},
}

// eols are the line endings of §9.2.5: each spec case is run with every one.
var eols = []struct{ name, eol string }{{"lf", "\n"}, {"crlf", "\r\n"}, {"cr", "\r"}}

func TestDecoderFollowsTheSpecification(t *testing.T) {
	for _, tc := range specCases {
		for _, e := range eols {
			for _, withBOM := range []bool{false, true} {
				in := strings.ReplaceAll(tc.in, "\n", e.eol)
				if withBOM {
					in = "\uFEFF" + in
				}
				for rname, r := range map[string]func() io.Reader{
					"whole":    func() io.Reader { return strings.NewReader(in) },
					"bytewise": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
				} {
					t.Run(tc.name+"/"+e.name+"/"+rname+map[bool]string{true: "/bom"}[withBOM], func(t *testing.T) {
						checkSpecCase(t, r(), tc.want, tc.pending, tc.retry)
					})
				}
			}
		}
	}
}

func checkSpecCase(t *testing.T, r io.Reader, want []specEvent, pending []string, retry time.Duration) {
	t.Helper()
	d := NewDecoderSize(r, 1<<10)
	defer d.Close()
	var got []specEvent
	for {
		e, err := d.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("err = %v", err)
			}
			break
		}
		got = append(got, specEvent{e.Type, string(e.Data), e.ID})
	}
	if len(got) != len(want) {
		t.Fatalf("events %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("event %d = %q, want %q", i, got[i], want[i])
		}
	}
	if p, ok := d.Pending(); ok != (len(pending) == 1) || ok && string(p.Data) != pending[0] {
		t.Errorf("pending %q (%v), want %q", p.Data, ok, pending)
	}
	if rt, ok := d.Retry(); ok != (retry > 0) || rt != retry {
		t.Errorf("retry %v %v, want %v", rt, ok, retry)
	}
}

// A lone CR ends a line at once: the event is dispatched when its second CR arrives, without
// waiting for a byte that may never come (a CR could be the first half of a CRLF).
func TestCREndsTheLineWithoutWaiting(t *testing.T) {
	pr, pw := io.Pipe()
	d := NewDecoder(pr)
	defer d.Close()
	go func() { _, _ = io.WriteString(pw, "data: a\r\r") }() // then nothing: the writer stays open
	done := make(chan Event, 1)
	go func() { e, _ := d.Next(); done <- e }()
	select {
	case e := <-done:
		if string(e.Data) != "a" {
			t.Fatalf("data %q", e.Data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the event waited for the byte after its CR")
	}
	_ = pw.Close()
}

// CRLF split across reads is one line ending, not a line ending and an empty line.
func TestCRLFAcrossReads(t *testing.T) {
	r := io.MultiReader(strings.NewReader("data: a\r"), strings.NewReader("\ndata: b\r"), strings.NewReader("\n\r\n"))
	got, err := collect(t, r, 64)
	if !errors.Is(err, io.EOF) || len(got) != 1 || got[0].data != "a\nb" {
		t.Fatalf("events %q, err %v", got, err)
	}
}
