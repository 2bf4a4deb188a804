// Package sim is an OpenAI-compatible API simulator: the embedded target when no API key is set,
// and the server every test probes (nothing here ever calls a real provider). It serves chat
// completions as JSON and as SSE (with stream_options.include_usage), the Responses API,
// embeddings, moderations, image generation, the model list, an Anthropic-style Messages API, a
// ChatGPT-web-like front page (/web/) and the official status page in its Statuspage and
// incident.io shapes, with latencies drawn from a seeded heavy-tailed model so runs look like the
// real service. It plays scenarios: fault timelines that inject the failures ChatGPT has shown,
// and the status page entries that go with them. Outcomes computes what probes of a scenario
// would measure without serving it, for replay at any speed.
package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/xk6-chatgpt/xk6-chatgpt/extension/scenario"
)

// Baseline is the healthy behaviour of the simulated service.
type Baseline struct {
	TTFT         scenario.Latency // request to first content token
	ITL          scenario.Latency // gap between content tokens
	OutputTokens int              // answer length, capped by the request's max tokens
}

// Config configures a Server.
type Config struct {
	Seed     uint64
	Baseline Baseline
	Models   []string // served by /v1/models; the first is the default model
	// Scenario, when set, drives faults and slow-downs over time; its seed and baseline win.
	Scenario *scenario.Scenario
	// Speed compresses scenario time (10 = ten scenario minutes per minute); latencies are not
	// compressed. 0 means 1.
	Speed float64
	// Now is the clock scenario time is measured on; nil means time.Now.
	Now func() time.Time
	// Stamps marks every SSE event with its write time (see StampPrefix).
	Stamps bool
	// ReasoningTokens, when set, is how long every reasoning request thinks, whatever its effort
	// (reasoning.go): more than the answer budget spends it all.
	ReasoningTokens int
}

// DefaultConfig is a healthy gpt-4o-mini-like service: TTFT around 400 ms with a long tail,
// 25 ms between tokens, short answers.
func DefaultConfig() Config {
	return Config{
		Seed: 1,
		Baseline: Baseline{
			TTFT:         scenario.Healthy.TTFT,
			ITL:          scenario.Healthy.ITL,
			OutputTokens: scenario.Healthy.OutputTokens,
		},
		Models: []string{"gpt-5.4-nano", "gpt-5.4-mini", "gpt-4o-mini", "gpt-4.1-mini", "o4-mini", "gpt-image-2",
			"gpt-realtime-mini", "omni-moderation-latest", "text-embedding-3-small"},
	}
}

// Server is the simulator's HTTP handler.
type Server struct {
	cfg   Config
	mu    sync.Mutex
	rng   *rand.Rand
	seq   uint64
	mux   *http.ServeMux
	start time.Time
}

// New returns a simulator. Zero fields of cfg take DefaultConfig's values.
func New(cfg Config) *Server {
	def := DefaultConfig()
	if cfg.Baseline == (Baseline{}) {
		cfg.Baseline = def.Baseline
	}
	if cfg.Baseline.OutputTokens <= 0 {
		cfg.Baseline.OutputTokens = def.Baseline.OutputTokens
	}
	if len(cfg.Models) == 0 {
		cfg.Models = def.Models
	}
	if sc := cfg.Scenario; sc != nil {
		cfg.Seed = sc.Seed
		cfg.Baseline = Baseline{TTFT: sc.Baseline.TTFT, ITL: sc.Baseline.ITL, OutputTokens: sc.Baseline.OutputTokens}
	}
	if cfg.Speed <= 0 {
		cfg.Speed = 1
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	// #nosec G404 -- seeded, deterministic draws are the point: a scenario replays identically
	s := &Server{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)), start: cfg.Now()}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("POST /v1/responses", s.responses)
	s.mux.HandleFunc("POST /v1/embeddings", s.simpleEndpoint("embeddings", "input", embeddingBody))
	s.mux.HandleFunc("POST /v1/moderations", s.simpleEndpoint("moderations", "input", moderationBody))
	s.mux.HandleFunc("POST /v1/images/generations", s.simpleEndpoint("images", "prompt", imageBody))
	s.mux.HandleFunc("POST /v1/messages", s.messages)
	s.mux.HandleFunc("GET /v1/realtime", s.realtime)
	s.mux.HandleFunc("GET /openai/v1/realtime", s.realtime) // Azure's GA path
	s.mux.HandleFunc("GET /web/{$}", s.web)
	s.routeDialects()
	s.routeStatusPage()
	s.mux.HandleFunc("GET /{$}", s.root)
	s.mux.HandleFunc("/", s.notFound)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.refuseRetired(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// decide picks, for one request to component, the fault to inject ("" for none) and the latency
// factor, from the scenario phase active at the current scenario time. While a phase that is not
// operational covers the component, h gets X-Sim-Truth-Since: when that phase began on the wall
// clock, the ground truth a monitor's time to detect is measured from.
func (s *Server) decide(h http.Header, component string) (fault string, factor float64) {
	sc := s.cfg.Scenario
	if sc == nil {
		return "", 1
	}
	elapsed := time.Duration(float64(s.cfg.Now().Sub(s.start)) * s.cfg.Speed)
	t, loop := elapsed, time.Duration(0)
	if sc.Duration > 0 {
		t %= sc.Duration // a scenario served past its end starts over
		loop = elapsed - t
	}
	s.draw(func(r *rand.Rand) { fault, factor, _ = sc.Choose(t, component, r) })
	if ph := sc.PhaseAt(t, component); ph != nil && ph.Truth != "operational" {
		since := s.start.Add(time.Duration(float64(loop+ph.At) / s.cfg.Speed))
		h.Set("X-Sim-Truth-Since", since.UTC().Format(time.RFC3339Nano))
	}
	return fault, factor
}

// draw samples under the lock: the generator is shared by all connections, and one lock per
// response (not per token) keeps it off the hot path.
func (s *Server) draw(f func(r *rand.Rand)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.rng)
}

func (s *Server) requestID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return fmt.Sprintf("req_sim%025x", n)
}

// Running is a simulator listening on a real socket.
type Running struct {
	URL    string // base URL including /v1, as OPENAI_BASE_URL expects it
	Addr   string
	Speed  float64 // scenario time per real time (Config.Speed; 1 when unset)
	server *http.Server
	done   chan struct{}
}

// Start serves a simulator on addr ("127.0.0.1:0" picks a free port) until Close.
func Start(addr string, cfg Config) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: New(cfg), ReadHeaderTimeout: 10 * time.Second}
	r := &Running{URL: "http://" + ln.Addr().String() + "/v1", Addr: ln.Addr().String(), Speed: max(cfg.Speed, 1), server: hs,
		done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // Serve only fails here when the listener breaks; Close still ends cleanly
		}
	}()
	return r, nil
}

// Close stops the server, cutting open streams, and waits for it to finish.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := r.server.Shutdown(ctx)
	if err != nil {
		err = r.server.Close()
	}
	<-r.done
	return err
}

// sleep waits d or until the client goes away; it reports whether the client is still there.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
