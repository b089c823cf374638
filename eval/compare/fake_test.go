package compare

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Each fake call uses these tokens and this cost, so tests can check the
// shares against known totals.
var (
	callUsage = bench.Usage{Prompt: 101, Completion: 7, Total: 108}
	callCost  = 0.003
)

// replyFn scripts a judge: call is the 0-based number of the call, user
// the rendered user message.
type replyFn func(call int, user string) (string, error)

// fakeJudges hands out one fakeJudge, or fails.
type fakeJudges struct {
	judge *fakeJudge
	err   error

	mu    sync.Mutex
	names []string // the names asked for
}

func (f *fakeJudges) Judge(_ context.Context, name string) (eval.Judge, error) {
	f.mu.Lock()
	f.names = append(f.names, name)
	f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return f.judge, nil
}

func (f *fakeJudges) Embedder(context.Context, string) (eval.Embedder, error) {
	return nil, errors.New("no embedder in this test")
}

// fakeJudge answers with ReplyFn and records every request.
type fakeJudge struct {
	ReplyFn replyFn

	mu   sync.Mutex
	reqs []provider.Request
}

func newJudges(fn replyFn) *fakeJudges { return &fakeJudges{judge: &fakeJudge{ReplyFn: fn}} }

func (j *fakeJudge) ID() string { return "fake:judge" }

func (j *fakeJudge) Complete(_ context.Context, req provider.Request) (eval.JudgeReply, error) {
	j.mu.Lock()
	n := len(j.reqs)
	j.reqs = append(j.reqs, req)
	j.mu.Unlock()
	user := ""
	if len(req.Messages) > 0 {
		user = req.Messages[len(req.Messages)-1].Content
	}
	text, err := j.ReplyFn(n, user)
	r := eval.JudgeReply{
		Response: provider.Response{Text: text, Model: "judge-model-1", Usage: callUsage},
		Cost:     bench.Cost{Total: callCost},
		Cached:   n == 0, // the first call of each test comes from the cache
	}
	return r, err
}

// users is the user message of every call made, in order.
func (j *fakeJudge) users() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]string, len(j.reqs))
	for i, r := range j.reqs {
		out[i] = r.Messages[len(r.Messages)-1].Content
	}
	return out
}

// script replies with the given texts in order; a reply "ERR" is a failed call.
func script(replies ...string) replyFn {
	return func(call int, _ string) (string, error) {
		if call >= len(replies) {
			return "", fmt.Errorf("unexpected call %d", call)
		}
		if replies[call] == "ERR" {
			return "", &provider.Error{Kind: provider.KindTransient, Err: errors.New("judge overloaded")}
		}
		return replies[call], nil
	}
}

var answerBlock = regexp.MustCompile(`(?s)<answer index="(\d+)">\n(.*?)\n</answer>`)

// blocks reads select-best's numbered answers from a rendered prompt.
func blocks(user string) []string {
	var out []string
	for _, m := range answerBlock.FindAllStringSubmatch(user, -1) {
		out = append(out, m[2])
	}
	return out
}

// honestBest picks the answer that contains keyword, as a fair judge
// would, after quoting every answer (so a verdict planted in an answer
// appears in its reply before its own).
func honestBest(keyword string) replyFn {
	return func(_ int, user string) (string, error) {
		bs := blocks(user)
		for i, b := range bs {
			if strings.Contains(b, keyword) {
				return fmt.Sprintf("I read: %s\nVerdict:\n{\"best\": %d, \"reason\": \"it has %s\"}", strings.Join(bs, " | "), i, keyword), nil
			}
		}
		return "", errors.New("keyword in no answer")
	}
}

// firstSlot always picks the answer shown first: a position-biased judge.
func firstSlot(int, string) (string, error) {
	return `{"best": 0, "reason": "the first one looks fine"}`, nil
}

var (
	slotA = regexp.MustCompile(`(?s)<answer_a>\n(.*?)\n</answer_a>`)
	slotB = regexp.MustCompile(`(?s)<answer_b>\n(.*?)\n</answer_b>`)
)

// pair reads pairwise's two answers from a rendered prompt.
func pair(user string) (a, b string) {
	ma, mb := slotA.FindStringSubmatch(user), slotB.FindStringSubmatch(user)
	if ma == nil || mb == nil {
		return "", ""
	}
	return ma[1], mb[1]
}

// honestPair prefers the answer containing keyword, ties when both or
// neither do, and quotes both answers before its verdict.
func honestPair(keyword string) replyFn {
	return func(_ int, user string) (string, error) {
		a, b := pair(user)
		ga, gb := strings.Contains(a, keyword), strings.Contains(b, keyword)
		v := "[[C]]"
		switch {
		case ga && !gb:
			v = "[[A]]"
		case gb && !ga:
			v = "[[B]]"
		}
		return fmt.Sprintf("A says %q. B says %q. Verdict: %s", a, b, v), nil
	}
}

// inputs makes a group: one input per output, with the given providers.
func inputs(j eval.Judges, c *bench.Case, providers []string, outputs ...string) []*eval.Input {
	out := make([]*eval.Input, len(outputs))
	for i, o := range outputs {
		in := &eval.Input{Case: c, Prompt: "What is the capital of France?", Output: o, Judges: j}
		if providers != nil {
			in.Provider = providers[i]
		}
		out[i] = in
	}
	return out
}

func ptr(f float64) *float64 { return &f }

// verdict is the part of a score a table compares.
type verdict struct {
	Score      float64
	Pass       bool
	Unscored   bool
	Consistent *bool
}

func verdicts(scores []bench.Score) []verdict {
	out := make([]verdict, len(scores))
	for i, s := range scores {
		out[i] = verdict{Score: s.Score, Pass: s.Pass, Unscored: s.Unscored}
		if s.Judge != nil {
			out[i].Consistent = s.Judge.PositionConsistent
		}
	}
	return out
}

var (
	yes = boolPtr(true)
	no  = boolPtr(false)
)

func won(c *bool) verdict   { return verdict{Score: 1, Pass: true, Consistent: c} }
func lost(c *bool) verdict  { return verdict{Score: 0, Consistent: c} }
func tied(c *bool) verdict  { return verdict{Score: 0.5, Consistent: c} }
func tiedP(c *bool) verdict { return verdict{Score: 0.5, Pass: true, Consistent: c} }

var unscored = verdict{Unscored: true}
