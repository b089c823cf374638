package policy

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/event"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// fakeLocal is NewLocal on a fake clock.
func fakeLocal(t *testing.T, rpm, tpm float64, advance bool) (*Local, *fakeClock) {
	t.Helper()
	l := NewLocal(rpm, tpm)
	if l == nil {
		t.Fatalf("NewLocal(%v, %v) = nil", rpm, tpm)
	}
	c := newClock(advance)
	l.now, l.sleep = c.now, c.sleep
	return l, c
}

func TestLocalDelays(t *testing.T) {
	t.Parallel()
	s := time.Second
	tests := []struct {
		name     string
		rpm, tpm float64
		// advance: each wait moves the clock (calls one after another);
		// otherwise the clock stands still (calls arriving together).
		advance bool
		tokens  []int
		want    []time.Duration
	}{
		{
			name: "60 rpm, calls arriving together", rpm: 60,
			tokens: []int{1, 1, 1, 1, 1},
			want:   []time.Duration{0, s, 2 * s, 3 * s, 4 * s},
		},
		{
			name: "60 rpm, calls one after another", rpm: 60, advance: true,
			tokens: []int{1, 1, 1, 1},
			want:   []time.Duration{0, s, s, s},
		},
		{
			name: "120 rpm holds a one-second burst of two", rpm: 120,
			tokens: []int{1, 1, 1, 1, 1},
			want:   []time.Duration{0, 0, s / 2, s, 3 * s / 2},
		},
		{
			name: "30 rpm", rpm: 30,
			tokens: []int{1, 1, 1},
			want:   []time.Duration{0, 2 * s, 4 * s},
		},
		{
			name: "rpm ignores tokens", rpm: 60,
			tokens: []int{100000, 100000},
			want:   []time.Duration{0, s},
		},
		{
			// 600 tpm: a bucket of 600 tokens refilling at 10 a second.
			name: "600 tpm by estimated tokens", tpm: 600,
			tokens: []int{300, 300, 300, 100},
			want:   []time.Duration{0, 0, 30 * s, 40 * s},
		},
		{
			name: "tpm counts small calls", tpm: 600,
			tokens: []int{590, 10, 10},
			want:   []time.Duration{0, 0, s},
		},
		{
			name: "tpm alone does not limit requests", tpm: 600000,
			tokens: []int{1, 1, 1, 1},
			want:   []time.Duration{0, 0, 0, 0},
		},
		{
			name: "zero tokens still count as one", tpm: 60,
			tokens: []int{60, 0, 0},
			want:   []time.Duration{0, s, 2 * s},
		},
		{
			name: "a request larger than the bucket waits for a full bucket, not forever", tpm: 600,
			tokens: []int{600, 5000, 5000},
			want:   []time.Duration{0, 60 * s, 120 * s},
		},
		{
			name: "a request larger than a full bucket goes at once", tpm: 600,
			tokens: []int{5000, 1},
			want:   []time.Duration{0, s / 10},
		},
		{
			name: "the longer of the two delays wins", rpm: 60, tpm: 600,
			tokens: []int{300, 300, 300, 10},
			want:   []time.Duration{0, s, 30 * s, 31 * s},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, c := fakeLocal(t, tc.rpm, tc.tpm, tc.advance)
			got := make([]time.Duration, 0, len(tc.tokens))
			var slept []time.Duration
			for _, n := range tc.tokens {
				d, err := l.Wait(context.Background(), n)
				if err != nil {
					t.Fatalf("Wait(%d): %v", n, err)
				}
				got = append(got, d)
				if d > 0 {
					slept = append(slept, d)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("delays (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(slept, c.sleeps()); diff != "" {
				t.Errorf("Wait must sleep exactly the delay it reports (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewLocalNilWithoutRates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		rpm, tpm         float64
		wantNil          bool
		wantReq, wantTok bool
	}{
		{name: "both zero", wantNil: true},
		{name: "both negative", rpm: -1, tpm: -5, wantNil: true},
		{name: "requests only", rpm: 60, wantReq: true},
		{name: "tokens only", tpm: 1000, wantTok: true},
		{name: "both", rpm: 60, tpm: 1000, wantReq: true, wantTok: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := NewLocal(tc.rpm, tc.tpm)
			if (l == nil) != tc.wantNil {
				t.Fatalf("NewLocal(%v, %v) nil = %v, want %v", tc.rpm, tc.tpm, l == nil, tc.wantNil)
			}
			if l == nil {
				return
			}
			if (l.req != nil) != tc.wantReq || (l.tok != nil) != tc.wantTok {
				t.Errorf("request bucket %v token bucket %v, want %v %v", l.req != nil, l.tok != nil, tc.wantReq, tc.wantTok)
			}
		})
	}
}

func TestLocalWaitHonoursCancellation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ctx    func() (context.Context, context.CancelFunc)
		wantIs error
	}{
		{
			name: "cancelled before the wait",
			ctx: func() (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx, cancel
			},
			wantIs: context.Canceled,
		},
		{
			name: "deadline during the wait",
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 30*time.Millisecond)
			},
			wantIs: context.DeadlineExceeded,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// 1 request a minute: the second call must wait a minute, on the real clock.
			l := NewLocal(1, 0)
			if d, err := l.Wait(context.Background(), 1); d != 0 || err != nil {
				t.Fatalf("first Wait = %v, %v; want 0, nil", d, err)
			}
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			type waited struct {
				d   time.Duration
				err error
			}
			done := make(chan waited, 1)
			go func() {
				d, err := l.Wait(ctx, 1)
				done <- waited{d, err}
			}()
			var d time.Duration
			var err error
			select {
			case w := <-done:
				d, err = w.d, w.err
			case <-time.After(5 * time.Second):
				t.Fatal("Wait did not return within 5s of its context ending")
			}
			if !errors.Is(err, tc.wantIs) {
				t.Errorf("Wait error = %v, want %v", err, tc.wantIs)
			}
			if d < 50*time.Second {
				t.Errorf("Wait reported a delay of %v, want about a minute", d)
			}
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("Wait returned after %v; cancellation must end it promptly", el)
			}
		})
	}
}

