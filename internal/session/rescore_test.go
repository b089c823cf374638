package session_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/session"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/store/sqlite"
)

// TestRescoreMatchesTheRunsCaseIDs re-scores a run of two suites, whose
// case ids the run prefixed with the suite's name: every answer finds its
// case. Given only one of the suites, the ids are not prefixed, as in a
// run of one suite, and no answer finds its case: they are counted.
func TestRescoreMatchesTheRunsCaseIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t)
	svc := session.New(loadConfig(t, ""), st, nil)
	one := writeCases(t, "one", 3, `{"type": "contains", "value": "one"}`)
	two := writeCases(t, "two", 2, `{"type": "contains", "value": "never"}`)
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{one, two}, Providers: []string{"simulator:echo"}, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	old := r.Wait()
	if old.Err != nil || old.Run.Totals.Results != 5 {
		t.Fatalf("run: %+v", old)
	}

	res, err := svc.Rescore(ctx, old.Run.ID, session.EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scored != 5 || res.NoCase != 0 || res.Errored != 0 {
		t.Errorf("scored %d, no case %d, failed %d; want every answer scored", res.Scored, res.NoCase, res.Errored)
	}
	if res.Run.Totals.Passed != old.Run.Totals.Passed || res.Run.Totals.Results != 5 {
		t.Errorf("totals %+v, want the old verdicts %+v", res.Run.Totals, old.Run.Totals)
	}
	for _, r := range stored(t, st, res.Run.ID) {
		if !strings.HasPrefix(r.CaseID, "one") && !strings.HasPrefix(r.CaseID, "two") || r.Metadata[session.MetaRescoredFrom] == nil {
			t.Errorf("result %s: metadata %v", r.CaseID, r.Metadata)
		}
	}

	res, err = svc.Rescore(ctx, old.Run.ID, session.EvalOptions{Datasets: []string{one}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Scored != 0 || res.NoCase != 5 {
		t.Errorf("one suite of two: scored %d, no case %d; want every answer counted as without a case", res.Scored, res.NoCase)
	}
}

// FuzzScoreOutputs feeds outputs files: each is either refused as input,
// naming a line of the file, or stored whole, one result per answer line.
func FuzzScoreOutputs(f *testing.F) {
	for _, seed := range []string{
		`{"case_id": "f0000", "output": "x"}`,
		"{\"case_id\": \"f0001\", \"output\": \"\", \"provider\": \"p\", \"repetition\": 2, \"latency_ms\": 1.5}\n\n{\"case_id\": \"f0000\", \"output\": \"y\"}",
		`{"case_id": "nope", "output": "x"}`,
		`{"case_id": "f0000"}`,
		`{"case_id": "f0000", "output": "x", "extra": 1}`,
		`{"case_id": "f0000", "output": "x", "repetition": -1}`,
		`{"case_id": "f0000", "output": "x", "prompt_id": "nope"}`,
		"{\"case_id\": \"f0000\", \"output\": \"x\"}\n{\"case_id\": \"f0000\", \"output\": \"x\"}",
		`[1, 2]`, `{`, "\x00", "",
	} {
		f.Add(seed)
	}
	// One store and suite for every input (the helpers take a *testing.T).
	dir := f.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "ltb.db"), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	cfg, err := config.Load(config.LoadOptions{WorkDir: dir, HomeConfigDir: dir, Environ: []string{}})
	if err != nil {
		f.Fatal(err)
	}
	svc := session.New(cfg, st, nil)
	suite := filepath.Join(dir, "f.jsonl")
	cases := `{"id": "f0000", "prompt": "p0", "assert": [{"type": "contains", "value": "x"}]}` + "\n" + `{"id": "f0001", "prompt": "p1"}`
	if err := os.WriteFile(suite, []byte(cases), 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		path := filepath.Join(t.TempDir(), "out.jsonl")
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := svc.ScoreOutputs(context.Background(), path, session.EvalOptions{Datasets: []string{suite}})
		if err != nil {
			if session.KindOf(err) != session.KindInput || !strings.Contains(err.Error(), "out.jsonl") {
				t.Fatalf("error %v (kind %d), want an input error naming the file", err, session.KindOf(err))
			}
			return
		}
		lines := 0
		for l := range strings.SplitSeq(body, "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
		if got := len(stored(t, st, res.Run.ID)); got != lines || res.Scored != lines || res.Run.Totals.Results != lines {
			t.Fatalf("%d lines, %d stored, %d scored, totals %+v", lines, got, res.Scored, res.Run.Totals)
		}
	})
}

// TestRescoreKeepsASimulatedRunsJudgesSimulated re-scores a --simulate run
// with a judge that would need a key: the simulator answers it instead.
func TestRescoreKeepsASimulatedRunsJudgesSimulated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t)
	svc := session.New(loadConfig(t, ""), st, nil)
	cases := writeCases(t, "sim", 1, "")
	p, err := svc.Plan(ctx, session.Options{Datasets: []string{cases}, Providers: []string{"openai:gpt-4o-mini"}, Simulate: true, NoCache: true}, session.ModeRun)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	r := p.NewRun()
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	old := r.Wait()
	judged := writeCases(t, "sim", 1, `{"type": "llm-rubric", "value": "is polite", "provider": "openai:gpt-4o"}`)
	res, err := svc.Rescore(ctx, old.Run.ID, session.EvalOptions{Datasets: []string{judged}, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	got := stored(t, st, res.Run.ID)
	if len(got) != 1 {
		t.Fatalf("%d results", len(got))
	}
	// The simulator echoes the judge's prompt: not a verdict, but a reply.
	if s := got[0].Scores["llm-rubric"]; s.Raw == "" || strings.Contains(strings.ToLower(s.Reason), "key") {
		t.Errorf("the judge was not simulated: %+v", s)
	}
}
