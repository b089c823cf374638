package expr

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Condition
	}{
		{"seed latency", "p95_latency_ms > 5000", Condition{
			Comparisons: []Comparison{{P95LatencyMs, GT, 5000}}, Window: DefaultWindow}},
		{"seed cost", "hourly_cost > 10.0", Condition{
			Comparisons: []Comparison{{HourlyCost, GT, 10}}, Window: DefaultWindow}},
		{"window", "error_rate >= 0.2 over 2s", Condition{
			Comparisons: []Comparison{{ErrorRate, GE, 0.2}}, Window: 2 * time.Second}},
		{"and, no spaces", "pass_rate<0.9 and requests_per_minute>=30 over 1h30m", Condition{
			Comparisons: []Comparison{{PassRate, LT, 0.9}, {RequestsPerMinute, GE, 30}}, Window: 90 * time.Minute}},
		{"signs and exponents", "pass_rate_drop <= -1.5e1 and ttft_p95_ms > .5", Condition{
			Comparisons: []Comparison{{PassRateDrop, LE, -15}, {TTFTP95Ms, GT, 0.5}}, Window: DefaultWindow}},
		{"white space", "\tp99_latency_ms\n>  +200 over 250000ms ", Condition{
			Comparisons: []Comparison{{P99LatencyMs, GT, 200}}, Window: 250 * time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, d)
			}
			again, err := Parse(got.String())
			if err != nil || !cmp.Equal(again, got) {
				t.Errorf("canonical form %q parses to %+v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		col      int
		msg      string
	}{
		{"empty", "", 1, "want a metric"},
		{"unknown metric", "p95 > 1", 1, `did you mean "p95_latency_ms"`},
		{"upper case", "P95_latency_ms > 1", 1, "lower case"},
		{"no operator", "error_rate 0.5", 12, "want >, >=, < or <="},
		{"equals", "error_rate == 0.5", 12, "want >, >=, < or <="},
		{"no number", "error_rate >", 13, "want a number"},
		{"word for number", "error_rate > high", 14, "want a number"},
		{"trailing", "error_rate > 0.5 or pass_rate < 1", 18, `want "and", "over" or the end`},
		{"dangling and", "error_rate > 0.5 and", 21, "want a metric"},
		{"window without unit", "error_rate > 0.5 over 30", 23, "no unit"},
		{"bad window", "error_rate > 0.5 over 5parsecs", 23, "want a duration"},
		{"short window", "error_rate > 0.5 over 10ms", 23, "want 1s to 24h"},
		{"long window", "error_rate > 0.5 over 48h", 23, "want 1s to 24h"},
		{"malformed number", "error_rate > 1.2.3", 14, "malformed number"},
		{"huge number", "hourly_cost > 1e400", 15, "out of range"},
		{"hex", "hourly_cost > 0x10", 15, "want a number"},
		{"stray character", "error_rate > 0.5 ; drop", 18, "unexpected character"},
		{"too long", strings.Repeat(" ", maxLen+1), maxLen + 1, "longer than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, want an *Error", tc.in, err)
			}
			if e.Col != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("Parse(%q) = column %d %q, want column %d containing %q", tc.in, e.Col, e.Msg, tc.col, tc.msg)
			}
		})
	}
}

func TestOpHolds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		op   Op
		v    float64
		want bool
	}{{GT, 2, false}, {GT, 3, true}, {GE, 2, true}, {GE, 1, false}, {LT, 1, true}, {LT, 2, false}, {LE, 2, true}, {LE, 3, false}} {
		if got := tc.op.Holds(tc.v, 2); got != tc.want {
			t.Errorf("%v %s 2 = %v, want %v", tc.v, tc.op, got, tc.want)
		}
	}
}

// FuzzParse: Parse never panics; what it accepts renders to a canonical
// form that parses back to the same condition; an error's column lies
// within the text (or just past its end).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"p95_latency_ms > 5000", "hourly_cost > 10.0", "error_rate >= 0.2 and pass_rate < 0.5 over 2m",
		"pass_rate_drop > 10 over 1h", "ttft_p95_ms>=1e3", "requests_per_minute < -0.5 over 90s", "x", "> 1", "over",
		"p50_latency_ms > 1 over 1µs",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q) = %v, not an *Error", s, err)
			}
			if e.Col < 1 || e.Col > len(s)+1 {
				t.Fatalf("Parse(%q): column %d outside 1..%d", s, e.Col, len(s)+1)
			}
			return
		}
		if len(c.Comparisons) == 0 || c.Window < MinWindow || c.Window > MaxWindow {
			t.Fatalf("Parse(%q) accepted %+v", s, c)
		}
		again, err := Parse(c.String())
		if err != nil || !cmp.Equal(again, c) {
			t.Fatalf("Parse(%q) = %+v; its form %q parses to %+v, %v", s, c, c.String(), again, err)
		}
	})
}
