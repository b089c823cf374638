package runner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// upperTransformer upper-cases the messages and appends "!" to answers;
// it fails the request of case "bad-request" and the answer of case
// "bad-response".
type upperTransformer struct{}

func (upperTransformer) Request(_ context.Context, tr *Transform, j *Job) ([]bench.Message, string, error) {
	if j.Key.CaseID == "bad-request" {
		return nil, "", errors.New("refused the prompt")
	}
	out := make([]bench.Message, len(j.Messages))
	for i, m := range j.Messages {
		out[i] = bench.Message{Role: m.Role, Content: strings.ToUpper(m.Content) + tr.Config["suffix"].(string)}
	}
	return out, out[0].Content, nil
}

func (upperTransformer) Response(_ context.Context, _ *Transform, j *Job, response string) (string, error) {
	if j.Key.CaseID == "bad-response" {
		return "", errors.New("refused the answer")
	}
	return response + "!", nil
}

// TestTransformAroundTheCall: a suite's transform rewrites the messages
// the target gets and the answer the assertions see; a failed transform
// is that result's error, naming the plugin, and the run goes on.
func TestTransformAroundTheCall(t *testing.T) {
	t.Parallel()
	p := &fakeProvider{GenerateFn: echoFn}
	cases := func(yield func(bench.Case, error) bool) {
		for _, id := range []string{"ok", "bad-request", "bad-response"} {
			c := bench.Case{ID: id, Prompt: "q-" + id, Assert: []bench.Assertion{{Type: "runner-test-equals", Value: "Q-OK?!"}}}
			if !yield(c, nil) {
				return
			}
		}
	}
	tr := &Transform{Plugin: "upper", Config: map[string]any{"suffix": "?"}}
	for _, tc := range []struct {
		name        string
		transformer Transformer
	}{{"with a transformer", upperTransformer{}}, {"without one", nil}} {
		t.Run(tc.name, func(t *testing.T) { //nolint:paralleltest // the call count below covers both
			r := newRunner(&Target{ID: "a:m", Model: "m", Provider: p})
			r.Transformer = tc.transformer
			sink := &memSink{}
			m := Matrix{Cases: cases, Render: render, Targets: []string{"a:m"}, Transform: tr}
			if _, err := r.RunJobs(context.Background(), "run", m.Jobs("run"), sink); err != nil {
				t.Fatal(err)
			}
			byID := map[string]bench.Result{}
			for _, res := range sink.all() {
				byID[res.CaseID] = res
			}
			if len(byID) != 3 {
				t.Fatalf("results %+v", byID)
			}
			if tc.transformer == nil {
				for id, res := range byID {
					if res.Status != bench.StatusError || !strings.Contains(res.Error.Message, `plugin "upper"`) || !strings.Contains(res.Error.Message, "no transformer") {
						t.Errorf("%s without a transformer: %+v", id, res)
					}
				}
				return
			}
			if ok := byID["ok"]; ok.Status != bench.StatusSuccess || ok.Prompt != "Q-OK?" || ok.Response != "Q-OK?!" || !ok.Passed {
				t.Errorf("ok: %+v", ok)
			}
			if br := byID["bad-request"]; br.Status != bench.StatusError || br.Error.Kind != ErrorKindPlugin ||
				br.Error.Message != `transform request: plugin "upper": refused the prompt` || br.Response != "" {
				t.Errorf("bad-request: %+v %+v", br, br.Error)
			}
			if br := byID["bad-response"]; br.Status != bench.StatusError || br.Error.Kind != ErrorKindPlugin ||
				!strings.Contains(br.Error.Message, `transform response: plugin "upper": refused the answer`) || br.Response != "Q-BAD-RESPONSE?" || br.Passed {
				t.Errorf("bad-response: %+v %+v", br, br.Error)
			}
		})
	}
	if p.calls.Load() != 2 {
		t.Errorf("%d calls, want 2 (a refused request is not sent)", p.calls.Load())
	}
}
