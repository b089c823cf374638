package javascript

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// Config keys of a javascript assertion that set its limits. The whole
// config is also the script's context.config, as in promptfoo.
const (
	KeyTimeout = "timeout_ms"
	KeyMemory  = "memory_mb"
)

// Evaluator runs javascript assertions in a pool of sandboxed engines.
type Evaluator struct {
	pool   *Pool
	limits Limits
}

var (
	_ eval.Evaluator = (*Evaluator)(nil)
	_ eval.Validator = (*Evaluator)(nil)
	_ eval.Inverter  = (*Evaluator)(nil)
)

// New returns an evaluator whose assertions run within lim unless their
// config sets tighter or looser limits (within MaxTimeout and MaxMemory).
func New(pool *Pool, lim Limits) *Evaluator {
	return &Evaluator{pool: pool, limits: lim}
}

// Validate checks the value and the limits, and compiles the source; a
// syntax error refuses the suite at load. A source with a {{var}}
// placeholder is compiled when it runs, once the case's variables are in.
func (e *Evaluator) Validate(a bench.Assertion) error {
	src, err := source(a)
	if err != nil {
		return err
	}
	lim, err := e.limitsOf(a)
	if err != nil {
		return err
	}
	if value.HasPlaceholder(src) {
		return nil
	}
	if err := e.pool.Check(context.Background(), FunctionBody(src), lim); err != nil {
		return fmt.Errorf("does not compile: %w", err)
	}
	return nil
}

// Evaluate runs the script and reads its verdict as promptfoo does.
func (e *Evaluator) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	return e.evaluate(ctx, a, in, false)
}

// EvaluateNot is the verdict of not-javascript: the verdict is flipped,
// a returned number or object keeps its score.
func (e *Evaluator) EvaluateNot(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	return e.evaluate(ctx, a, in, true)
}

func (e *Evaluator) evaluate(ctx context.Context, a bench.Assertion, in *eval.Input, inverse bool) (bench.Score, error) {
	src, err := source(a)
	if err != nil {
		return bench.Score{}, e.fail(a, err)
	}
	lim, err := e.limitsOf(a)
	if err != nil {
		return bench.Score{}, e.fail(a, err)
	}
	src = strings.TrimRight(value.Render(src, in), jsSpace)
	cj, err := contextJSON(a, in)
	if err != nil {
		return bench.Score{}, e.fail(a, err)
	}
	o, err := e.pool.Run(ctx, FunctionBody(src), in.Output, cj, lim)
	switch {
	case errors.Is(err, ErrTimeout):
		return bench.Score{}, e.fail(a, fmt.Errorf("stopped after %s (the time limit)", lim.Timeout))
	case errors.Is(err, ErrMemory):
		return bench.Score{}, e.fail(a, fmt.Errorf("stopped at %d MiB (the memory limit)", lim.Memory>>20))
	case err != nil:
		var se *ScriptError
		if errors.As(err, &se) {
			return bench.Score{}, e.fail(a, fmt.Errorf("threw %s", bench.Truncate(se.Error(), 500)))
		}
		return bench.Score{}, e.fail(a, err)
	}
	s, err := verdict(a, o, src, inverse)
	if err != nil {
		return bench.Score{}, e.fail(a, err)
	}
	return s, nil
}

// fail names the assertion in an error, so the unscored verdict says which
// script failed.
func (e *Evaluator) fail(a bench.Assertion, err error) error {
	if a.Metric != "" {
		return fmt.Errorf("javascript assertion %q: %w", a.Metric, err)
	}
	return fmt.Errorf("javascript assertion: %w", err)
}

