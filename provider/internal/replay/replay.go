// Package replay serves recorded vendor HTTP exchanges (go-vcr v2 cassettes
// in testdata/provider-recordings at the repository root) and documented
// error bodies from local servers, so provider tests run against the real
// wire shapes without reaching any vendor. It is for tests only.
package replay

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/goccy/go-yaml"
)

// Dir is the absolute path of the recordings folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "provider-recordings")
}

// Request is a recorded request.
type Request struct {
	Body    string              `yaml:"body"`
	URL     string              `yaml:"url"`
	Method  string              `yaml:"method"`
	Headers map[string][]string `yaml:"headers"`
}

// Response is a recorded (or scripted) response.
type Response struct {
	Body    string              `yaml:"body"`
	Headers map[string][]string `yaml:"headers"`
	Code    int                 `yaml:"code"`
	// CutAfter, when > 0, drops the connection after that many bytes of
	// this response's body, as the CutAfter option does for every one.
	CutAfter int `yaml:"-"`
}

// Interaction is one request and its response.
type Interaction struct {
	Request  Request  `yaml:"request"`
	Response Response `yaml:"response"`
}

// Cassette is the part of a go-vcr v2 cassette the fakes need.
type Cassette struct {
	Interactions []Interaction `yaml:"interactions"`
}

// Load reads the cassette at rel, a path under Dir such as
// "TestAnthropicCommon/claude-sonnet-4/simple.yaml".
func Load(t testing.TB, rel string) Cassette {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(), rel))
	if err != nil {
		t.Fatalf("read cassette: %v", err)
	}
	var c Cassette
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("parse cassette %s: %v", rel, err)
	}
	if len(c.Interactions) == 0 {
		t.Fatalf("cassette %s: no interactions", rel)
	}
	return c
}

// Glob lists the cassettes under Dir matching pattern, as paths relative to Dir.
func Glob(t testing.TB, pattern string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(Dir(), pattern))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i], _ = filepath.Rel(Dir(), n)
	}
	return out
}

// Seen is a request a fake received.
type Seen struct {
	Method   string
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
}

// Server is a fake vendor: it answers every request with its responses in
// turn (repeating the last one) and records what it received.
type Server struct {
	*httptest.Server
	mu        sync.Mutex
	seen      []Seen
	responses []Response
	// CutAfter, when > 0, makes the server write only that many bytes of the
	// body and then drop the connection, as a stream cut off mid-way.
	cutAfter int
}

// Option configures a Server.
type Option func(*Server)

// CutAfter drops the connection after n bytes of the response body.
func CutAfter(n int) Option { return func(s *Server) { s.cutAfter = n } }

// Serve starts a fake answering with responses, in order, then the last one
// forever. It is closed when the test ends.
func Serve(t testing.TB, responses []Response, opts ...Option) *Server {
	t.Helper()
	if len(responses) == 0 {
		t.Fatal("replay.Serve: no responses")
	}
	s := &Server{responses: responses}
	for _, o := range opts {
		o(s)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

// ServeCassette starts a fake answering with the cassette's responses.
func ServeCassette(t testing.TB, c Cassette, opts ...Option) *Server {
	t.Helper()
	rs := make([]Response, len(c.Interactions))
	for i, in := range c.Interactions {
		rs[i] = in.Response
	}
	return Serve(t, rs, opts...)
}

// Error is a response with a status, a JSON body and extra headers given as
// name, value pairs.
func Error(code int, body string, headerPairs ...string) Response {
	h := map[string][]string{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(headerPairs); i += 2 {
		h[headerPairs[i]] = append(h[headerPairs[i]], headerPairs[i+1])
	}
	return Response{Code: code, Body: body, Headers: h}
}

// Requests returns what the server has received so far.
func (s *Server) Requests() []Seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Seen(nil), s.seen...)
}

// Last returns the last request received; it fails the test when there is none.
func (s *Server) Last(t testing.TB) Seen {
	t.Helper()
	r := s.Requests()
	if len(r) == 0 {
		t.Fatal("replay: no request received")
	}
	return r[len(r)-1]
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.seen)
	s.seen = append(s.seen, Seen{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
	resp := s.responses[min(n, len(s.responses)-1)]
	s.mu.Unlock()

	for k, vs := range resp.Headers {
		if http.CanonicalHeaderKey(k) == "Content-Length" {
			continue
		}
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	code := resp.Code
	if code == 0 {
		code = http.StatusOK
	}
	cut := s.cutAfter
	if resp.CutAfter > 0 {
		cut = resp.CutAfter
	}
	if cut <= 0 || cut >= len(resp.Body) {
		w.WriteHeader(code)
		_, _ = io.WriteString(w, resp.Body)
		return
	}
	// Send a partial body, then drop the connection without ending the
	// chunked encoding, so the client sees an unexpected EOF.
	w.WriteHeader(code)
	_, _ = io.WriteString(w, resp.Body[:cut])
	w.(http.Flusher).Flush()
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	_ = buf.Flush()
	_ = conn.Close()
}
