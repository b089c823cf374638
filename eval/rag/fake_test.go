package rag

import (
	"context"
	"errors"
	"hash/fnv"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// fakeJudges hands out one scripted judge and one embedder and records
// the names asked for.
type fakeJudges struct {
	judge *fakeJudge
	emb   *fakeEmbedder

	mu           sync.Mutex
	judgeNames   []string
	embedderName []string
}

func (f *fakeJudges) Judge(_ context.Context, name string) (eval.Judge, error) {
	if f.judge == nil {
		return nil, errors.New("no judge provider: set the assertion's provider")
	}
	if !f.judge.quiet {
		f.mu.Lock()
		f.judgeNames = append(f.judgeNames, name)
		f.mu.Unlock()
	}
	return f.judge, nil
}

func (f *fakeJudges) Embedder(_ context.Context, name string) (eval.Embedder, error) {
	if f.emb == nil {
		return nil, errors.New("no embedding provider: set config.embedding_provider")
	}
	if !f.emb.quiet {
		f.mu.Lock()
		f.embedderName = append(f.embedderName, name)
		f.mu.Unlock()
	}
	return f.emb, nil
}

// reply is one scripted judge answer.
type reply struct {
	text   string
	err    error
	finish string
}

// Every judge call costs this much.
var (
	judgeUsage = bench.Usage{Prompt: 100, Completion: 20, Total: 120}
	judgeCost  = 0.002
	embedCost  = 0.0001
)

// fakeJudge answers with its replies in order, or with answer when set;
// it records every request.
type fakeJudge struct {
	replies []reply
	answer  func(req provider.Request) reply
	cached  bool
	quiet   bool // record nothing, for benchmarks

	mu   sync.Mutex
	reqs []provider.Request
}

func (j *fakeJudge) ID() string { return "fake:judge" }

func (j *fakeJudge) Complete(_ context.Context, req provider.Request) (eval.JudgeReply, error) {
	var r reply
	j.mu.Lock()
	n := len(j.reqs)
	if !j.quiet {
		j.reqs = append(j.reqs, req)
	}
	j.mu.Unlock()
	switch {
	case j.answer != nil:
		r = j.answer(req)
	case n < len(j.replies):
		r = j.replies[n]
	default:
		r = reply{err: errors.New("unscripted judge call")}
	}
	out := eval.JudgeReply{
		Response: provider.Response{Text: r.text, Model: "fake-judge-1", FinishReason: r.finish, Usage: judgeUsage},
		Cached:   j.cached,
		Cost:     bench.Cost{Total: judgeCost, Currency: "USD"},
	}
	if r.finish == "" {
		out.FinishReason = provider.FinishStop
	}
	return out, r.err
}

// calls returns the requests made so far.
func (j *fakeJudge) calls() []provider.Request {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]provider.Request(nil), j.reqs...)
}

// fakeEmbedder embeds a text with its scripted vector, or else as a bag
// of words hashed into 64 buckets; it records every call and reports one
// token per word.
type fakeEmbedder struct {
	vectors map[string][]float64
	err     error
	mangle  func([][]float64) [][]float64
	cached  bool
	quiet   bool

	mu    sync.Mutex
	calls [][]string
}

func (e *fakeEmbedder) ID() string { return "fake:embed" }

func (e *fakeEmbedder) Embed(_ context.Context, inputs []string) (eval.EmbedReply, error) {
	if !e.quiet {
		e.mu.Lock()
		e.calls = append(e.calls, append([]string(nil), inputs...))
		e.mu.Unlock()
	}
	words := 0
	for _, in := range inputs {
		words += len(strings.Fields(in))
	}
	r := eval.EmbedReply{
		Embeddings: provider.Embeddings{Model: "fake-embed-1", Usage: bench.Usage{Prompt: words, Total: words}},
		Cached:     e.cached,
		Cost:       bench.Cost{Total: embedCost, Currency: "USD"},
	}
	if e.err != nil {
		return r, e.err
	}
	for _, in := range inputs {
		if v, ok := e.vectors[in]; ok {
			r.Vectors = append(r.Vectors, v)
		} else {
			r.Vectors = append(r.Vectors, bagOfWords(in))
		}
	}
	if e.mangle != nil {
		r.Vectors = e.mangle(r.Vectors)
	}
	return r, nil
}

func bagOfWords(s string) []float64 {
	v := make([]float64, 64)
	for _, w := range strings.Fields(strings.ToLower(s)) {
		h := fnv.New32a()
		h.Write([]byte(strings.Trim(w, ".,!?;:")))
		v[h.Sum32()%64]++
	}
	return v
}
