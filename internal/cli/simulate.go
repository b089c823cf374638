package cli

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
)

// simFlags are the simulator's settings, from flags or a provider's options.
type simFlags struct {
	policy       string
	latency      string
	ttft         string
	tokensPerSec float64
	rateLimit    float64
	overload     float64
	server       float64
	timeout      float64
	truncate     float64
	retryAfter   time.Duration
	seed         int64
	model        string
	script       []string
}

func (f *simFlags) config() (simulator.Config, error) {
	cfg := simulator.Config{
		TokensPerSec: f.tokensPerSec, RetryAfter: f.retryAfter, Seed: f.seed, Model: f.model,
		Policy: simulator.Policy(f.policy),
		Errors: simulator.ErrorRates{RateLimit: f.rateLimit, Overload: f.overload, Server: f.server, Timeout: f.timeout, Truncate: f.truncate},
	}
	var err error
	if f.latency != "" {
		if cfg.Latency, err = simulator.ParseDist(f.latency); err != nil {
			return cfg, fmt.Errorf("latency: %w", err)
		}
	}
	if f.ttft != "" {
		if cfg.TTFT, err = simulator.ParseDist(f.ttft); err != nil {
			return cfg, fmt.Errorf("ttft: %w", err)
		}
	}
	for _, rule := range f.script {
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

// simFlagsFromOptions reads [providers.simulator.options].
func simFlagsFromOptions(opts map[string]any, model string) (*simFlags, error) {
	// Without options, answers arrive at a plausible pace, so reports of an
	// offline run look like those of a real one.
	f := &simFlags{policy: "expected", model: model, seed: 1, ttft: "lognormal:150ms,60ms", tokensPerSec: 250}
	if model == "echo" {
		f.policy = "echo"
	}
	for k, v := range opts {
		s := fmt.Sprint(v)
		var err error
		switch k {
		case "policy":
			f.policy = s
		case "latency":
			f.latency = s
		case "ttft":
			f.ttft = s
		case "tokens_per_sec":
			f.tokensPerSec, err = strconv.ParseFloat(s, 64)
		case "rate_limit_rate":
			f.rateLimit, err = strconv.ParseFloat(s, 64)
		case "overload_rate":
			f.overload, err = strconv.ParseFloat(s, 64)
		case "server_error_rate":
			f.server, err = strconv.ParseFloat(s, 64)
		case "timeout_rate":
			f.timeout, err = strconv.ParseFloat(s, 64)
		case "truncate_rate":
			f.truncate, err = strconv.ParseFloat(s, 64)
		case "retry_after":
			f.retryAfter, err = time.ParseDuration(s)
		case "seed":
			f.seed, err = strconv.ParseInt(s, 10, 64)
		default:
			return nil, fmt.Errorf("simulator option %q is unknown (known: policy, latency, ttft, tokens_per_sec, rate_limit_rate, overload_rate, server_error_rate, timeout_rate, truncate_rate, retry_after, seed)", k)
		}
		if err != nil {
			return nil, fmt.Errorf("simulator option %s=%v: %w", k, v, err)
		}
	}
	return f, nil
}

// startSimulator serves a simulator on loopback for a `simulator:` target.
// With the "expected" policy it answers each case's rendered prompt with the
// case's expected answer.
func (a *app) startSimulator(ctx context.Context, pc config.ProviderConfig, model string, p *plan) (string, func() error, error) {
	f, err := simFlagsFromOptions(pc.Options, model)
	if err != nil {
		return "", nil, err
	}
	cfg, err := f.config()
	if err != nil {
		return "", nil, err
	}
	if cfg.Policy == simulator.PolicyExpected && p != nil {
		if cfg.Answers, err = expectedAnswers(p); err != nil {
			return "", nil, err
		}
	}
	srv, err := simulator.New(cfg)
	if err != nil {
		return "", nil, err
	}
	url, err := srv.Start(context.WithoutCancel(ctx), "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}
	return url, srv.Close, nil
}

// expectedAnswers maps each rendered prompt to its case's expected answer.
func expectedAnswers(p *plan) (map[string]string, error) {
	answers := map[string]string{}
	for _, s := range p.suites {
		render := renderer(s)
		ids := promptIDs(s)
		for c, err := range p.cases(s) {
			if err != nil {
				return nil, err
			}
			if c.Expected == "" {
				continue
			}
			for _, id := range ids {
				msgs, _, err := render(id, &c)
				if err != nil {
					return nil, err
				}
				if last := lastUser(msgs); last != "" {
					answers[last] = c.Expected
				}
			}
		}
	}
	return answers, nil
}

func lastUser(msgs []bench.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == bench.RoleUser {
			return msgs[i].Content
		}
	}
	return ""
}

func (a *app) simulateCommand() *cobra.Command {
	f := &simFlags{}
	var addr string
	var datasets []string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Serve the provider simulator (OpenAI, Anthropic, Gemini, Ollama, Cohere, Bedrock and OpenAI-compatible wires) for offline runs, load tests and fault injection",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config()
			if err != nil {
				return configErr("%v", err)
			}
			if len(datasets) > 0 {
				p, err := loadPlan(cmd.Context(), &benchOptions{Datasets: datasets}, a.mediaLimits())
				if err != nil {
					return err
				}
				if cfg.Answers, err = expectedAnswers(p); err != nil {
					return inputErr(err)
				}
			}
			srv, err := simulator.New(cfg)
			if err != nil {
				return configErr("%v", err)
			}
			url, err := srv.Start(cmd.Context(), addr)
			if err != nil {
				return fmt.Errorf("start simulator: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "LLM Test Bench provider SIMULATOR (not a real model) serving the OpenAI wire format at %s\n", url)
			fmt.Fprintf(cmd.OutOrStdout(), "Use it with: --providers openai:sim-model and [providers.openai] base_url = %q, or an OpenAI client with OPENAI_BASE_URL=%s\n", url, url)
			<-cmd.Context().Done()
			return srv.Close()
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&addr, "addr", "127.0.0.1:8089", "listen address")
	fl.StringVar(&f.policy, "policy", "echo", "answer policy: echo, expected (needs --dataset), scripted (needs --script)")
	fl.StringArrayVar(&datasets, "dataset", nil, "dataset whose expected answers the expected policy returns (repeatable)")
	fl.StringArrayVar(&f.script, "script", nil, "scripted answer rule REGEX=>ANSWER (repeatable, first match wins)")
	fl.StringVar(&f.latency, "latency", "", "total time of each answer, streamed or not (a stream's first token after --ttft, or a quarter of it, the rest spread evenly): fixed:200ms, uniform:100ms-300ms, normal:200ms,50ms, lognormal:200ms,80ms, exp:200ms")
	fl.StringVar(&f.ttft, "ttft", "", "time-to-first-token distribution (same forms as --latency; at most the latency when both are set)")
	fl.Float64Var(&f.tokensPerSec, "tokens-per-sec", 0, "speed after the first token when --latency is not set (0 = instant)")
	fl.Float64Var(&f.rateLimit, "rate-limit-rate", 0, "fraction of calls answered 429 with Retry-After")
	fl.Float64Var(&f.overload, "overload-rate", 0, "fraction of calls answered 503 overloaded")
	fl.Float64Var(&f.server, "server-error-rate", 0, "fraction of calls answered 500")
	fl.Float64Var(&f.timeout, "timeout-rate", 0, "fraction of calls that hang until the client gives up")
	fl.Float64Var(&f.truncate, "truncate-rate", 0, "fraction of answers cut off mid-way")
	fl.DurationVar(&f.retryAfter, "retry-after", time.Second, "Retry-After sent with 429s")
	fl.Int64Var(&f.seed, "seed", 1, "random seed for latency and fault draws")
	fl.StringVar(&f.model, "model", "sim-model", "model name reported when a request names none")
	return cmd
}
