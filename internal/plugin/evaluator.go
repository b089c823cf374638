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

// active holds the loaded plugins of every type by name; evaluators are
// reached through their assertion types, the others through Active. Like
// the eval registry it is process-wide: the assertion types registered
// for evaluators stay, and a later Activate replaces the plugin a name
// reaches.
var (
	activeMu sync.Mutex // serialises Activate
	active   atomic.Pointer[map[string]*Plugin]
)

func init() { active.Store(&map[string]*Plugin{}) }

// Activate makes the plugins of ps reachable by name, and each evaluator
// the assertion type plugin:NAME, registering the type with eval the
// first time a name is seen. It returns the plugins it replaced, for the
// caller to close once their calls in flight are done.
func Activate(ps []*Plugin) (replaced []*Plugin, err error) {
	activeMu.Lock()
	defer activeMu.Unlock()
	next := map[string]*Plugin{}
	for name, p := range *active.Load() {
		next[name] = p
	}
	for _, p := range ps {
		if old, ok := next[p.Name()]; ok && old != p {
			replaced = append(replaced, old)
		}
		if p.Manifest.Plugin.Type == TypeEvaluator {
			if typ := TypePrefix + p.Name(); !isEvaluatorType(typ) {
				var e eval.Evaluator = evaluator{name: p.Name()}
				if p.Manifest.Capabilities.RequiresLLM {
					// The engine then gives it the run's judges and fills
					// its provider from the suite's default judge.
					e = llmEvaluator{evaluator{name: p.Name()}}
				}
				if _, taken := eval.Lookup(typ); taken {
					return nil, fmt.Errorf("plugin %q: assertion type %s is taken", p.Name(), typ)
				}
				eval.Register(typ, e)
			}
		}
		next[p.Name()] = p
	}
	active.Store(&next)
	return replaced, nil
}

// Deactivate takes plugin p out of the assertion type plugin:NAME when it
// is the one the type reaches; the type then reports the plugin as not
// loaded. It reports whether p was active.
func Deactivate(name string, p *Plugin) bool {
	activeMu.Lock()
	defer activeMu.Unlock()
	cur := *active.Load()
	if cur[name] != p {
		return false
	}
	next := make(map[string]*Plugin, len(cur))
	for n, q := range cur {
		if n != name {
			next[n] = q
		}
	}
	active.Store(&next)
	return true
}

// isEvaluatorType reports whether typ is registered as a plugin evaluator.
func isEvaluatorType(typ string) bool {
	e, ok := eval.Lookup(typ)
	if !ok {
		return false
	}
	switch e.(type) {
	case evaluator, llmEvaluator:
		return true
	}
	return false
}

// Active returns the loaded plugin of a name.
func Active(name string) (*Plugin, bool) {
	p, ok := (*active.Load())[name]
	return p, ok
}

// ActiveOfType returns the loaded plugin of a name when it has type typ,
// else an error saying what is wrong.
func ActiveOfType(name, typ string) (*Plugin, error) {
	p, ok := Active(name)
	switch {
	case !ok:
		return nil, fmt.Errorf("plugin %q is not loaded (install it and set [plugins] enable_plugins = true)", name)
	case p.Manifest.Plugin.Type != typ:
		return nil, fmt.Errorf("plugin %q has type %s, not %s", name, p.Manifest.Plugin.Type, typ)
	}
	return p, nil
}

// lookupActive returns the active evaluator plugin of a name.
func lookupActive(name string) (*Plugin, bool) {
	p, ok := Active(name)
	if !ok || p.Manifest.Plugin.Type != TypeEvaluator {
		return nil, false
	}
	return p, true
}

// evaluator is the eval.Evaluator of one plugin:NAME type. It resolves
// the plugin at every call, so Activate can swap it.
type evaluator struct{ name string }

var (
	_ eval.Evaluator = evaluator{}
	_ eval.Validator = evaluator{}
)

// llmEvaluator is the evaluator of a plugin with requires_llm: it tells
// the engine it calls a judge.
type llmEvaluator struct{ evaluator }

// Uses says the plugin calls a judge (through llm.complete).
func (llmEvaluator) Uses() eval.Uses { return eval.UsesJudge }

var _ eval.ModelUser = llmEvaluator{}

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
	var (
		llm      *llmService
		services map[string]Service
	)
	if p.Manifest.Capabilities.RequiresLLM {
		llm = &llmService{in: in, a: a}
		services = map[string]Service{ServiceLLMComplete: llm.complete}
	}
	raw, err := p.Call(ctx, env, services)
	if err == nil {
		var out EvalOutput
		if out, err = ParseEvalOutput(raw); err == nil {
			return p.verdict(a, out, llm.judgeInfo()), nil
		}
		err = p.fail(ctx, KindOutput, err, "")
	}
	if info := llm.judgeInfo(); info != nil {
		// The judge calls were made and paid for: the unscored verdict keeps them.
		s := bench.Unscored(err.Error(), "")
		s.Judge = info
		return s, nil
	}
	return bench.Score{}, err
}

// verdict turns an evaluator's output into a score.
func (p *Plugin) verdict(a bench.Assertion, out EvalOutput, info *bench.JudgeInfo) bench.Score {
	threshold := 0.5
	if a.Threshold != nil {
		threshold = *a.Threshold
	}
	s := bench.Score{Score: *out.Score, Pass: *out.Score >= threshold, Reason: out.Reason, Judge: info}
	if out.Passed != nil {
		s.Pass = *out.Passed
	}
	if s.Reason == "" {
		s.Reason = fmt.Sprintf("plugin %s scored %.3g", p.Name(), s.Score)
	}
	return s
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
