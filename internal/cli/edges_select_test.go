package cli_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEdgesFilterSelectsByIDCategoryAndTag covers issue 15.20 (--filter):
// the expression selects cases by id, by category and by tag.
func TestEdgesFilterSelectsByIDCategoryAndTag(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("s.yaml", `name: filtered
test_cases:
  - id: add-1
    category: math
    tags: [smoke]
    prompt: one plus one
  - id: add-2
    category: math
    prompt: two plus two
  - id: cap-1
    category: geography
    tags: [smoke, europe]
    prompt: capital of France
  - id: cap-2
    category: geography
    prompt: capital of Peru
`)
	tests := []struct {
		name, filter string
		want         []string
	}{
		{"by id", "^add-", []string{"add-1", "add-2"}},
		{"by category", "^geography$", []string{"cap-1", "cap-2"}},
		{"by one tag", "^europe$", []string{"cap-1"}},
		{"by a shared tag", "^smoke$", []string{"add-1", "cap-1"}},
		{"id or category", "^(add-2|geography)$", []string{"add-2", "cap-1", "cap-2"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(e.dir, fmt.Sprintf("f%d.jsonl", i))
			code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", suite, "--providers", "echo", "--filter", tc.filter, "--output", out)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
			}
			got := edgeCaseIDs(t, out)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("--filter %q selected %v, want %v", tc.filter, got, tc.want)
			}
		})
	}
}

// TestEdgesSampleIsSeeded covers issue 15.20 (--sample/--seed): the same
// seed picks the same N cases, another seed other ones.
func TestEdgesSampleIsSeeded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var b strings.Builder
	b.WriteString("name: sampled\ntest_cases:\n")
	all := map[string]bool{}
	for i := range 40 {
		id := fmt.Sprintf("case-%02d", i)
		all[id] = true
		fmt.Fprintf(&b, "  - id: %s\n    prompt: prompt number %d\n", id, i)
	}
	suite := e.write("s.yaml", b.String())
	const n = 6
	sample := func(name, seed string) []string {
		t.Helper()
		out := filepath.Join(e.dir, name+".jsonl")
		code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", suite, "--providers", "echo", "--sample", fmt.Sprint(n), "--seed", seed, "--output", out)
		if code != 0 {
			t.Fatalf("--seed %s: exit %d\nstdout:%s\nstderr:%s", seed, code, stdout, stderr)
		}
		ids := edgeCaseIDs(t, out)
		slices.Sort(ids)
		if len(ids) != n || len(slices.Compact(slices.Clone(ids))) != n {
			t.Fatalf("--sample %d --seed %s ran %v", n, seed, ids)
		}
		for _, id := range ids {
			if !all[id] {
				t.Fatalf("--seed %s ran unknown case %q", seed, id)
			}
		}
		return ids
	}
	a, again, other := sample("a", "7"), sample("again", "7"), sample("other", "8")
	if !slices.Equal(a, again) {
		t.Errorf("seed 7 picked %v, then %v", a, again)
	}
	if slices.Equal(a, other) {
		t.Errorf("seeds 7 and 8 both picked %v", a)
	}
	// Seeds matter beyond the first few: over several seeds the picks vary.
	seen := map[string]bool{}
	for _, s := range []string{"1", "2", "3", "4"} {
		seen[strings.Join(sample("s"+s, s), ",")] = true
	}
	if len(seen) < 3 {
		t.Errorf("four seeds gave only %d different samples", len(seen))
	}
}

// TestEdgesCaseSettingsReachTheRequest covers issue 15.20 (case settings):
// a case's top_p, seed, stop and logprobs are sent in the request body.
func TestEdgesCaseSettingsReachTheRequest(t *testing.T) {
	t.Parallel()
	srv := newEdgeServer(t, "sk-edge-settings")
	e := newEnv(t, edgeOpenAIEnv(srv)...)
	suite := e.write("s.yaml", `name: settings
test_cases:
  - id: tuned
    prompt: say something
    config:
      top_p: 0.25
      seed: 4242
      stop: ["END", "STOP"]
      logprobs: true
  - id: plain
    prompt: say something else
`)
	for _, stream := range []bool{true, false} {
		t.Run(fmt.Sprintf("stream=%v", stream), func(t *testing.T) {
			before := len(srv.requests())
			args := []string{"bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--no-cache"}
			if !stream {
				args = append(args, "--no-stream")
			}
			code, stdout, stderr := e.run(t.Context(), args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
			}
			var tuned, plain map[string]any
			for _, body := range srv.requests()[before:] {
				switch lastContent(body) {
				case "say something":
					tuned = body
				case "say something else":
					plain = body
				}
			}
			if tuned == nil || plain == nil {
				t.Fatalf("requests %v lack a case", srv.requests()[before:])
			}
			if got, _ := tuned["stream"].(bool); got != stream {
				t.Errorf("stream %v, want %v", tuned["stream"], stream)
			}
			want := map[string]any{"top_p": 0.25, "seed": 4242.0, "logprobs": true}
			for k, v := range want {
				if tuned[k] != v {
					t.Errorf("%s = %#v, want %#v (body %v)", k, tuned[k], v, tuned)
				}
			}
			if got := fmt.Sprint(tuned["stop"]); got != "[END STOP]" {
				t.Errorf("stop = %#v, want [END STOP]", tuned["stop"])
			}
			for _, k := range []string{"top_p", "seed", "stop", "logprobs"} {
				if _, ok := plain[k]; ok {
					t.Errorf("the case without settings sent %s = %v", k, plain[k])
				}
			}
		})
	}
}
