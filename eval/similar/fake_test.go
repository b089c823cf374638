package similar

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

// fakeJudges offers only an embedding provider: similar calls no judge.
type fakeJudges struct {
	emb *fakeEmbedder
	// opened records the names asked for.
	mu     sync.Mutex
	opened []string
}

func (f *fakeJudges) Judge(context.Context, string) (eval.Judge, error) {
	return nil, errors.New("the similar tests offer no judge")
}

func (f *fakeJudges) Embedder(_ context.Context, name string) (eval.Embedder, error) {
	if f.emb == nil {
		return nil, errors.New("no embedding provider configured")
	}
	if !f.emb.quiet {
		f.mu.Lock()
		f.opened = append(f.opened, name)
		f.mu.Unlock()
	}
	return f.emb, nil
}

// fakeEmbedder embeds deterministically: a text in vectors gets its
// scripted vector, any other a bag of words hashed into dim buckets. It
// records every call and reports tokens (one per word), cost and Cached.
type fakeEmbedder struct {
	vectors map[string][]float64
	err     error
	// mangle, when set, rewrites the vectors before they are returned.
	mangle func([][]float64) [][]float64
	cached bool
	// quiet skips recording, for benchmarks.
	quiet bool

	mu    sync.Mutex
	calls [][]string
}

const (
	dim          = 64
	costPerEmbed = 0.0001
)

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
		Cost:       bench.Cost{Total: costPerEmbed, Currency: "USD"},
	}
	if e.err != nil {
		return r, e.err
	}
	for _, in := range inputs {
		if v, ok := e.vectors[in]; ok {
			r.Vectors = append(r.Vectors, v)
			continue
		}
		r.Vectors = append(r.Vectors, bagOfWords(in))
	}
	if e.mangle != nil {
		r.Vectors = e.mangle(r.Vectors)
	}
	return r, nil
}

func bagOfWords(s string) []float64 {
	v := make([]float64, dim)
	for _, w := range strings.Fields(strings.ToLower(s)) {
		h := fnv.New32a()
		h.Write([]byte(strings.Trim(w, ".,!?;:")))
		v[h.Sum32()%dim]++
	}
	return v
}
