package plugin

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// loadVariant loads a Go example under another name with its manifest
// edited (each pair of edit is old, new).
func loadVariant(t *testing.T, h *Host, pkg, name string, edits ...string) *Plugin {
	t.Helper()
	dir := installGoGuest(t, pkg)
	src, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	edits = append(edits, `name = "`+filepath.Base(pkg)+`"`, `name = "`+name+`"`)
	for i := 0; i < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("%q not in %s's manifest", edits[i], pkg)
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	m, err := ParseManifest([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "main.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := h.New(context.Background(), m, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBatchEvaluatorFewerCalls: the example length-band scores the
// assertions of one answer in one evaluate_batch call (or one per
// max_batch_size), with the verdicts it gives one at a time.
func TestBatchEvaluatorFewerCalls(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	batch := loadVariant(t, h, "examples/plugins/length-band", "band-batch")
	single := loadVariant(t, h, "examples/plugins/length-band", "band-single", "supports_batch = true\nmax_batch_size = 8", "supports_batch = false")
	small := loadVariant(t, h, "examples/plugins/length-band", "band-small", "max_batch_size = 8", "max_batch_size = 2")
	if _, err := Activate([]*Plugin{batch, single, small}); err != nil {
		t.Fatal(err)
	}
	configs := []map[string]any{{"min_words": 2, "max_words": 10}, {"min_words": 8}, {"min_words": 1, "max_words": 3}}
	in := &eval.Input{Case: &bench.Case{ID: "c"}, Output: "Paris is the capital of France."}
	scores := map[string]map[string]bench.Score{}
	for _, p := range []*Plugin{batch, single, small} {
		typ := TypePrefix + p.Name()
		var as []bench.Assertion
		for i, cfg := range configs {
			a := bench.Assertion{Type: typ, Config: cfg}
			if i == 2 {
				a.Type = "not-" + typ
			}
			as = append(as, a)
		}
		if err := eval.Validate(as); err != nil {
			t.Fatal(err)
		}
		before := p.Calls()
		out := eval.Check(context.Background(), as, nil, in)
		calls := p.Calls() - before
		want := map[*Plugin]int64{batch: 1, single: 3, small: 2}[p]
		if calls != want {
			t.Errorf("%s: %d calls for 3 assertions, want %d", p.Name(), calls, want)
		}
		got := map[string]bench.Score{}
		for name, s := range out.Scores {
			got[strings.ReplaceAll(name, p.Name(), "X")] = s
		}
		scores[p.Name()] = got
	}
	// 6 words: inside [2, 10]; 6/8 of the minimum 8; 3/6 of the maximum 3, negated.
	want := map[string]struct {
		score float64
		pass  bool
	}{"plugin:X": {1, true}, "plugin:X#1": {0.75, false}, "not-plugin:X": {0.5, true}}
	for name, byName := range scores {
		for a, w := range want {
			s := byName[a]
			if s.Unscored || s.Score < w.score-1e-9 || s.Score > w.score+1e-9 || s.Pass != w.pass {
				t.Errorf("%s %s: %+v, want score %v", name, a, s, w)
			}
		}
		if byName["plugin:X#1"].Reason != scores["band-single"]["plugin:X#1"].Reason {
			t.Errorf("%s: reason %q differs from the single call's", name, byName["plugin:X#1"].Reason)
		}
	}
}

// TestBatchOutputChecked: a batch guest whose output is malformed leaves
// every assertion of the batch unscored, naming the plugin; a result with
// "error" fails that item alone.
func TestBatchOutputChecked(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	for _, tc := range []struct {
		name, data string
		want       []string // per assertion: "" for a score, else words of its reason
	}{
		{"too few results", `{"results":[{"score":1}]}`, []string{"1 results for 2 items", "1 results for 2 items"}},
		{"score out of range", `{"results":[{"score":1},{"score":3}]}`, []string{"results[1]", "results[1]"}},
		{"one item fails", `{"results":[{"score":1},{"error":"no config"}]}`, []string{"", `plugin "batch-wat": plugin: no config`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := testManifest(t, "batch-wat", "[capabilities]\nsupports_batch = true\n")
			p, err := h.New(context.Background(), m, wat2wasm(t, watGuest{data: tc.data, body: okBody}.source()))
			if err != nil {
				t.Fatal(err)
			}
			as := []bench.Assertion{{Type: "plugin:batch-wat"}, {Type: "plugin:batch-wat"}}
			scores := p.EvaluateBatch(context.Background(), as, &eval.Input{Case: &bench.Case{ID: "c"}, Output: "o"})
			for i, w := range tc.want {
				s := scores[i]
				switch {
				case w == "" && (s.Unscored || s.Score != 1):
					t.Errorf("assertion %d: %+v, want a score", i, s)
				case w != "" && (!s.Unscored || !strings.Contains(s.Reason, w) || !strings.Contains(s.Reason, `plugin "batch-wat"`)):
					t.Errorf("assertion %d: %+v, want unscored with %q", i, s, w)
				}
			}
			if p.Calls() != 1 {
				t.Errorf("%d calls, want 1", p.Calls())
			}
		})
	}
}