func TestEstimateTokens(t *testing.T) {
	t.Parallel()
	hundred := 100
	tests := []struct {
		name string
		req  provider.Request
		want int
	}{
		{name: "empty"},
		{name: "one message", req: provider.Request{Messages: []bench.Message{{Role: "user", Content: string(make([]byte, 40))}}}, want: 14},
		{name: "two messages", req: provider.Request{Messages: []bench.Message{{Role: "system", Content: "abcd"}, {Role: "user", Content: "abcdefgh"}}}, want: 1 + 4 + 2 + 4},
		{name: "answer budget counts", req: provider.Request{Messages: []bench.Message{{Role: "user", Content: "abcd"}}, Sampling: provider.Sampling{MaxTokens: &hundred}}, want: 105},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := estimateTokens(&tc.req); got != tc.want {
				t.Errorf("estimateTokens = %d, want %d", got, tc.want)
			}
		})
	}
}

// fakeLimiter is a Limiter whose behaviour is WaitFn; it records the tokens asked for.
type fakeLimiter struct {
	tokens []int
	WaitFn func(ctx context.Context, tokens int) (time.Duration, error)
}

func (f *fakeLimiter) Wait(ctx context.Context, tokens int) (time.Duration, error) {
	f.tokens = append(f.tokens, tokens)
	return f.WaitFn(ctx, tokens)
}

