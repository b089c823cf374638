package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestErrorFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		rates      ErrorRates
		wantStatus int
		wantType   string
		wantCode   *string
		wantHeader map[string]string
		count      func(Stats) uint64
	}{
		{"rate limit", ErrorRates{RateLimit: 1}, 429, "requests", ptr("rate_limit_exceeded"),
			map[string]string{"Retry-After": "3", "Retry-After-Ms": "2500", "X-Ratelimit-Remaining-Requests": "0", "X-Ratelimit-Reset-Requests": "2.5s"},
			func(s Stats) uint64 { return s.Errors.RateLimit }},
		{"overload", ErrorRates{Overload: 1}, 503, "service_unavailable_error", ptr("server_is_overloaded"), nil,
			func(s Stats) uint64 { return s.Errors.Overload }},
		{"server", ErrorRates{Server: 1}, 500, "server_error", nil, nil,
			func(s Stats) uint64 { return s.Errors.Server }},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			name := tt.name
			if stream {
				name += "/stream"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				ts := startServer(t, Config{Errors: tt.rates, RetryAfter: 2500 * time.Millisecond, Seed: 21})
				resp, body := ts.post(t, "/chat/completions", chatBody(t, "hi", map[string]any{"stream": stream}))
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.wantStatus, body)
				}
				var e wireError
				decodeStrict(t, body, &e)
				if e.Error.Type != tt.wantType || e.Error.Message == "" || e.Error.Param != nil {
					t.Errorf("error %+v, want type %q, a message and null param", e.Error, tt.wantType)
				}
				if diff := cmp.Diff(tt.wantCode, e.Error.Code); diff != "" {
					t.Errorf("code (-want +got):\n%s", diff)
				}
				for k, v := range tt.wantHeader {
					if got := resp.Header.Get(k); got != v {
						t.Errorf("header %s = %q, want %q", k, got, v)
					}
				}
				if got := tt.count(ts.sim.Stats()); got != 1 {
					t.Errorf("stats count = %d, want 1", got)
				}
			})
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestTimeoutFault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		hang        time.Duration
		clientAfter time.Duration
		wantMin     time.Duration
	}{
		{"server drops after hang", 100 * time.Millisecond, 5 * time.Second, 100 * time.Millisecond},
		{"client gives up first", 30 * time.Second, 100 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, Config{Errors: ErrorRates{Timeout: 1}, TimeoutHang: tt.hang, Seed: 22})
			start := time.Now() // before the client's deadline is set, which it may meet to the nanosecond
			ctx, cancel := context.WithTimeout(context.Background(), tt.clientAfter)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, ts.url+"/chat/completions", strings.NewReader(chatBody(t, "hi", nil)))
			resp, err := ts.client.Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got status %d, want no answer", resp.StatusCode)
			}
			if el := time.Since(start); el < tt.wantMin || el > tt.wantMin+2*time.Second {
				t.Errorf("failed after %v, want about %v", el, tt.wantMin)
			}
			deadline := time.Now().Add(2 * time.Second)
			for ts.sim.Stats().Errors.Timeout != 1 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond)
			}
			if got := ts.sim.Stats().Errors.Timeout; got != 1 {
				t.Errorf("timeouts = %d, want 1", got)
			}
		})
	}
}

func TestTruncateFault(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean, Seed: 23})
	prompt := "one two three four five six seven eight"
	t.Run("stream", func(t *testing.T) {
		t.Parallel()
		resp, body := ts.post(t, "/chat/completions", chatBody(t, prompt, map[string]any{"stream": true,
			"stream_options": map[string]any{"include_usage": true}}))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		s := parseSSE(t, body)
		text, finish, usage := streamText(t, s)
		if s.done || finish != "" || usage != nil {
			t.Errorf("truncated stream has [DONE]=%v finish=%q usage=%v, want none", s.done, finish, usage)
		}
		if text != "one two three four" {
			t.Errorf("text = %q, want the first half", text)
		}
	})
	t.Run("non-stream", func(t *testing.T) {
		t.Parallel()
		resp, body := ts.post(t, "/chat/completions", chatBody(t, prompt, nil))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		var c wireCompletion
		err := json.Unmarshal(body, &c)
		var syn *json.SyntaxError
		if !errors.As(err, &syn) && !errors.Is(err, io.ErrUnexpectedEOF) && (err == nil || !strings.Contains(err.Error(), "unexpected end")) {
			t.Errorf("decode of truncated body: %v, want unexpected end of JSON", err)
		}
		if !strings.HasPrefix(string(body), "{\n  \"id\": \"chatcmpl-") || len(body) < 300 {
			t.Errorf("truncated body %q, want the first half of an answer", body)
		}
	})
}

// TestFaultRatesAndSeed checks that fault draws follow the rates and that a
// Seed makes a sequence of answers reproducible.
func TestFaultRatesAndSeed(t *testing.T) {
	t.Parallel()
	cfg := Config{Errors: ErrorRates{RateLimit: 0.2, Overload: 0.1, Server: 0.1}, Latency: Dist{Kind: DistUniform, Max: time.Millisecond}}
	run := func(seed int64) ([]int, []string, Stats) {
		c := cfg
		c.Seed = seed
		ts := startServer(t, c)
		var codes []int
		var ids []string
		for i := 0; i < 200; i++ {
			resp, body := ts.post(t, "/chat/completions", chatBody(t, "hi", nil))
			codes = append(codes, resp.StatusCode)
			if resp.StatusCode == 200 {
				var c wireCompletion
				decodeStrict(t, body, &c)
				ids = append(ids, c.ID)
			}
		}
		return codes, ids, ts.sim.Stats()
	}
	codes1, ids1, st := run(99)
	codes2, ids2, _ := run(99)
	codes3, _, _ := run(100)
	if diff := cmp.Diff(codes1, codes2); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(ids1, ids2); diff != "" {
		t.Errorf("same seed, different ids (-first +second):\n%s", diff)
	}
	if cmp.Equal(codes1, codes3) {
		t.Error("different seeds gave the same 200 faults")
	}
	e := st.Errors
	if st.Requests != 200 || e.RateLimit+e.Overload+e.Server+st.Answered != 200 {
		t.Errorf("stats %+v do not add up to 200 requests", st)
	}
	for _, c := range []struct {
		name string
		got  uint64
		p    float64
	}{{"rate limit", e.RateLimit, 0.2}, {"overload", e.Overload, 0.1}, {"server", e.Server, 0.1}} {
		if want := c.p * 200; float64(c.got) < want/2 || float64(c.got) > want*1.6 {
			t.Errorf("%s: %d of 200, want about %.0f", c.name, c.got, want)
		}
	}
}
