package live

import (
	"strings"
	"testing"
)

func TestValidPattern(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p  string
		ok bool
	}{
		{"benchmark.progress", true},
		{"metrics.*", true},
		{"alerts.*", true},
		{"*", true},
		{"a.b.*", true},
		{"metrics_2.latency-p99", true},
		{"", false},
		{"*.progress", false},
		{"metrics.*.x", false},
		{"metrics.", false},
		{".metrics", false},
		{"metrics..x", false},
		{"Metrics.x", false},
		{"metrics.>", false},
		{"metrics.**", false},
		{"metrics. x", false},
		{strings.Repeat("a", 129), false},
	} {
		t.Run(tc.p, func(t *testing.T) {
			t.Parallel()
			if err := ValidPattern(tc.p); (err == nil) != tc.ok {
				t.Errorf("ValidPattern(%q) = %v, want ok=%v", tc.p, err, tc.ok)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p, topic string
		want     bool
	}{
		{"benchmark.progress", "benchmark.progress", true},
		{"benchmark.progress", "benchmark.finished", false},
		{"benchmark.progress", "benchmark.progress.x", false},
		{"metrics.*", "metrics.latency", true},
		{"metrics.*", "metrics", false},
		{"metrics.*", "metrics.", false},
		{"metrics.*", "metrics.a.b", false},
		{"metrics.*", "metricsx.a", false},
		{"alerts.*", "alerts.critical", true},
		{"*", "anything.at.all", true},
		{"bad pattern", "bad pattern", false},
	} {
		if got := Match(tc.p, tc.topic); got != tc.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tc.p, tc.topic, got, tc.want)
		}
	}
}

// FuzzPattern feeds client-supplied patterns: no panic, and a valid
// pattern without a wildcard matches exactly itself.
func FuzzPattern(f *testing.F) {
	for _, s := range []string{"benchmark.progress", "metrics.*", "*", "", "a..b", "x.*.y"} {
		f.Add(s, "metrics.latency")
	}
	f.Fuzz(func(t *testing.T, p, topic string) {
		err := ValidPattern(p)
		m := Match(p, topic)
		if err != nil && m {
			t.Fatalf("invalid pattern %q matched %q", p, topic)
		}
		if err == nil && !strings.Contains(p, "*") {
			if !Match(p, p) || m != (p == topic) {
				t.Fatalf("pattern %q: Match(self)=%v, Match(%q)=%v", p, Match(p, p), topic, m)
			}
		}
	})
}
