package simulator

import (
	"bufio"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestStreamPaceSchedule checks, without a clock, when each token of a
// stream is due under every combination of latency, TTFT and tokens per
// second.
func TestStreamPaceSchedule(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name      string
		cfg       Config
		n         int
		want      []time.Duration // when tokens 0..n-1 are due
		wantTotal time.Duration   // when the stream ends; 0 means after its last token
	}{
		{"latency spreads tokens, first after a share", Config{Latency: Fixed(400 * ms)}, 5,
			[]time.Duration{100 * ms, 175 * ms, 250 * ms, 325 * ms, 400 * ms}, 400 * ms},
		{"latency with ttft", Config{Latency: Fixed(400 * ms), TTFT: Fixed(40 * ms)}, 4,
			[]time.Duration{40 * ms, 160 * ms, 280 * ms, 400 * ms}, 400 * ms},
		{"latency ignores tokens per second", Config{Latency: Fixed(400 * ms), TTFT: Fixed(100 * ms), TokensPerSec: 1000}, 3,
			[]time.Duration{100 * ms, 250 * ms, 400 * ms}, 400 * ms},
		{"ttft capped at the latency", Config{Latency: Fixed(300 * ms), TTFT: Fixed(time.Second)}, 2,
			[]time.Duration{300 * ms, 300 * ms}, 300 * ms},
		{"explicit zero ttft", Config{Latency: Fixed(300 * ms), TTFT: Fixed(0)}, 2,
			[]time.Duration{0, 300 * ms}, 300 * ms},
		{"one token still takes the latency", Config{Latency: Fixed(200 * ms)}, 1,
			[]time.Duration{50 * ms}, 200 * ms},
		{"no latency: ttft and token rate", Config{TTFT: Fixed(80 * ms), TokensPerSec: 50}, 3,
			[]time.Duration{80 * ms, 100 * ms, 120 * ms}, 0},
		{"nothing set is instant", Config{}, 3, []time.Duration{0, 0, 0}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			r := newRNG(1, 1)
			p := s.pace(&r, tt.n)
			got := make([]time.Duration, tt.n)
			for k := range got {
				got[k] = p.at(k)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("token times (-want +got):\n%s", diff)
			}
			total := time.Duration(0)
			if p.spread {
				total = p.total
			}
			if total != tt.wantTotal {
				t.Errorf("end at %v, want %v", total, tt.wantTotal)
			}
		})
	}
}

// TestLatencyAppliesToStreams checks, as a client sees it, that a fixed
// latency is the total time of a streamed answer as of a non-streamed one,
// and that a stream's first token comes after TTFT or, without one, after
// TTFTShare of the latency. Pacing can only be late, never early; the
// upper bounds are generous because a loaded CI machine delays goroutines.
// Like the other timing tests it does not run in parallel.
func TestLatencyAppliesToStreams(t *testing.T) {
	const latency, slack = 300 * time.Millisecond, 2 * time.Second
	tests := []struct {
		name      string
		cfg       Config
		prompt    string
		stream    bool
		wantFirst time.Duration // earliest first content chunk; 0 for non-streamed
	}{
		{"not streamed", Config{Latency: Fixed(latency)}, "a b c d e", false, 0},
		{"streamed", Config{Latency: Fixed(latency)}, "a b c d e", true, time.Duration(float64(latency) * TTFTShare)},
		{"streamed with ttft", Config{Latency: Fixed(latency), TTFT: Fixed(120 * time.Millisecond)}, "a b c d e", true, 120 * time.Millisecond},
		{"streamed one token", Config{Latency: Fixed(latency)}, "a", true, time.Duration(float64(latency) * TTFTShare)},
		{"streamed, tokens per second set", Config{Latency: Fixed(latency), TokensPerSec: 100000}, "a b c d e", true, time.Duration(float64(latency) * TTFTShare)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Seed = 41
			ts := startServer(t, tt.cfg)
			start := time.Now()
			resp, err := ts.client.Post(ts.url+"/chat/completions", "application/json",
				strings.NewReader(chatBody(t, tt.prompt, map[string]any{"stream": tt.stream})))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var first time.Duration
			var text strings.Builder
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if first == 0 && strings.Contains(sc.Text(), `"content":"`) {
					first = time.Since(start)
				}
				text.WriteString(sc.Text())
			}
			elapsed := time.Since(start)
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			if elapsed < latency || elapsed > latency+slack {
				t.Errorf("answer took %v, want about the %v latency", elapsed, latency)
			}
			if tt.stream && (first < tt.wantFirst || first > latency+slack) {
				t.Errorf("first token after %v, want at least %v and about the latency at most", first, tt.wantFirst)
			}
			if tt.stream && !strings.Contains(text.String(), "[DONE]") {
				t.Errorf("stream did not end well: %s", text.String())
			}
		})
	}
}

// TestSetLatency: a new latency applies to the requests that follow,
// clearing it falls back to TTFT and tokens per second, and a bad one is
// refused and leaves the old one in force.
func TestSetLatency(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	s, err := New(Config{Latency: Fixed(400 * ms), TTFT: Fixed(80 * ms), TokensPerSec: 50})
	if err != nil {
		t.Fatal(err)
	}
	r := newRNG(1, 1)
	if p := s.pace(&r, 2); p.total != 400*ms {
		t.Fatalf("before: total %v, want 400ms", p.total)
	}
	if err := s.SetLatency(Fixed(20 * ms)); err != nil {
		t.Fatal(err)
	}
	if p := s.pace(&r, 2); !p.spread || p.total != 20*ms || p.first != 20*ms {
		t.Errorf("after SetLatency(20ms): %+v, want a 20ms stream (TTFT capped at it)", p)
	}
	if err := s.SetLatency(Dist{Kind: DistUniform, Min: 2 * ms, Max: ms}); err == nil {
		t.Error("SetLatency(uniform 2ms-1ms) accepted")
	}
	if p := s.pace(&r, 2); p.total != 20*ms {
		t.Errorf("a refused latency changed the timing: %+v", p)
	}
	if err := s.SetLatency(Dist{}); err != nil {
		t.Fatal(err)
	}
	if p := s.pace(&r, 3); p.spread || p.at(2) != 120*ms {
		t.Errorf("without latency: %+v, want TTFT then 50 tokens/s", p)
	}
}
