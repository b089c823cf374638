package overhead_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/provider"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	system = "You are a helpful assistant"
	prompt = "What is the capital of France? Answer in a few sentences."
	// answer is the simulator's answer to prompt: a short paragraph, so a
	// stream has a few dozen chunks, as a typical benchmark answer does.
	answer = "Paris is the capital of France. It stands on the Seine in the north of the country, " +
		"and it has been the seat of the French government for most of the last thousand years."
	maxTokens = 128
)

// vendorCase is one vendor's client and a model it serves.
type vendorCase struct {
	vendor, model string
	options       map[string]any
}

// vendors are the clients measured: every wire the simulator speaks, and
// the OpenAI-compatible vendors with their own client code or routes.
var vendors = []vendorCase{
	{vendor: "openai", model: "gpt-4o-mini"},
	{vendor: "anthropic", model: "claude-haiku-4-5"},
	{vendor: "gemini", model: "gemini-2.5-flash"},
	{vendor: "ollama", model: "llama3.2"},
	{vendor: "cohere", model: "command-r"},
	{vendor: "mistral", model: "mistral-small-latest"},
	{vendor: "groq", model: "llama-3.1-8b-instant"},
	{vendor: "azure", model: "gpt-4o-mini"},
	{vendor: "llamacpp", model: "gpt-oss"},
	{vendor: "bedrock", model: "anthropic.claude-3-5-haiku-20241022-v1:0", options: map[string]any{"region": "us-east-1"}},
}

func mode(stream bool) string {
	if stream {
		return "stream"
	}
	return "non-stream"
}

// newTransport has the settings of provider/internal/httpcall.NewHTTPClient,
// the keep-alive transport every client builds for itself when given none.
// The client and the bare calls each get one, so each keeps its own warm
// connection and pays for its own handling of it.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = 256
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	return t
}

// captured is a request as the server received it, and the status it got.
type captured struct {
	method, uri string
	header      http.Header
	body        []byte
	status      int
}

// recorder notes the status of an answer.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// target is one vendor's client pointed at its own zero-latency simulator,
// with the request it sends captured so a bare net/http client can replay it.
type target struct {
	sim    *simulator.Server
	p      provider.Provider
	req    provider.Request
	first  provider.Response // the answer to the captured call
	chunks []string          // what the captured call emitted
	got    captured          // the request the client sent

	bareClient *http.Client
	bareURL    string
	bareHeader http.Header
}

