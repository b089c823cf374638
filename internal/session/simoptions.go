package session

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// SimulatorSettings are the simulator's settings, from flags or a provider's options.
type SimulatorSettings struct {
	Policy       string
	Latency      string
	TTFT         string
	TokensPerSec float64
	RateLimit    float64
	Overload     float64
	ServerError  float64
	Timeout      float64
	Truncate     float64
	TruncateMode string // "cut" (default) or "clean"
	RetryAfter   time.Duration
	Seed         int64
	Model        string
	// Script holds the scripted policy's rules, "REGEX => ANSWER" each
	// (see ParseScriptRule).
	Script []string
	// DefaultAnswer is the scripted policy's answer when no rule matches.
	DefaultAnswer string
	// ToolCalls script the calls made when a request offers tools, "NAME"
	// or "NAME={...}" each (see simulator.ParseToolCall).
	ToolCalls []string
}

// Config turns the settings into the simulator's configuration.
func (f *SimulatorSettings) Config() (simulator.Config, error) {
	cfg := simulator.Config{
		TokensPerSec: f.TokensPerSec, RetryAfter: f.RetryAfter, TruncateMode: simulator.TruncateMode(f.TruncateMode), Seed: f.Seed, Model: f.Model,
		Policy: simulator.Policy(f.Policy), DefaultAnswer: f.DefaultAnswer,
		Errors: simulator.ErrorRates{RateLimit: f.RateLimit, Overload: f.Overload, Server: f.ServerError, Timeout: f.Timeout, Truncate: f.Truncate},
	}
	var err error
	if f.Latency != "" {
		if cfg.Latency, err = simulator.ParseDist(f.Latency); err != nil {
			return cfg, fmt.Errorf("latency: %w", err)
		}
	}
	if f.TTFT != "" {
		if cfg.TTFT, err = simulator.ParseDist(f.TTFT); err != nil {
			return cfg, fmt.Errorf("ttft: %w", err)
		}
	}
	for i, rule := range f.Script {
		r, err := ParseScriptRule(rule)
		if err != nil {
			return cfg, fmt.Errorf("script rule %d: %w", i, err)
		}
		cfg.Script = append(cfg.Script, r)
	}
	for _, s := range f.ToolCalls {
		c, err := simulator.ParseToolCall(s)
		if err != nil {
			return cfg, err
		}
		cfg.ToolCalls = append(cfg.ToolCalls, c)
	}
	return cfg, nil
}

// ParseScriptRule reads one scripted answer, "REGEX => ANSWER": the text
// up to the first "=>" is the regular expression (RE2 syntax; (?s) lets .
// match newlines), the rest the answer, in which $1 and ${name} expand to
// submatches; white space around either is dropped.
func ParseScriptRule(rule string) (simulator.Rule, error) {
	pat, answer, ok := strings.Cut(rule, "=>")
	if !ok {
		return simulator.Rule{}, fmt.Errorf("%q: want REGEX => ANSWER", rule)
	}
	re, err := regexp.Compile(strings.TrimSpace(pat))
	if err != nil {
		return simulator.Rule{}, fmt.Errorf("%q: %w", rule, err)
	}
	return simulator.Rule{Match: re, Answer: strings.TrimSpace(answer)}, nil
}

// simulatorOptions are the options SimulatorFromOptions knows.
const simulatorOptions = "policy, latency, ttft, tokens_per_sec, rate_limit_rate, overload_rate, server_error_rate, " +
	"timeout_rate, truncate_rate, retry_after, seed, script, default_answer, tool_calls"

