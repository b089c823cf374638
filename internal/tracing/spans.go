package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Span names. The provider call's is GenAI's "{operation} {model}".
const (
	SpanRun        = "run"
	SpanCase       = "case"
	SpanEvaluation = "evaluate"
)

// The project's own span attributes (GenAI's are semconv's).
const (
	AttrRunID      = attribute.Key("llm_test_bench.run.id")
	AttrCaseID     = attribute.Key("llm_test_bench.case.id")
	AttrPromptID   = attribute.Key("llm_test_bench.prompt.id")
	AttrTarget     = attribute.Key("llm_test_bench.target")
	AttrRepetition = attribute.Key("llm_test_bench.repetition")
	AttrStatus     = attribute.Key("llm_test_bench.status")
	AttrPassed     = attribute.Key("llm_test_bench.passed")
	AttrScore      = attribute.Key("llm_test_bench.score")
	AttrCached     = attribute.Key("llm_test_bench.cached")
	AttrAttempt    = attribute.Key("llm_test_bench.attempt")
	AttrAssertions = attribute.Key("llm_test_bench.assertions")
)

// noop is what the Start functions return when they start nothing: ending
// it does nothing, and it allocates nothing.
var noop = trace.SpanFromContext(context.Background())

// StartRun starts the span of a run under ctx's span (an API request's,
// when the run was submitted through the API). t nil starts nothing.
func StartRun(ctx context.Context, t trace.Tracer, runID string) (context.Context, trace.Span) {
	if t == nil {
		return ctx, noop
	}
	return t.Start(ctx, SpanRun, trace.WithAttributes(AttrRunID.String(runID)))
}

// StartCase starts the span of one case x prompt x target x repetition:
// the span whose ids the result stores. t nil starts nothing.
func StartCase(ctx context.Context, t trace.Tracer, k bench.Key) (context.Context, trace.Span) {
	if t == nil {
		return ctx, noop
	}
	// The attributes are set once, at the end (EndCase): one write, and
	// none for a span the sampler dropped.
	return t.Start(ctx, SpanCase)
}

// EndCase records the case (its key, from res) and its outcome on its
// span and ends it.
func EndCase(s trace.Span, res *bench.Result) {
	if s.IsRecording() {
		attrs := []attribute.KeyValue{
			AttrCaseID.String(res.CaseID), AttrPromptID.String(res.PromptID),
			AttrTarget.String(res.Provider), AttrRepetition.Int(res.Repetition),
			AttrStatus.String(string(res.Status)), AttrPassed.Bool(res.Passed),
			AttrScore.Float64(res.Score), AttrCached.Bool(res.Cached), {},
		}
		if res.Error != nil {
			attrs[len(attrs)-1] = semconv.ErrorTypeKey.String(res.Error.Kind)
			s.SetStatus(codes.Error, res.Error.Kind)
		} else {
			attrs = attrs[:len(attrs)-1]
		}
		s.SetAttributes(attrs...)
	}
	s.End()
}

// WithSpan is ctx with s as its span, for work done for s's case in
// another goroutine (the evaluation stage); ctx itself when s is not a
// span (tracing off).
func WithSpan(ctx context.Context, s trace.Span) context.Context {
	if !s.SpanContext().IsValid() {
		return ctx
	}
	return trace.ContextWithSpan(ctx, s)
}

// Stamp stores the ids of ctx's span (the case's) on res; nothing when
// ctx has no span, so results of an untraced run carry no ids.
func Stamp(ctx context.Context, res *bench.Result) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return
	}
	res.TraceID, res.SpanID = sc.TraceID().String(), sc.SpanID().String()
}

// StartEvaluation starts the span of scoring one answer (its assertions
// and the judge calls they make) under ctx's span, when that records.
func StartEvaluation(ctx context.Context, assertions int) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if assertions == 0 || !parent.IsRecording() {
		return ctx, noop
	}
	return parent.TracerProvider().Tracer(ScopeName).Start(ctx, SpanEvaluation)
}

// EndEvaluation records the assertions' count and verdict on an
// evaluation span and ends it.
func EndEvaluation(s trace.Span, assertions int, res *bench.Result) {
	if s.IsRecording() {
		s.SetAttributes(AttrAssertions.Int(assertions), AttrPassed.Bool(res.Passed), AttrScore.Float64(res.Score))
	}
	s.End()
}
