package rag

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// DefaultThreshold is the score a RAG assertion must reach when it sets
// no threshold.
const DefaultThreshold = 0.5

// The config keys every RAG type reads; answer-relevance adds
// embedding_provider.
const (
	keyQuery     = "query"
	keyContext   = "context"
	keyMaxTokens = "max_tokens"
	keyEmbedding = "embedding_provider"
)

// inputs is what a RAG assertion judges, rendered for one response.
type inputs struct {
	query     string
	context   []string // non-empty chunks
	reference string
	answer    string
}

// read gathers the inputs: config.query or the rendered prompt,
// config.context or the case's context, the assertion's value or the
// case's expected answer, and the output. Placeholders in the
// assertion's strings are filled with the case's variables.
func read(a bench.Assertion, in *eval.Input) inputs {
	got := inputs{query: in.Prompt, answer: in.Output}
	if q, ok := a.Config[keyQuery].(string); ok && strings.TrimSpace(q) != "" {
		got.query = value.Render(q, in)
	}
	var chunks []string
	if c, set := a.Config[keyContext]; set && c != nil {
		chunks, _ = contextChunks(c)
		for i := range chunks {
			chunks[i] = value.Render(chunks[i], in)
		}
	} else if in.Case != nil {
		chunks = in.Case.Context
	}
	for _, c := range chunks {
		if strings.TrimSpace(c) != "" {
			got.context = append(got.context, c)
		}
	}
	if r, ok := a.Value.(string); ok && strings.TrimSpace(r) != "" {
		got.reference = value.Render(r, in)
	} else if in.Case != nil {
		got.reference = in.Case.Expected
	}
	return got
}

// contextChunks reads config.context: a string (one chunk) or a list.
// The list is a copy, safe to render in place.
func contextChunks(v any) ([]string, error) {
	switch c := v.(type) {
	case string:
		return []string{c}, nil
	case []string, []any:
		l, err := value.Strings(c)
		if err != nil {
			return nil, fmt.Errorf("config.context: %w", err)
		}
		return slices.Clone(l), nil
	}
	return nil, fmt.Errorf("config.context is %s, want a string or a list of strings", value.Kind(v))
}

// rules is what one RAG type accepts in an assertion.
type rules struct {
	typ string
	// reference: the value is the reference answer; otherwise the type
	// takes no value.
	reference bool
	// embedding: config.embedding_provider names the embedding model.
	embedding bool
}

// validate checks an assertion's value, config and threshold and reports
// every problem at once.
func (r rules) validate(a bench.Assertion) error {
	var errs []string
	switch v := a.Value.(type) {
	case nil:
	case string:
		if !r.reference {
			errs = append(errs, r.noValue())
		}
	default:
		if r.reference {
			errs = append(errs, fmt.Sprintf("value is %s, want the reference answer as a string (or leave it out to use the case's expected answer)", value.Kind(v)))
		} else {
			errs = append(errs, r.noValue())
		}
	}
	for _, err := range r.validateConfig(a.Config) {
		errs = append(errs, err.Error())
	}
	if _, err := threshold(a); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "; "))
	}
	return nil
}

func (r rules) noValue() string {
	return r.typ + " takes no value: give the question in config.query and the context in config.context or the case's context"
}

func (r rules) validateConfig(cfg map[string]any) []error {
	known := []string{keyContext, keyMaxTokens, keyQuery}
	if r.embedding {
		known = append(known, keyEmbedding)
	}
	var errs []error
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range cfg {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		v := cfg[k]
		switch {
		case !slices.Contains(known, k):
			errs = append(errs, fmt.Errorf("unknown config key %q (known: %s)", k, strings.Join(known, ", ")))
		case k == keyContext:
			if _, err := contextChunks(v); err != nil {
				errs = append(errs, err)
			}
		case k == keyMaxTokens:
			if n, ok := value.Float(v); !ok || n < 1 || n != math.Trunc(n) {
				errs = append(errs, fmt.Errorf("config.max_tokens is %v, want a whole number of at least 1", v))
			}
		default: // query, embedding_provider
			if _, ok := v.(string); !ok {
				errs = append(errs, fmt.Errorf("config.%s is %s, want a string", k, value.Kind(v)))
			}
		}
	}
	return errs
}

// threshold is the assertion's threshold, else DefaultThreshold; the
// scores lie in [0, 1] and so must a threshold.
func threshold(a bench.Assertion) (float64, error) {
	if a.Threshold == nil {
		return DefaultThreshold, nil
	}
	t := *a.Threshold
	if math.IsNaN(t) || t < 0 || t > 1 {
		return 0, fmt.Errorf("threshold %v: the score lies between 0 and 1, and so must the threshold", t)
	}
	return t, nil
}

// scored is the verdict for score against the assertion's threshold.
func scored(a bench.Assertion, score float64, what string) (float64, bool, string) {
	t, _ := threshold(a)
	pass := score >= t
	cmp := "≥"
	if !pass {
		cmp = "<"
	}
	return score, pass, fmt.Sprintf("%s (%.3g %s %.3g)", what, score, cmp, t)
}