// newTarget starts a simulator behind a handler that captures the first
// request, builds the vendor's client as bench --simulate does, and makes
// one call. A vendor whose wire the simulator does not serve fails: a
// guard that skips would let a vendor drop out of the measurement unseen.
func newTarget(tb testing.TB, vc vendorCase, stream bool) *target {
	tb.Helper()
	// Zero Latency, TTFT and TokensPerSec: every answer is instant.
	sim, err := simulator.New(simulator.Config{Seed: 1, Policy: simulator.PolicyExpected, Answers: map[string]string{prompt: answer}})
	if err != nil {
		tb.Fatal(err)
	}
	h := sim.Handler()
	var (
		slot    captured
		pending atomic.Pointer[captured]
		done    = make(chan struct{})
	)
	pending.Store(&slot)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := pending.Swap(nil)
		if c == nil {
			h.ServeHTTP(w, r)
			return
		}
		defer close(done)
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.method, c.uri, c.header, c.body = r.Method, r.RequestURI, r.Header.Clone(), body
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		c.status = rec.status
	}))
	clientTr, bareTr := newTransport(), newTransport()
	tb.Cleanup(func() {
		clientTr.CloseIdleConnections()
		bareTr.CloseIdleConnections()
		srv.Close()
		_ = sim.Close()
	})

	// As internal/cli's simulateTarget: the simulator's root, the vendor's
	// flavour, and the path of the vendor's usual base URL.
	v, ok := provider.Lookup(vc.vendor)
	if !ok {
		tb.Fatalf("vendor %q is not registered", vc.vendor)
	}
	base := srv.URL + "/vendor/" + vc.vendor
	if du, err := url.Parse(v.DefaultBaseURL); err == nil && v.DefaultBaseURL != "" {
		base += strings.TrimRight(du.Path, "/")
	}
	p, err := provider.New(provider.Config{
		ID: vc.vendor + ":" + vc.model, Vendor: vc.vendor, Model: vc.model, BaseURL: base,
		APIKey: "simulated-key", HTTPClient: &http.Client{Transport: clientTr}, Options: vc.options,
	})
	if err != nil {
		tb.Fatal(err)
	}
	t := &target{
		sim: sim, p: p,
		req: provider.Request{
			Model:    vc.model,
			Messages: []bench.Message{{Role: "system", Content: system}, {Role: "user", Content: prompt}},
			Sampling: provider.Sampling{MaxTokens: new(maxTokens)},
			Stream:   stream,
		},
		bareClient: &http.Client{Transport: bareTr},
	}
	t.first, err = p.Generate(context.Background(), t.req, func(c provider.Chunk) error {
		t.chunks = append(t.chunks, c.Text)
		return nil
	})
	wait := 10 * time.Second
	if err != nil {
		wait = time.Second // the call may have failed before it was sent
	}
	select {
	case <-done:
		t.got = slot
	case <-time.After(wait):
		tb.Fatalf("%s: no request reached the simulator (call error: %v)", vc.vendor, err)
	}
	if err != nil {
		if t.got.status == http.StatusNotFound {
			tb.Fatalf("the simulator does not serve %s's wire: %s %s answered 404", vc.vendor, t.got.method, t.got.uri)
		}
		tb.Fatalf("%s %s: %v", vc.vendor, mode(stream), err)
	}

	// The bare call sends the same bytes: same method, target, headers and
	// body. Content-Length is set from the body; the transport adds
	// "Accept-Encoding: gzip" itself, as it did for the client.
	t.bareURL = srv.URL + t.got.uri
	t.bareHeader = t.got.header.Clone()
	t.bareHeader.Del("Content-Length")
	if t.bareHeader.Get("Accept-Encoding") == "gzip" {
		t.bareHeader.Del("Accept-Encoding")
	}
	return t
}

// discard is the emit of measured calls: the client's own work only.
func discard(provider.Chunk) error { return nil }

// call is one client call.
func (t *target) call(ctx context.Context) error {
	resp, err := t.p.Generate(ctx, t.req, discard)
	if err != nil {
		return err
	}
	if len(resp.Text) != len(answer) {
		return fmt.Errorf("client answered %q", resp.Text)
	}
	return nil
}

// bare is one bare net/http call with the captured request, its answer read
// to EOF.
func (t *target) bare(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, t.got.method, t.bareURL, bytes.NewReader(t.got.body))
	if err != nil {
		return err
	}
	req.Header = t.bareHeader // read-only for the transport; calls are sequential
	resp, err := t.bareClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || n == 0 {
		return fmt.Errorf("bare %s %s: status %d, %d bytes", t.got.method, t.got.uri, resp.StatusCode, n)
	}
	return nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// warmup calls of each kind precede the measured ones: connections open,
// pools and caches filled.
const warmup = 50

