package ratelimit

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

func TestFromConfigSeed(t *testing.T) {
	t.Parallel()
	ps, err := FromConfig(config.Default().Server.RateLimit)
	if err != nil {
		t.Fatal(err)
	}
	want := Policies{
		Global: &Policy{Name: "global", Quota: 100, Window: time.Minute, Burst: 20},
		Endpoints: []Endpoint{
			{Prefix: "/api/v1/benchmarks", Policy: Policy{Name: "benchmarks", Quota: 10, Window: time.Minute, Burst: 10}},
			{Prefix: "/api/v1/evaluate", Policy: Policy{Name: "evaluate", Quota: 50, Window: time.Minute, Burst: 20}},
		},
	}
	if diff := cmp.Diff(want, ps); diff != "" {
		t.Errorf("seed policies (-want +got):\n%s", diff)
	}
}

func TestPoliciesFor(t *testing.T) {
	t.Parallel()
	ps, err := FromConfig(config.RateLimit{
		RequestsPerMinute: 100, BurstSize: 20,
		Endpoints: []config.EndpointLimit{
			{Path: "/api/v1/benchmarks", RequestsPerMinute: 10},
			{Path: "/api/v1/benchmarks/export", RequestsPerMinute: 2, BurstSize: 1},
			{Path: "/api/v2/benchmarks", RequestsPerMinute: 5},
			{Path: "/api/v1/Global", RequestsPerMinute: 5},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	names := func(p []Policy) []string {
		var out []string
		for _, x := range p {
			out = append(out, x.Name)
		}
		return out
	}
	tests := []struct {
		path string
		want []string
	}{
		{"/api/v1/benchmarks", []string{"benchmarks", "global"}},
		{"/api/v1/benchmarks/abc123/cancel", []string{"benchmarks", "global"}},
		{"/api/v1//benchmarks", []string{"benchmarks", "global"}},
		{"/api/v1/./benchmarks/", []string{"benchmarks", "global"}},
		{"/api/v1/x/../benchmarks", []string{"benchmarks", "global"}},
		{"/api/v1/benchmarks/export", []string{"export", "global"}},
		{"/api/v1/benchmarksX", []string{"global"}},
		{"/api/v2/benchmarks/1", []string{"benchmarks-2", "global"}},
		{"/api/v1/Global", []string{"global-2", "global"}},
		{"/api/v1/results", []string{"global"}},
		{"", []string{"global"}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, names(ps.For(tc.path))); diff != "" {
			t.Errorf("For(%q) (-want +got):\n%s", tc.path, diff)
		}
	}
	if got := ps.For("/api/v1/benchmarks/export")[0].Burst; got != 1 {
		t.Errorf("explicit endpoint burst = %d, want 1", got)
	}
}

func TestFromConfigRefuses(t *testing.T) {
	t.Parallel()
	for name, rl := range map[string]config.RateLimit{
		"no burst":       {RequestsPerMinute: 10},
		"endpoint rate":  {Endpoints: []config.EndpointLimit{{Path: "/a", RequestsPerMinute: 0}}},
		"duplicate path": {Endpoints: []config.EndpointLimit{{Path: "/a", RequestsPerMinute: 1}, {Path: "/a/", RequestsPerMinute: 2}}},
	} {
		if _, err := FromConfig(rl); err == nil {
			t.Errorf("%s: accepted %+v", name, rl)
		}
	}
	ps, err := FromConfig(config.RateLimit{})
	if err != nil || ps.Global != nil || len(ps.For("/x")) != 0 {
		t.Errorf("no limits configured: %+v %v, want none", ps, err)
	}
}