// SimulatorFromOptions reads the options of a provider of type
// "simulator"; an unknown or malformed option is an error naming it. The
// option script is a list of "REGEX => ANSWER" strings (see
// ParseScriptRule) and default_answer a string; either without policy
// implies policy "scripted", and with another policy both are an error.
func SimulatorFromOptions(opts map[string]any, model string) (*SimulatorSettings, error) {
	// Without options, answers arrive at a plausible pace, so reports of an
	// offline run look like those of a real one.
	f := &SimulatorSettings{Policy: "expected", Model: model, Seed: 1, TTFT: "lognormal:150ms,60ms", TokensPerSec: 250}
	if model == "echo" {
		f.Policy = "echo"
	}
	for k, v := range opts {
		s := fmt.Sprint(v)
		var err error
		switch k {
		case "script":
			f.Script, err = scriptOption(v)
		case "tool_calls":
			f.ToolCalls, err = toolCallsOption(v)
		case "default_answer":
			var ok bool
			if f.DefaultAnswer, ok = v.(string); !ok {
				err = fmt.Errorf("want a string, got %T", v)
			}
		case "policy":
			f.Policy = s
		case "latency":
			f.Latency = s
		case "ttft":
			f.TTFT = s
		case "tokens_per_sec":
			f.TokensPerSec, err = strconv.ParseFloat(s, 64)
		case "rate_limit_rate":
			f.RateLimit, err = strconv.ParseFloat(s, 64)
		case "overload_rate":
			f.Overload, err = strconv.ParseFloat(s, 64)
		case "server_error_rate":
			f.ServerError, err = strconv.ParseFloat(s, 64)
		case "timeout_rate":
			f.Timeout, err = strconv.ParseFloat(s, 64)
		case "truncate_rate":
			f.Truncate, err = strconv.ParseFloat(s, 64)
		case "retry_after":
			f.RetryAfter, err = time.ParseDuration(s)
		case "seed":
			f.Seed, err = strconv.ParseInt(s, 10, 64)
		default:
			return nil, fmt.Errorf("simulator option %q is unknown (known: %s)", k, simulatorOptions)
		}
		if err != nil && (k == "script" || k == "default_answer" || k == "tool_calls") {
			return nil, fmt.Errorf("simulator option %s: %w", k, err)
		}
		if err != nil {
			return nil, fmt.Errorf("simulator option %s=%v: %w", k, v, err)
		}
	}
	if len(f.Script) > 0 || f.DefaultAnswer != "" {
		_, policySet := opts["policy"]
		switch {
		case !policySet:
			f.Policy = string(simulator.PolicyScripted)
		case f.Policy != string(simulator.PolicyScripted):
			return nil, fmt.Errorf("simulator options script and default_answer need policy %q, not %q (leave policy out to imply it)",
				simulator.PolicyScripted, f.Policy)
		}
	}
	return f, nil
}

// scriptOption reads the script option: a list of "REGEX => ANSWER"
// strings, each checked, the error naming the rule's index.
func scriptOption(v any) ([]string, error) {
	var items []any
	switch l := v.(type) {
	case []any:
		items = l
	case []string:
		for _, s := range l {
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf(`want a list of "REGEX => ANSWER" strings, got %T`, v)
	}
	rules := make([]string, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf(`rule %d: want a "REGEX => ANSWER" string, got %T`, i, item)
		}
		if _, err := ParseScriptRule(s); err != nil {
			return nil, fmt.Errorf("rule %d: %w", i, err)
		}
		rules[i] = s
	}
	return rules, nil
}

// toolCallsOption reads the tool_calls option: a list of "NAME" or
// "NAME={...}" strings, each checked, the error naming the call's index.
func toolCallsOption(v any) ([]string, error) {
	var items []any
	switch l := v.(type) {
	case []any:
		items = l
	case []string:
		for _, s := range l {
			items = append(items, s)
		}
	default:
		return nil, fmt.Errorf(`want a list of "NAME" or "NAME={...}" strings, got %T`, v)
	}
	calls := make([]string, len(items))
	for i, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, fmt.Errorf(`call %d: want a "NAME" or "NAME={...}" string, got %T`, i, item)
		}
		if _, err := simulator.ParseToolCall(s); err != nil {
			return nil, fmt.Errorf("call %d: %w", i, err)
		}
		calls[i] = s
	}
	return calls, nil
}

// SimulatorConfig is the simulator's configuration from a provider's
// options, as a `simulator:` target reads them.
func SimulatorConfig(opts map[string]any, model string) (simulator.Config, error) {
	f, err := SimulatorFromOptions(opts, model)
	if err != nil {
		return simulator.Config{}, err
	}
	return f.Config()
}
