package tracing

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Operations of a provider call (gen_ai.operation.name).
const (
	OpChat       = "chat"
	OpEmbeddings = "embeddings"
)

// Call describes one provider call attempt for its span.
type Call struct {
	// System is gen_ai.provider.name; see ProviderName.
	System    string
	Operation string
	Model     string
	// Attempt is the attempt's number, from 1; each attempt of a retried
	// call has a span of its own.
	Attempt int
}

// StartCall starts the span of one provider call attempt under ctx's span
// (a case's or an evaluation's), when that records. Its context is the one
// the request is sent with, so the provider sees this span as parent.
func StartCall(ctx context.Context, c Call) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, noop
	}
	name := c.Operation
	if c.Model != "" {
		name += " " + c.Model
	}
	// The attributes are set once, at the end (EndCall).
	return parent.TracerProvider().Tracer(ScopeName).Start(ctx, name, clientKind)
}

var clientKind = trace.WithSpanKind(trace.SpanKindClient)

// EndCall records the call (c), what the provider answered (model,
// usage, finish reason) or how it failed (error.type) and ends the span.
// An error's message is not recorded: the kind says what happened, and
// the message may quote the request.
func EndCall(s trace.Span, c *Call, resp *provider.Response, err error) {
	if !s.IsRecording() {
		s.End()
		return
	}
	attrs := make([]attribute.KeyValue, 4, 9)
	attrs[0] = semconv.GenAIOperationNameKey.String(c.Operation)
	attrs[1] = semconv.GenAIProviderNameKey.String(c.System)
	attrs[2] = semconv.GenAIRequestModelKey.String(c.Model)
	attrs[3] = AttrAttempt.Int(c.Attempt)
	if resp.Model != "" {
		attrs = append(attrs, semconv.GenAIResponseModelKey.String(resp.Model))
	}
	if u := resp.Usage; u.Prompt != 0 || u.Completion != 0 {
		attrs = append(attrs, semconv.GenAIUsageInputTokensKey.Int(u.Prompt), semconv.GenAIUsageOutputTokensKey.Int(u.Completion))
	}
	if resp.FinishReason != "" {
		attrs = append(attrs, semconv.GenAIResponseFinishReasonsKey.StringSlice([]string{resp.FinishReason}))
	}
	if err != nil {
		kind := ErrorType(err)
		attrs = append(attrs, semconv.ErrorTypeKey.String(kind))
		s.SetStatus(codes.Error, kind)
	}
	s.SetAttributes(attrs...)
	s.End()
}

// ErrorType is a failed call's error.type: the provider error's kind,
// "cancelled", or "_OTHER" (semconv's value for an unknown type).
func ErrorType(err error) string {
	return provider.KindOf(err, "_OTHER")
}

// ProviderName maps a vendor of this project to gen_ai.provider.name:
// semconv's well-known value where there is one, else the vendor's name.
func ProviderName(vendor string) string {
	switch v := strings.ToLower(vendor); v {
	case "gemini":
		return "gcp.gemini"
	case "bedrock":
		return "aws.bedrock"
	case "mistral":
		return "mistral_ai"
	case "azure":
		return "azure.ai.openai"
	default:
		return v
	}
}
