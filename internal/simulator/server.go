package simulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Stats counts what a Server has done since it was created.
type Stats struct {
	// Requests is the number of chat and embedding requests received on
	// every wire, bad ones included.
	Requests uint64
	// Streamed is the number of well-formed requests that asked for a stream.
	Streamed uint64
	// Answered is the number of complete answers sent (status 200, not truncated).
	Answered uint64
	// Errors counts failed requests by kind.
	Errors ErrorCounts
}

// ErrorCounts counts failed requests by kind.
type ErrorCounts struct {
	BadRequest, RateLimit, Overload, Server, Timeout, Truncate uint64
}

// counters are the atomic counters behind Stats.
type counters struct {
	requests, streamed, answered                               atomic.Uint64
	badRequest, rateLimit, overload, server, timeout, truncate atomic.Uint64
}

// fault is the outcome the fault injector drew for one request.
type fault int

const (
	faultNone fault = iota
	faultRateLimit
	faultOverload
	faultServer
	faultTimeout
	faultTruncate
)

// maxBody bounds a request body.
const maxBody = 32 << 20

// Server is a simulated LLM provider. Use Handler to mount it, or Start to
// serve it on its own listener.
type Server struct {
	cfg Config
	// latency is Config.Latency, changed at run time by SetLatency.
	latency atomic.Pointer[Dist]
	seq     atomic.Uint64
	stats   counters
	pool    sync.Pool // *scratch

	done      chan struct{} // closed by Close; ends hangs and pacing
	closeOnce sync.Once

	mu        sync.Mutex
	srv       *http.Server
	serveDone chan struct{}
}

// New validates cfg, reporting every problem at once, and returns a Server.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("simulator config: %w", err)
	}
	s := &Server{cfg: cfg, done: make(chan struct{})}
	s.latency.Store(&s.cfg.Latency)
	s.pool.New = func() any { return &scratch{out: make([]byte, 0, 4096)} }
	return s, nil
}

// SetLatency replaces Config.Latency while the server runs: requests
// that arrive afterwards are timed by d (with d's Kind empty, by TTFT and
// TokensPerSec), requests already waiting keep the latency they drew. It
// lets a test change a provider's speed in the middle of a run, such as
// an alert test that needs latency to rise and then fall.
func (s *Server) SetLatency(d Dist) error {
	if err := d.validate(); err != nil {
		return fmt.Errorf("simulator latency: %w", err)
	}
	s.latency.Store(&d)
	return nil
}

// lat is the latency distribution in force.
func (s *Server) lat() Dist { return *s.latency.Load() }

