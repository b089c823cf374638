package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// unscored is why a verdict could not be reached, with the judge's reply
// when one came.
type unscored struct{ reason, raw string }

func (u *unscored) Error() string { return u.reason }

func noVerdict(format string, args ...any) error {
	return &unscored{reason: fmt.Sprintf(format, args...)}
}

// judgeFn reaches one type's verdict with an opened judge: a score in
// [0, 1] and what it means, or an error that leaves the verdict unscored.
type judgeFn func(ctx context.Context, v *judge.Verdict, got inputs) (float64, string, error)

// evaluate opens the judge of a (and the embedding provider named emb,
// when embeds), runs fn, and turns its outcome into a verdict that
// records every call made, scored or not.
func evaluate(ctx context.Context, a bench.Assertion, in *eval.Input, t *judge.Template, embeds bool, fn judgeFn) bench.Score {
	v, err := judge.Open(ctx, in, a, t)
	if err != nil {
		s := judge.Fail(nil, err)
		s.Judge = &bench.JudgeInfo{Provider: a.Provider, Prompt: t.ID()}
		return s
	}
	if embeds {
		name, _ := a.Config[keyEmbedding].(string)
		if _, err := judge.OpenEmbedder(ctx, in, v, name); err != nil {
			s := judge.Fail(v, err)
			s.Judge.Embedding = name
			return s
		}
	}
	score, what, err := fn(ctx, v, read(a, in))
	if err != nil {
		if u := (*unscored)(nil); errors.As(err, &u) {
			return v.Unscored(u.reason, u.raw)
		}
		return judge.Fail(v, err)
	}
	return v.Score(scored(a, score, what))
}

// ask makes one judge call and reads the reply with parse. A failed call
// or an unreadable reply is an *unscored error carrying the reply; the
// reply's text is returned either way.
func ask[T any](ctx context.Context, v *judge.Verdict, t *judge.Template, vars map[string]string, parse func(string) (T, error)) (T, string, error) {
	var zero T
	r, err := v.Ask(ctx, t, vars, 0)
	if err != nil {
		return zero, r.Text, &unscored{reason: err.Error(), raw: r.Text}
	}
	out, err := parse(r.Text)
	if err != nil {
		reason := err.Error()
		if r.FinishReason == provider.FinishLength {
			reason += " (the reply was cut at the judge's answer budget: raise config.max_tokens)"
		}
		return zero, r.Text, &unscored{reason: reason, raw: r.Text}
	}
	return out, r.Text, nil
}

// numbered lists items one per line, each led by its number from first
// in square brackets, with line breaks inside an item turned into spaces
// so that no item can start a line of its own.
func numbered(items []string, first int) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "[%d] %s", i+first, strings.Join(strings.Fields(it), " "))
	}
	return b.String()
}

// joinContext is the context chunks as one text, a blank line apart.
func joinContext(chunks []string) string { return strings.Join(chunks, "\n\n") }

// failing names up to two checks that failed, with the judge's reasons,
// for a verdict's reason; "" when all passed.
func failing(checks []check, label string) string {
	var parts []string
	n := 0
	for _, c := range checks {
		if c.OK {
			continue
		}
		n++
		if len(parts) < 2 {
			p := fmt.Sprintf("%q", bench.Truncate(c.Statement, 120))
			if c.Reason != "" {
				p += " (" + bench.Truncate(c.Reason, 160) + ")"
			}
			parts = append(parts, p)
		}
	}
	if n == 0 {
		return ""
	}
	more := ""
	if n > len(parts) {
		more = fmt.Sprintf(" and %d more", n-len(parts))
	}
	return fmt.Sprintf("; %s: %s%s", label, strings.Join(parts, "; "), more)
}

// count is how many checks passed.
func count(checks []check) int {
	n := 0
	for _, c := range checks {
		if c.OK {
			n++
		}
	}
	return n
}
