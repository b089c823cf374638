package calibrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// The fake assertion types of these tests. Both ask the judge (which
// echoes the last message) and read its reply, so a verdict is only
// reached through a judge call:
//   - fakeContains passes an answer that contains the expected text
//     (case-insensitive) and leaves an empty answer unscored; its score
//     is 1 or 0;
//   - fakeLonger compares output_1 with the baseline in both orders and
//     prefers an answer at least 25% longer; otherwise it takes the one
//     shown first, which is position-inconsistent and so a tie.
const (
	fakeContains = "calibtest-contains"
	fakeLonger   = "calibtest-longer"
	fakeJudgeID  = "fake:judge"
)

func init() {
	eval.Register(fakeContains, containsType{})
	eval.Register(fakeLonger, longerType{})
}

type containsType struct{}

func (containsType) Uses() eval.Uses { return eval.UsesJudge }

func (containsType) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	if in.Output == "" {
		return bench.Unscored("nothing to grade: the answer is empty", ""), nil
	}
	reply, info, err := ask(ctx, in.Judges, a.Provider, in.Case.Expected+"\x00"+in.Output)
	if err != nil {
		return bench.Unscored(err.Error(), ""), nil
	}
	exp, out, _ := strings.Cut(reply, "\x00")
	if strings.Contains(strings.ToLower(out), strings.ToLower(exp)) {
		return bench.Score{Score: 1, Pass: true, Reason: "contains the expected answer", Judge: info}, nil
	}
	return bench.Score{Score: 0, Reason: "lacks the expected answer", Judge: info}, nil
}

type longerType struct{}

func (longerType) Uses() eval.Uses { return eval.UsesJudge }

func (longerType) Evaluate(context.Context, bench.Assertion, *eval.Input) (bench.Score, error) {
	return bench.Score{}, errors.New("compares answers only")
}

func (longerType) Compare(ctx context.Context, a bench.Assertion, group []*eval.Input) ([]bench.Score, error) {
	if a.Config["baseline"] != SecondProvider || len(group) != 2 || group[0].Provider != FirstProvider || group[1].Provider != SecondProvider {
		return nil, fmt.Errorf("unexpected group: baseline %v, %d answers", a.Config["baseline"], len(group))
	}
	first := func(x, y string) (bool, *bench.JudgeInfo, error) {
		reply, info, err := ask(ctx, group[0].Judges, a.Provider, x+"\x00"+y)
		if err != nil {
			return false, nil, err
		}
		x, y, _ = strings.Cut(reply, "\x00")
		nx, ny := utf8.RuneCountInString(x), utf8.RuneCountInString(y)
		return 4*ny <= 5*nx, info, nil // y clearly longer, else the first shown
	}
	aFirst, info, err := first(group[0].Output, group[1].Output)
	if err != nil {
		return nil, err
	}
	bFirst, _, err := first(group[1].Output, group[0].Output)
	if err != nil {
		return nil, err
	}
	consistent := aFirst != bFirst
	info.Calls = 2
	info.PositionConsistent = &consistent
	s := bench.Score{Score: 0.5, Pass: false, Reason: "tie", Judge: info}
	if consistent && aFirst {
		s.Score, s.Pass, s.Reason = 1, true, "output_1 wins"
	} else if consistent {
		s.Score, s.Reason = 0, "output_2 wins"
	}
	return []bench.Score{s, bench.Unscored("the baseline", "")}, nil
}

// ask sends text to the named judge and returns its reply.
func ask(ctx context.Context, js eval.Judges, name, text string) (string, *bench.JudgeInfo, error) {
	if js == nil {
		return "", nil, errors.New("no judges")
	}
	j, err := js.Judge(ctx, name)
	if err != nil {
		return "", nil, err
	}
	r, err := j.Complete(ctx, provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: text}}})
	if err != nil {
		return "", nil, err
	}
	return r.Text, &bench.JudgeInfo{Provider: j.ID(), Calls: 1, CostUSD: r.Cost.Total}, nil
}

// fakeJudges echoes every request, at a fixed cost per call.
type fakeJudges struct {
	cost  float64
	delay time.Duration
	// fail makes the calls about these items fail.
	fail map[string]bool

	mu    sync.Mutex
	spent float64
	items map[string]int // calls per item
	live  int            // calls in flight
	peak  int
}

func (f *fakeJudges) For(item string) eval.Judges { return itemJudges{f, item} }

func (f *fakeJudges) Spent() float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.spent
}

type itemJudges struct {
	f    *fakeJudges
	item string
}

func (j itemJudges) Judge(_ context.Context, name string) (eval.Judge, error) {
	if name != fakeJudgeID {
		return nil, fmt.Errorf("no judge %q", name)
	}
	return j, nil
}

func (j itemJudges) Embedder(context.Context, string) (eval.Embedder, error) {
	return nil, errors.New("no embedder")
}

func (j itemJudges) ID() string { return fakeJudgeID }

func (j itemJudges) Complete(ctx context.Context, req provider.Request) (eval.JudgeReply, error) {
	f := j.f
	f.mu.Lock()
	if f.items == nil {
		f.items = map[string]int{}
	}
	f.items[j.item]++
	f.live++
	f.peak = max(f.peak, f.live)
	f.spent += f.cost
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.live--
		f.mu.Unlock()
	}()
	select {
	case <-ctx.Done():
		return eval.JudgeReply{}, ctx.Err()
	case <-time.After(f.delay):
	}
	if f.fail[j.item] {
		return eval.JudgeReply{}, errors.New("judge unavailable")
	}
	var r eval.JudgeReply
	r.Text = req.Messages[len(req.Messages)-1].Content
	r.Cost.Total = f.cost
	return r, nil
}
