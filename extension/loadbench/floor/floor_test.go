package floor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/sim/simtest"
)

// Against the stamping simulator the floor times the first content chunk within a few ms of
// its write stamp (the bench's truth), and streams without content are errors, never a TTFT.
func TestRead(t *testing.T) {
	base := simtest.Fast(t, nil)
	errMs, err := Read(context.Background(), http.DefaultClient, base)
	if err != nil {
		t.Fatal(err)
	}
	if errMs < 0 || errMs > 20 {
		t.Fatalf("TTFT error %.3f ms: the stamps are not being read", errMs)
	}
	for name, body := range map[string]string{
		"no content":      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\ndata: [DONE]\n\n",
		"empty content":   "data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n",
		"mark at the end": "data: {\"choices\":[{\"delta\":{\"content\":\"",
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, body) }))
			defer srv.Close()
			if _, err := Read(context.Background(), http.DefaultClient, srv.URL); !errors.Is(err, ErrNoContent) {
				t.Fatalf("err = %v, want ErrNoContent", err)
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done()
	if _, err := Read(ctx, http.DefaultClient, base); err == nil {
		t.Fatal("a done context still read a stream")
	}
}