// Handler returns the simulator's routes; one server speaks every wire at
// once, told apart by path:
//
//   - OpenAI: POST /v1/chat/completions and POST /v1/embeddings (both
//     also under any other prefix, or none), GET /v1/models and
//     GET /v1/models/{model};
//   - Anthropic: POST /v1/messages and /v1/messages/count_tokens, and GET /v1/models and
//     GET /v1/models/{model} when the request carries an anthropic-version
//     or x-api-key header;
//   - Gemini: POST /v1beta/models/{model}:generateContent and
//     :streamGenerateContent (?alt=sse for server-sent events),
//     :embedContent and :batchEmbedContents, GET /v1beta/models and
//     GET /v1beta/models/{model};
//   - Ollama: POST /api/chat, POST /api/embed, GET /api/tags and GET /;
//   - Cohere: POST /v2/chat, POST /v2/embed, POST /v2/rerank, and GET /v1/models when the
//     request looks like Cohere's (see modelsWire);
//   - Bedrock: POST /model/{modelId}/converse, /converse-stream, /invoke
//     and /invoke-with-response-stream, and GET /foundation-models;
//   - GET /health.
//
// Unknown routes answer 404 in the shape of the wire their path belongs
// to, OpenAI's when none.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.route) }

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["X-Simulator"] = hdrSimulator
	path := r.URL.Path
	var flavor string
	if rest, ok := strings.CutPrefix(path, "/vendor/"); ok {
		// "/vendor/NAME/..." serves the rest with NAME's quirks, so one
		// simulator stands in for every vendor at once (bench --simulate).
		name, sub, _ := strings.Cut(rest, "/")
		flavor, path = name, "/"+sub
		r2 := *r // as http.StripPrefix does: the wires read r.URL.Path
		u := *r.URL
		// Bedrock's model ids are escaped in the path ("…-v1%3A0"): keep the raw path.
		raw, ok := strings.CutPrefix(u.RawPath, "/vendor/"+name)
		if !ok {
			raw = ""
		}
		u.Path, u.RawPath = path, raw
		r2.URL = &u
		r = &r2
	}
	if strings.HasPrefix(path, "/v2/") {
		setCohereTrace(h) // Cohere's, on every answer of its routes
	}
	switch {
	case strings.HasSuffix(path, "/chat/completions"):
		// OpenAI's route under any prefix: /v1, /openai/v1 (Groq, Azure),
		// /api/v1 (OpenRouter), /openai/deployments/NAME (Azure).
		if r.Method != http.MethodPost {
			s.writeInvalidURL(w, r, http.StatusMethodNotAllowed, "Invalid method for URL")
			return
		}
		s.openAIChat(w, r, flavor)
	case strings.HasSuffix(path, "/responses"):
		// OpenAI's Responses API under the chat route's prefixes.
		if r.Method != http.MethodPost {
			s.writeInvalidURL(w, r, http.StatusMethodNotAllowed, "Invalid method for URL")
			return
		}
		s.openAIResponses(w, r)
	case strings.HasSuffix(path, "/embeddings") && path != "/api/embeddings":
		// OpenAI's embeddings under the chat route's prefixes; Ollama's
		// legacy /api/embeddings is Ollama's.
		if r.Method != http.MethodPost {
			s.writeInvalidURL(w, r, http.StatusMethodNotAllowed, "Invalid method for URL")
			return
		}
		s.openAIEmbeddings(w, r)
	case path == "/v1/messages":
		if r.Method != http.MethodPost {
			s.anthropicRouteError(w, r, http.StatusMethodNotAllowed, "Method not allowed")
			return
		}
		s.anthropicMessages(w, r)
	case path == "/v1/messages/count_tokens":
		if r.Method != http.MethodPost {
			s.anthropicRouteError(w, r, http.StatusMethodNotAllowed, "Method not allowed")
			return
		}
		s.anthropicCountTokens(w, r)
	case strings.HasPrefix(path, "/v1/messages/"):
		// Anthropic's other message routes (batches) are not simulated.
		s.anthropicRouteError(w, r, http.StatusNotFound, "Not found")
	case path == "/health" || path == "/healthz":
		h["Content-Type"] = hdrJSON
		_, _ = w.Write([]byte(`{"status":"ok","simulator":"llm-test-bench"}` + "\n"))
	case r.Method == http.MethodGet && (path == "/v1/models" || path == "/models"):
		switch modelsWire(r) {
		case wireAnthropic:
			s.anthropicModels(w)
		case wireCohere:
			setCohereTrace(h)
			s.cohereModels(w)
		default:
			s.openAIModels(w)
		}
	case r.Method == http.MethodGet && len(path) > len("/v1/models/") && path[:len("/v1/models/")] == "/v1/models/":
		if modelsWire(r) == wireAnthropic {
			s.anthropicModel(w, path[len("/v1/models/"):])
			return
		}
		s.openAIModel(w, path[len("/v1/models/"):])
	case len(path) >= len("/v1beta/") && path[:len("/v1beta/")] == "/v1beta/":
		s.geminiRoute(w, r)
	case path == "/" || len(path) >= len("/api/") && path[:len("/api/")] == "/api/":
		s.ollamaRoute(w, r)
	case path == "/v2/chat":
		if r.Method != http.MethodPost {
			s.cohereRouteError(w, r, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		s.cohereChat(w, r)
	case path == "/v2/embed":
		if r.Method != http.MethodPost {
			s.cohereRouteError(w, r, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		s.cohereEmbed(w, r)
	case path == "/v2/rerank":
		if r.Method != http.MethodPost {
			s.cohereRouteError(w, r, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		s.cohereRerank(w, r)
	case len(path) >= len("/v2/") && path[:len("/v2/")] == "/v2/":
		s.cohereRouteError(w, r, http.StatusNotFound, "not found")
	case strings.HasPrefix(path, "/model/"):
		s.bedrockRoute(w, r)
	case r.Method == http.MethodGet && path == "/foundation-models":
		s.bedrockModels(w)
	case r.Method == http.MethodGet && strings.HasSuffix(path, "/models"):
		s.openAIModels(w)
	default:
		s.writeInvalidURL(w, r, http.StatusNotFound, "Invalid URL")
	}
}

// Wires that share the GET /v1/models route.
const (
	wireOpenAI    = "openai"
	wireAnthropic = "anthropic"
	wireCohere    = "cohere"
)

// modelsWire tells whose model list a GET /v1/models asks for, as the
// three vendors share the path: Anthropic's when the request carries an
// anthropic-version or x-api-key header (Anthropic's SDKs send both);
// Cohere's when it carries one of Cohere's query parameters (endpoint,
// default_only, page_size, page_token) or a header of Cohere's SDKs
// (X-Client-Name, X-Fern-SDK-Name); OpenAI's otherwise.
func modelsWire(r *http.Request) string {
	h := r.Header
	for _, k := range [...]string{"Anthropic-Version", "X-Api-Key"} {
		if _, ok := h[k]; ok {
			return wireAnthropic
		}
	}
	for _, k := range [...]string{"X-Client-Name", "X-Fern-Sdk-Name"} {
		if _, ok := h[k]; ok {
			return wireCohere
		}
	}
	if q := r.URL.RawQuery; q != "" {
		v := r.URL.Query()
		for _, k := range [...]string{"endpoint", "default_only", "page_size", "page_token"} {
			if v.Has(k) {
				return wireCohere
			}
		}
	}
	return wireOpenAI
}

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves until
// ctx is done or Close is called. It speaks HTTP/1.1 and unencrypted
// HTTP/2 (prior knowledge, h2c) on the same listener. It returns the OpenAI base URL, such as
// "http://127.0.0.1:8089/v1"; the Anthropic, Gemini, Ollama, Cohere and
// Bedrock clients take the same URL without "/v1".
func (s *Server) Start(ctx context.Context, addr string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return "", errors.New("start simulator: already started")
	}
	select {
	case <-s.done:
		return "", errors.New("start simulator: server is closed")
	default:
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", fmt.Errorf("start simulator on %s: %w", addr, err)
	}
	s.srv = &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, Protocols: serverProtocols()}
	s.serveDone = make(chan struct{})
	go func() {
		defer close(s.serveDone)
		_ = s.srv.Serve(ln) // always returns ErrServerClosed after Close
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return "http://" + ln.Addr().String() + "/v1", nil
}

// serverProtocols are the protocols Start serves on its plain TCP
// listener: HTTP/1.1 and unencrypted HTTP/2 with prior knowledge (h2c), as
// the AWS SDK for JavaScript's default handler speaks HTTP/2 to an http://
// endpoint without upgrading.
func serverProtocols() *http.Protocols {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &p
}

// Close stops the server: hanging and paced responses end at once, then
// open connections are shut down. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	srv, serveDone := s.srv, s.serveDone
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	<-serveDone
	if err != nil {
		return fmt.Errorf("close simulator: %w", err)
	}
	return nil
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	c := &s.stats
	return Stats{
		Requests: c.requests.Load(),
		Streamed: c.streamed.Load(),
		Answered: c.answered.Load(),
		Errors: ErrorCounts{
			BadRequest: c.badRequest.Load(),
			RateLimit:  c.rateLimit.Load(),
			Overload:   c.overload.Load(),
			Server:     c.server.Load(),
			Timeout:    c.timeout.Load(),
			Truncate:   c.truncate.Load(),
		},
	}
}

// drawFault draws the fault of one request.
func (s *Server) drawFault(r *rng) fault {
	e := &s.cfg.Errors
	if e.sum() == 0 {
		return faultNone
	}
	u := r.float64()
	for _, f := range [...]struct {
		p float64
		f fault
	}{{e.RateLimit, faultRateLimit}, {e.Overload, faultOverload}, {e.Server, faultServer}, {e.Timeout, faultTimeout}, {e.Truncate, faultTruncate}} {
		if u < f.p {
			return f.f
		}
		u -= f.p
	}
	return faultNone
}

// hang blocks until ctx ends, the server closes or TimeoutHang passes, then
// drops the connection without an answer.
func (s *Server) hang(ctx context.Context) {
	t := time.NewTimer(s.cfg.TimeoutHang)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-s.done:
	case <-t.C:
	}
	abort()
}

// abort drops the connection without finishing the answer, so the client
// sees a cut connection rather than an empty or well-ended one. net/http
// recovers this panic silently.
func abort() { panic(http.ErrAbortHandler) }

// pacer sleeps until deadlines relative to a start time, giving up when the
// request's context ends or the server closes.
type pacer struct {
	s     *Server
	ctx   context.Context
	start time.Time
	timer *time.Timer
}

// until sleeps until start+d and reports whether the caller should go on.
func (p *pacer) until(d time.Duration) bool {
	wait := time.Until(p.start.Add(d))
	if wait <= 0 {
		return p.ctx.Err() == nil
	}
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	select {
	case <-p.timer.C:
		return true
	case <-p.ctx.Done():
	case <-p.s.done:
	}
	return false
}

func (p *pacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
}

// scratch holds the reusable buffers and state of one request: the wire
// dialects live here so that a request allocates none.
type scratch struct {
	body      bytes.Buffer // the request body
	out       []byte       // the response being built
	turn      turn
	openAI    openAIDialect
	anthropic anthropicDialect
	gemini    geminiDialect
	ollama    ollamaDialect
	cohere    cohereDialect
	bedrock   bedrockDialect
}

func (s *Server) getScratch() *scratch {
	sc := s.pool.Get().(*scratch)
	sc.body.Reset()
	sc.out = sc.out[:0]
	return sc
}

// putScratch returns sc to the pool, keeping out (the grown response
// buffer) unless either buffer grew too big to keep.
func (s *Server) putScratch(sc *scratch, out []byte) {
	if sc.body.Cap() > 1<<20 || cap(out) > 1<<20 {
		return
	}
	sc.out = out[:0]
	s.pool.Put(sc)
}