// verdict reads an outcome as promptfoo does: a boolean passes when true
// and scores 1 or 0; a number is the score and passes when above 0, or at
// or above the threshold when there is one; an object gives pass, score and
// reason. inverse flips the verdict (and a boolean's score).
func verdict(a bench.Assertion, o outcome, src string, inverse bool) (bench.Score, error) {
	failed := func(raw bool) string {
		return fmt.Sprintf("Custom function returned %t\n%s", raw, bench.Truncate(src, 500))
	}
	switch o.Kind {
	case "boolean":
		p := o.Bool != inverse
		s := bench.Score{Pass: p, Reason: "Assertion passed"}
		if p {
			s.Score = 1
		} else {
			s.Reason = failed(o.Bool)
		}
		return s, nil
	case "number":
		raw := o.Num > 0
		if a.Threshold != nil {
			raw = o.Num >= *a.Threshold
		}
		p := raw != inverse
		s := bench.Score{Score: o.Num, Pass: p, Reason: "Assertion passed"}
		if !p {
			s.Reason = failed(raw)
		}
		return s, nil
	case "grading":
		p := o.Pass != inverse
		s := bench.Score{Score: o.Score, Pass: p, Reason: o.Reason}
		if inverse {
			switch {
			case p:
				s.Reason = "Assertion passed"
			case o.Reason == "":
				s.Reason = "Custom function returned true"
			}
		}
		return s, nil
	}
	return bench.Score{}, fmt.Errorf("must return a boolean, a finite number or {pass, score, reason}, not %s", o.Type)
}

// source is the assertion's script.
func source(a bench.Assertion) (string, error) {
	s, ok := a.Value.(string)
	switch {
	case a.Value == nil:
		return "", errors.New("value is required: a JavaScript expression or function body")
	case !ok:
		return "", fmt.Errorf("value is %s, want JavaScript source text", value.Kind(a.Value))
	case strings.TrimSpace(s) == "":
		return "", errors.New("value is empty: want a JavaScript expression or function body")
	case strings.HasPrefix(strings.TrimSpace(s), "file://"):
		return "", errors.New("file:// script references are not supported: write the function body inline")
	}
	return s, nil
}

// limitsOf is e's limits with the assertion's config applied.
func (e *Evaluator) limitsOf(a bench.Assertion) (Limits, error) {
	lim := e.limits
	if v, ok := a.Config[KeyTimeout]; ok {
		ms, ok := value.Float(v)
		if !ok || ms <= 0 || ms > float64(MaxTimeout/time.Millisecond) || ms != math.Trunc(ms) {
			return lim, fmt.Errorf("config.%s must be a whole number of milliseconds from 1 to %d", KeyTimeout, MaxTimeout/time.Millisecond)
		}
		lim.Timeout = time.Duration(ms) * time.Millisecond
	}
	if v, ok := a.Config[KeyMemory]; ok {
		mb, ok := value.Float(v)
		if !ok || mb < MinMemory>>20 || mb > MaxMemory>>20 || mb != math.Trunc(mb) {
			return lim, fmt.Errorf("config.%s must be a whole number of MiB from %d to %d", KeyMemory, MinMemory>>20, MaxMemory>>20)
		}
		lim.Memory = int64(mb) << 20
	}
	return lim, nil
}

// contextJSON is the script's context argument: what promptfoo passes that
// this project has (prompt, vars, test, logProbs, config, provider,
// providerResponse).
func contextJSON(a bench.Assertion, in *eval.Input) ([]byte, error) {
	vars := map[string]any{}
	test := map[string]any{"vars": vars}
	if c := in.Case; c != nil {
		if c.Variables != nil {
			vars = c.Variables
			test["vars"] = vars
		}
		test["id"] = c.ID
		if c.Metadata != nil {
			test["metadata"] = c.Metadata
		}
		if c.Expected != "" {
			test["expected"] = c.Expected
		}
	}
	ctx := map[string]any{
		"prompt":   in.Prompt,
		"vars":     vars,
		"test":     test,
		"provider": map[string]any{"id": in.Provider},
		"providerResponse": map[string]any{
			"output":       in.Output,
			"finishReason": in.FinishReason,
			"latencyMs":    in.LatencyMs,
			"cost":         in.Cost.Total,
			"tokenUsage": map[string]int{
				"prompt": in.Usage.Prompt, "completion": in.Usage.Completion,
				"total": in.Usage.Total, "cached": in.Usage.Cached,
			},
		},
	}
	if in.Logprobs != nil {
		lp := make([]any, len(in.Logprobs))
		for i, f := range in.Logprobs {
			if !math.IsInf(f, 0) && !math.IsNaN(f) {
				lp[i] = f
			}
		}
		ctx["logProbs"] = lp
	}
	if a.Config != nil {
		cfg, err := value.Normalize(a.Config)
		if err != nil {
			return nil, fmt.Errorf("config: %w", err)
		}
		ctx["config"] = cfg
	}
	b, err := json.Marshal(ctx)
	if err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	return b, nil
}