// BenchmarkOverhead measures, per vendor and mode, the latency of a client
// call and of a bare net/http call sending the same request to the same
// zero-latency simulator, one call at a time, interleaved (in alternating
// order) so both see the same machine. It reports the p50 and p99 of each
// and their difference, the overhead the client adds; one iteration is one
// call of each kind. Run it with a fixed count:
//
//	go test -run '^$' -bench Overhead -benchtime 2000x ./internal/perf/overhead
func BenchmarkOverhead(b *testing.B) {
	for _, vc := range vendors {
		for _, stream := range []bool{false, true} {
			b.Run(vc.vendor+"/"+mode(stream), func(b *testing.B) {
				t := newTarget(b, vc, stream)
				ctx := b.Context()
				client := make([]time.Duration, 0, 4096)
				bare := make([]time.Duration, 0, 4096)
				measure := func(f func(context.Context) error, into *[]time.Duration) {
					start := time.Now()
					err := f(ctx)
					d := time.Since(start)
					if err != nil {
						b.Fatal(err)
					}
					if into != nil {
						*into = append(*into, d)
					}
				}
				for range warmup {
					measure(t.call, nil)
					measure(t.bare, nil)
				}
				for i := 0; b.Loop(); i++ {
					if i%2 == 0 {
						measure(t.call, &client)
						measure(t.bare, &bare)
					} else {
						measure(t.bare, &bare)
						measure(t.call, &client)
					}
				}
				slices.Sort(client)
				slices.Sort(bare)
				c50, c99 := percentile(client, 0.50), percentile(client, 0.99)
				r50, r99 := percentile(bare, 0.50), percentile(bare, 0.99)
				b.ReportMetric(micros(c50), "client-p50-µs")
				b.ReportMetric(micros(c99), "client-p99-µs")
				b.ReportMetric(micros(r50), "bare-p50-µs")
				b.ReportMetric(micros(r99), "bare-p99-µs")
				b.ReportMetric(micros(c50-r50), "overhead-p50-µs")
				b.ReportMetric(micros(c99-r99), "overhead-p99-µs")
			})
		}
	}
}

// TestEveryVendorAnswersTheSimulator runs the benchmark's setup for each
// vendor and mode and checks the client's answer, the captured request and
// its bare replay, so BenchmarkOverhead cannot silently measure failures or
// the wrong route.
func TestEveryVendorAnswersTheSimulator(t *testing.T) {
	t.Parallel()
	for _, vc := range vendors {
		for _, stream := range []bool{false, true} {
			t.Run(vc.vendor+"/"+mode(stream), func(t *testing.T) {
				t.Parallel()
				tg := newTarget(t, vc, stream)
				r := tg.first
				if r.Text != answer {
					t.Errorf("text %q, want %q", r.Text, answer)
				}
				if got := strings.Join(tg.chunks, ""); got != answer || (stream && len(tg.chunks) < 2) || (!stream && len(tg.chunks) != 1) {
					t.Errorf("%d chunks %q, want the answer in one chunk when not streamed, in several when streamed", len(tg.chunks), tg.chunks)
				}
				u := r.Usage
				if u.Prompt <= 0 || u.Completion <= 0 || u.Total < u.Prompt+u.Completion {
					t.Errorf("usage %+v: want prompt and completion tokens, and a total of at least their sum", u)
				}
				if r.FinishReason != provider.FinishStop {
					t.Errorf("finish reason %q (raw %q), want stop", r.FinishReason, r.RawFinishReason)
				}
				if tg.got.method != http.MethodPost || !strings.HasPrefix(tg.got.uri, "/vendor/"+vc.vendor+"/") || len(tg.got.body) == 0 {
					t.Errorf("captured %s %s with %d body bytes: want a POST under /vendor/%s/", tg.got.method, tg.got.uri, len(tg.got.body), vc.vendor)
				}
				if err := tg.bare(t.Context()); err != nil {
					t.Fatalf("bare replay: %v", err)
				}
				if err := tg.call(t.Context()); err != nil {
					t.Fatalf("second client call: %v", err)
				}
				var streamed uint64
				if stream {
					streamed = 3
				}
				// The simulator counts an answer after its last write, which
				// the client may see first: give the count a moment.
				st := tg.sim.Stats()
				for deadline := time.Now().Add(time.Second); st.Answered < 3 && time.Now().Before(deadline); st = tg.sim.Stats() {
					time.Sleep(5 * time.Millisecond)
				}
				if st.Requests != 3 || st.Answered != 3 || st.Streamed != streamed {
					t.Errorf("simulator stats %+v: want 3 requests answered, %d streamed", st, streamed)
				}
			})
		}
	}
}
