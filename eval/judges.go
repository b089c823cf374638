package eval

import (
	"context"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Judges gives model-graded evaluators the models they call, behind the
// run's call policy: rate limited, retried, cached and costed like the
// run's own calls, their cost counted in the run's totals and against its
// budget. A name is a target of the run or a "vendor:model" id; "" means
// the configured default ([evaluation] judge_provider, embedding_provider).
type Judges interface {
	Judge(ctx context.Context, name string) (Judge, error)
	Embedder(ctx context.Context, name string) (Embedder, error)
}

// Judge is a text model that grades answers.
type Judge interface {
	// ID is the judge as the run resolved it, recorded with every verdict.
	ID() string
	// Complete makes one call. A failed call returns an error (wrapping a
	// *provider.Error); its reply may still carry the tokens it used.
	Complete(ctx context.Context, req provider.Request) (JudgeReply, error)
}

// JudgeReply is a judge's answer and what it cost.
type JudgeReply struct {
	provider.Response
	// Cached is set when the answer came from the cache (and cost nothing).
	Cached bool
	Cost   bench.Cost
}

// Embedder turns texts into vectors.
type Embedder interface {
	// ID is the embedding provider as the run resolved it.
	ID() string
	// Embed returns one vector per input, in order.
	Embed(ctx context.Context, inputs []string) (EmbedReply, error)
}

// EmbedReply is an embedding answer and what it cost.
type EmbedReply struct {
	provider.Embeddings
	Cached bool
	Cost   bench.Cost
}

// Uses says which kinds of model an assertion type calls.
type Uses uint8

// Model kinds an assertion type may call.
const (
	// UsesJudge: the type calls a text model through Judges.Judge; its
	// assertion's Provider names it.
	UsesJudge Uses = 1 << iota
	// UsesEmbedder: the type calls an embedding model through
	// Judges.Embedder; its assertion's Provider names it when the type uses
	// no judge, else Config["embedding_provider"] does.
	UsesEmbedder
)

// ModelUser is implemented by evaluators that call models. The runner
// scores their assertions in the evaluation stage, apart from the calls
// of the models under test, and the loader fills their providers from a
// suite's defaults.
type ModelUser interface {
	Uses() Uses
}

// UsesOf reports which models an assertion type (with or without "not-")
// calls; 0 for unknown types and types that call none.
func UsesOf(typ string) Uses {
	base, _ := splitNot(typ)
	en, _ := lookup(base)
	return en.uses
}

// Comparer is implemented by assertion types that judge the answers of
// every target to the same case, prompt and repetition side by side
// (select-best, pairwise). Compare returns one score per input, in order;
// an input whose call failed is not in the group. An error means the
// assertion is unusable and leaves every input unscored.
type Comparer interface {
	Compare(ctx context.Context, a bench.Assertion, group []*Input) ([]bench.Score, error)
}

// IsComparer reports whether an assertion type compares answers side by side.
func IsComparer(typ string) bool {
	base, _ := splitNot(typ)
	en, _ := lookup(base)
	return en.comparer
}

// NeedsModels reports whether any of the assertions calls a model or
// compares answers, so that the case is scored in the evaluation stage.
func NeedsModels(as []bench.Assertion) bool {
	for _, a := range as {
		base, _ := splitNot(a.Type)
		if en, _ := lookup(base); en.uses != 0 || en.comparer || NeedsModels(a.Assert) {
			return true
		}
	}
	return false
}

// HasComparer reports whether any of the assertions compares answers.
func HasComparer(as []bench.Assertion) bool {
	for _, a := range as {
		if IsComparer(a.Type) {
			return true
		}
	}
	return false
}

// CallEstimate is what one assertion costs per answer in model calls, for
// a dry run's estimate: Calls judge calls, each with PromptTokens of
// instructions around the judged text and ReplyTokens of answer, and
// Embeds embedding calls.
type CallEstimate struct {
	Calls, PromptTokens, ReplyTokens int
	Embeds                           int
}

// DefaultCallEstimate is assumed for a model-graded type that does not
// implement CallEstimator: one call, a short rubric prompt, a short reply.
var DefaultCallEstimate = CallEstimate{Calls: 1, PromptTokens: 250, ReplyTokens: 150}

// CallEstimator is implemented by model-graded types that know their calls.
type CallEstimator interface {
	EstimateCalls(a bench.Assertion) CallEstimate
}

// EstimateOf is the call estimate of an assertion: its type's own, the
// default for a type that calls models, zero for one that calls none.
func EstimateOf(a bench.Assertion) CallEstimate {
	base, _ := splitNot(a.Type)
	e, ok := Lookup(base)
	if !ok {
		return CallEstimate{}
	}
	if ce, ok := e.(CallEstimator); ok {
		return ce.EstimateCalls(a)
	}
	if UsesOf(base) == 0 && !IsComparer(base) {
		return CallEstimate{}
	}
	return DefaultCallEstimate
}
