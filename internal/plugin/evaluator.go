package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TypePrefix starts the assertion type of an evaluator plugin: plugin:NAME.
const TypePrefix = "plugin:"

// active holds the evaluator plugins assertion types resolve to, by name.
// Like the eval registry it is process-wide: the assertion types
// registered for them stay, and a later Activate replaces the plugin a
// type reaches.
var (
	activeMu sync.Mutex // serialises Activate
	active   atomic.Pointer[map[string]*Plugin]
)

func init() { active.Store(&map[string]*Plugin{}) }

// Activate makes each evaluator plugin of ps the assertion type
// plugin:NAME, registering the type with eval the first time a name is
// seen. It returns the plugins it replaced, for the caller to close once
// their calls in flight are done.
func Activate(ps []*Plugin) (replaced []*Plugin, err error) {
	activeMu.Lock()
	defer activeMu.Unlock()
	next := map[string]*Plugin{}
	for name, p := range *active.Load() {
		next[name] = p
	}
	for _, p := range ps {
		if p.Manifest.Plugin.Type != TypeEvaluator {
			return nil, fmt.Errorf("plugin %q: type %s cannot be an assertion type (only evaluator plugins are)", p.Name(), p.Manifest.Plugin.Type)
		}
		typ := TypePrefix + p.Name()
		if old, ok := next[p.Name()]; ok && old != p {
			replaced = append(replaced, old)
		} else if _, taken := eval.Lookup(typ); !taken {
			eval.Register(typ, evaluator{name: p.Name()})
		}
		next[p.Name()] = p
	}
	active.Store(&next)
	return replaced, nil
}

// lookupActive returns the active plugin of a name.
func lookupActive(name string) (*Plugin, bool) {
	p, ok := (*active.Load())[name]
	return p, ok
}

// evaluator is the eval.Evaluator of one plugin:NAME type. It resolves
// the plugin at every call, so Activate can swap it.
type evaluator struct{ name string }

var (
	_ eval.Evaluator = evaluator{}
	_ eval.Validator = evaluator{}
)

// Validate checks the assertion's config against the plugin's config_schema.
func (e evaluator) Validate(a bench.Assertion) error {
	p, ok := lookupActive(e.name)
	if !ok {
		return fmt.Errorf("plugin %q is not loaded", e.name)
	}
	return p.Manifest.ValidateConfig(a.Config)
}

// Evaluate asks the plugin for a verdict. A plugin that fails returns an
// error naming it; the engine records the assertion as unscored with it.
func (e evaluator) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	p, ok := lookupActive(e.name)
	if !ok {
		return bench.Score{}, fmt.Errorf("plugin %q is not loaded", e.name)
	}
	return p.Evaluate(ctx, a, in)
}

// Evaluate sends one answer to an evaluator plugin and turns its output
// into a verdict. Without "passed" in the output, the verdict passes when
// the score reaches the assertion's threshold (0.5 when unset).
func (p *Plugin) Evaluate(ctx context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	env, err := json.Marshal(Envelope{
		ABI: ABIVersion, Op: "evaluate", PluginType: TypeEvaluator,
		Config: orEmpty(a.Config), Input: evalInput(a, in),
	})
	if err != nil {
		return bench.Score{}, fmt.Errorf("plugin %q: encode input: %w", p.Name(), err)
	}
	// No host service is offered to evaluators yet: llm.complete is refused.
	raw, err := p.Call(ctx, env, nil)
	if err != nil {
		return bench.Score{}, err
	}
	out, err := ParseEvalOutput(raw)
	if err != nil {
		return bench.Score{}, p.fail(ctx, KindOutput, err, "")
	}
	threshold := 0.5
	if a.Threshold != nil {
		threshold = *a.Threshold
	}
	s := bench.Score{Score: *out.Score, Pass: *out.Score >= threshold, Reason: out.Reason}
	if out.Passed != nil {
		s.Pass = *out.Passed
	}
	if s.Reason == "" {
		s.Reason = fmt.Sprintf("plugin %s scored %.3g", p.Name(), s.Score)
	}
	return s, nil
}

// evalInput is the envelope's input for one answer.
func evalInput(a bench.Assertion, in *eval.Input) EvalInput {
	ei := EvalInput{Prompt: in.Prompt, Response: in.Output, Value: a.Value, Provider: in.Provider}
	if c := in.Case; c != nil {
		ei.Reference = c.Expected
		ei.Context = c.Context
		ei.Variables = c.Variables
		ei.Metadata = c.Metadata
	}
	return ei
}

// PluginName returns NAME of an assertion type plugin:NAME.
func PluginName(typ string) (string, bool) {
	return strings.CutPrefix(typ, TypePrefix)
}
