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
	RetryAfter   time.Duration
	Seed         int64
	Model        string
	Script       []string
}

// Config turns the settings into the simulator's configuration.
func (f *SimulatorSettings) Config() (simulator.Config, error) {
	cfg := simulator.Config{
		TokensPerSec: f.TokensPerSec, RetryAfter: f.RetryAfter, Seed: f.Seed, Model: f.Model,
		Policy: simulator.Policy(f.Policy),
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
	for _, rule := range f.Script {
		pat, answer, ok := strings.Cut(rule, "=>")
		if !ok {
			return cfg, fmt.Errorf("script rule %q: want REGEX=>ANSWER", rule)
		}
		re, err := regexp.Compile(strings.TrimSpace(pat))
		if err != nil {
			return cfg, fmt.Errorf("script rule %q: %w", rule, err)
		}
		cfg.Script = append(cfg.Script, simulator.Rule{Match: re, Answer: strings.TrimSpace(answer)})
	}
	return cfg, nil
}

// SimulatorFromOptions reads [providers.simulator.options]; an unknown or
// malformed option is an error naming it.
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
			return nil, fmt.Errorf("simulator option %q is unknown (known: policy, latency, ttft, tokens_per_sec, rate_limit_rate, overload_rate, server_error_rate, timeout_rate, truncate_rate, retry_after, seed)", k)
		}
		if err != nil {
			return nil, fmt.Errorf("simulator option %s=%v: %w", k, v, err)
		}
	}
	return f, nil
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
