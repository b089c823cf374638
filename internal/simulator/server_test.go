package simulator

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr []string // substrings of the error; nil means valid
	}{
		{"zero value", Config{}, nil},
		{"full", Config{Latency: Fixed(time.Millisecond), TokensPerSec: 50, Errors: ErrorRates{RateLimit: 0.5, Truncate: 0.5},
			Policy: PolicyScripted, Script: []Rule{{Match: regexp.MustCompile("x"), Answer: "y"}}}, nil},
		{"bad rate", Config{Errors: ErrorRates{Server: 1.5}}, []string{"error rate server"}},
		{"rates sum", Config{Errors: ErrorRates{Server: 0.6, Overload: 0.6}}, []string{"sum to 1.2"}},
		{"negative tps", Config{TokensPerSec: -1}, []string{"tokens per second"}},
		{"unknown policy", Config{Policy: "random"}, []string{`policy: unknown "random"`}},
		{"rule without regexp", Config{Policy: PolicyScripted, Script: []Rule{{Answer: "a"}}}, []string{"script rule 0"}},
		{"empty script", Config{Policy: PolicyScripted}, []string{"no script rules"}},
		{"bad dist and retry", Config{Latency: Dist{Kind: DistUniform, Min: 2, Max: 1}, RetryAfter: -time.Second},
			[]string{"latency:", "retry after"}},
		{"unknown dist kind", Config{TTFT: Dist{Kind: "weibull"}}, []string{"ttft:", "weibull"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tt.cfg)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("New accepted an invalid config")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

// TestLittlesLaw checks that with a fixed 50 ms latency and 8 clients the
// simulator serves requests concurrently: the rate is at most 8/0.05 = 160
// per second, it equals clients / mean response time (Little's law), and
// the mean response time stays near 50 ms (a server that serialized
// requests would take 400 ms). Like the other timing tests it does not run
// in parallel, and its bounds allow for a loaded CI machine.
func TestLittlesLaw(t *testing.T) {
	const clients, latency, window = 8, 50 * time.Millisecond, 600 * time.Millisecond
	ts := startServer(t, Config{Latency: Fixed(latency), Seed: 31})
	body := chatBody(t, "hi", nil)
	var done, busy atomic.Int64 // requests, and their summed response time in ns
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Since(start) < window {
				sent := time.Now()
				resp, err := ts.client.Post(ts.url+"/chat/completions", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = bufio.NewReader(resp.Body).WriteTo(discard{})
				resp.Body.Close()
				if resp.StatusCode == 200 {
					done.Add(1)
					busy.Add(int64(time.Since(sent)))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	n := done.Load()
	if n == 0 {
		t.Fatal("no request succeeded")
	}
	rate := float64(n) / elapsed.Seconds()
	meanW := time.Duration(busy.Load() / n)
	if ideal := clients / latency.Seconds(); rate > 1.05*ideal {
		t.Errorf("rate %.1f req/s is above the ideal %.0f: latency not applied", rate, ideal)
	}
	if meanW < latency || meanW > 4*latency {
		t.Errorf("mean response time %v, want about %v", meanW, latency)
	}
	// L = lambda * W: the clients were busy all the time (minus the tail of
	// the window), so rate * W is close to the number of clients.
	if l := rate * meanW.Seconds(); l < 0.8*clients || l > 1.02*clients {
		t.Errorf("rate %.1f req/s * mean %v = %.2f busy clients, want about %d", rate, meanW, l, clients)
	}
	t.Logf("%.1f req/s, mean response time %v", rate, meanW)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// TestStreamPacing checks TTFT and tokens per second as a client sees them.
func TestStreamPacing(t *testing.T) {
	const ttft, tps = 80 * time.Millisecond, 50.0
	ts := startServer(t, Config{TTFT: Fixed(ttft), TokensPerSec: tps, Seed: 32})
	start := time.Now()
	resp, err := ts.client.Post(ts.url+"/chat/completions", "application/json",
		strings.NewReader(chatBody(t, "a b c d e f g h i j", map[string]any{"stream": true})))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var times []time.Duration
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"delta":{"content"`) {
			times = append(times, time.Since(start))
		}
	}
	if len(times) != 10 {
		t.Fatalf("%d content chunks, want 10", len(times))
	}
	// Pacing can only be late, never early; the upper bounds are generous
	// because a loaded CI machine delays goroutines.
	if times[0] < ttft || times[0] > ttft+time.Second {
		t.Errorf("first token after %v, want about %v", times[0], ttft)
	}
	for k, at := range times {
		want := ttft + time.Duration(float64(k)/tps*float64(time.Second))
		if at < want || at > want+time.Second {
			t.Errorf("token %d after %v, want about %v (%.0f tokens/s)", k, at, want, tps)
		}
	}
}

// TestClientDisconnectMidStream checks that a handler returns promptly when
// its client goes away in the middle of a slow stream.
func TestClientDisconnectMidStream(t *testing.T) {
	t.Parallel()
	sim, err := New(Config{TokensPerSec: 5, Seed: 33})
	if err != nil {
		t.Fatal(err)
	}
	returned := make(chan time.Time, 1)
	inner := sim.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { returned <- time.Now() }() // also when the handler aborts
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	defer sim.Close()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/v1/chat/completions",
		strings.NewReader(chatBody(t, strings.Repeat("word ", 100), map[string]any{"stream": true})))
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() && !strings.Contains(sc.Text(), `"content":"word"`) {
	}
	cancel()
	canceled := time.Now()
	resp.Body.Close()
	select {
	case at := <-returned:
		if d := at.Sub(canceled); d > 500*time.Millisecond {
			t.Errorf("handler returned %v after the client left", d)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("handler still running 3s after the client left")
	}
}

func TestStartStop(t *testing.T) {
	t.Parallel()
	sim, err := New(Config{Seed: 34})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	url, err := sim.Start(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/v1$`).MatchString(url) {
		t.Errorf("base URL %q", url)
	}
	if _, err := sim.Start(ctx, "127.0.0.1:0"); err == nil {
		t.Error("second Start succeeded")
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	resp, err := c.Get(url + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cancel() // ending ctx closes the server
	deadline := time.Now().Add(2 * time.Second)
	for {
		tr.CloseIdleConnections()
		resp, err := c.Get(url + "/models")
		if err != nil {
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("server still answers after its context ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := sim.Close(); err != nil {
		t.Errorf("Close after ctx end: %v", err)
	}
	if _, err := sim.Start(context.Background(), "127.0.0.1:0"); err == nil {
		t.Error("Start after Close succeeded")
	}
}

// TestCloseEndsSlowResponses checks that Close does not wait for hanging
// or paced answers.
func TestCloseEndsSlowResponses(t *testing.T) {
	t.Parallel()
	sim, err := New(Config{Latency: Fixed(time.Minute), Seed: 35})
	if err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start(context.Background(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	errc := make(chan error, 1)
	go func() {
		resp, err := (&http.Client{Transport: tr}).Post(url+"/chat/completions", "application/json", strings.NewReader(chatBody(t, "hi", nil)))
		if err == nil {
			resp.Body.Close()
			err = fmt.Errorf("got status %d, want a dropped connection", resp.StatusCode)
		} else {
			err = nil
		}
		errc <- err
	}()
	for sim.Stats().Requests == 0 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := sim.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-errc; err != nil {
		t.Error(err)
	}
}