func TestDoWaitsForTheLimiter(t *testing.T) {
	t.Parallel()
	t.Run("local limiter paces calls and the events say rate_limit", func(t *testing.T) {
		t.Parallel()
		l, lc := fakeLocal(t, 60, 0, false)
		rec := &recorder{}
		inner := scripted()
		p, _ := wrap(t, inner, Options{Limiter: l, Events: rec})
		for range 3 {
			if out := p.Do(context.Background(), request("q"), Call{CaseID: "c"}); out.Err != nil {
				t.Fatal(out.Err)
			}
		}
		if diff := cmp.Diff([]time.Duration{time.Second, 2 * time.Second}, lc.sleeps()); diff != "" {
			t.Errorf("limiter sleeps (-want +got):\n%s", diff)
		}
		var got []string
		var gotMs []float64
		for _, a := range rec.attempts() {
			got = append(got, string(a.Wait))
			gotMs = append(gotMs, a.WaitMs)
		}
		if diff := cmp.Diff([]string{"none", "rate_limit", "rate_limit"}, got); diff != "" {
			t.Errorf("wait reasons (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]float64{0, 1000, 2000}, gotMs); diff != "" {
			t.Errorf("wait_ms (-want +got):\n%s", diff)
		}
		if inner.Calls() != 3 {
			t.Errorf("provider called %d times, want 3", inner.Calls())
		}
	})
	t.Run("the limiter is asked for the estimated tokens", func(t *testing.T) {
		t.Parallel()
		fl := &fakeLimiter{WaitFn: func(context.Context, int) (time.Duration, error) { return 0, nil }}
		p, _ := wrap(t, scripted(), Options{Limiter: fl})
		max := 50
		req := &provider.Request{Messages: []bench.Message{{Role: "user", Content: "12345678"}}, Sampling: provider.Sampling{MaxTokens: &max}}
		p.Do(context.Background(), req, Call{})
		if diff := cmp.Diff([]int{2 + 4 + 50}, fl.tokens); diff != "" {
			t.Errorf("tokens asked (-want +got):\n%s", diff)
		}
	})
	t.Run("a cancelled wait makes no call", func(t *testing.T) {
		t.Parallel()
		fl := &fakeLimiter{WaitFn: func(context.Context, int) (time.Duration, error) { return time.Second, context.Canceled }}
		inner := scripted()
		rec := &recorder{}
		p, _ := wrap(t, inner, Options{Limiter: fl, Events: rec, Settings: Settings{MaxRetries: 3}})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		out := p.Do(ctx, request("q"), Call{})
		if !errors.Is(out.Err, context.Canceled) {
			t.Errorf("Err = %v, want context.Canceled", out.Err)
		}
		if inner.Calls() != 0 || out.Attempts != 1 {
			t.Errorf("calls = %d, attempts = %d; want 0 calls, 1 attempt", inner.Calls(), out.Attempts)
		}
		want := []event.Attempt{{Number: 1, Provider: "fake:m", Wait: event.WaitRateLimit, WaitMs: 1000, Error: "cancelled"}}
		if diff := cmp.Diff(want, rec.attempts()); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// Charge takes tokens counted after the fact (a worker's call): the next
// call waits until the bucket has paid them back; without a token limit
// it changes nothing.
func TestLocalCharge(t *testing.T) {
	t.Parallel()
	l, c := fakeLocal(t, 0, 60, false) // 1 token a second, a bucket of 60
	if d, err := l.Wait(context.Background(), 0); d != 0 || err != nil {
		t.Fatalf("first call waited %s, %v", d, err)
	}
	l.Charge(100) // more than the bucket: charged in parts
	// 59 left, 100 charged, 1 for this call: 42 tokens owed at 1 a second.
	d, err := l.Wait(context.Background(), 0)
	if err != nil || d != 42*time.Second {
		t.Errorf("after 100 tokens charged: waited %s, %v; want 42s", d, err)
	}
	if got := c.sleeps(); len(got) != 1 {
		t.Errorf("sleeps %v", got)
	}
	r, _ := fakeLocal(t, 60, 0, false)
	r.Charge(1000)
	if d, _ := r.Wait(context.Background(), 0); d != 0 {
		t.Errorf("a request limit charged with tokens: waited %s", d)
	}
	var none *Local
	none.Charge(5)
}
