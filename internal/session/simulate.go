package session

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/simulator"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// simulatedKey is the API key every provider sends under --simulate; the
// simulator accepts any key.
const simulatedKey = "simulated-key"

// offlineVendors need no simulator: they never leave the machine.
var offlineVendors = map[string]bool{"echo": true, "exec": true}

// simulateTarget points one provider at the run's simulator (started on
// first use): the simulator's root plus the path of the vendor's usual base
// URL, so each client speaks its own wire to it (OpenAI's /v1, Anthropic's
// /v1/messages, Gemini's /v1beta, Ollama's /api, ...).
func (s *Service) simulateTarget(ctx context.Context, ts *targetSet, pcfg *provider.Config, p *Plan) error {
	if offlineVendors[pcfg.Vendor] {
		return nil
	}
	if pcfg.Vendor == "http" {
		return fmt.Errorf("--simulate cannot stand in for a generic http provider: its wire format is yours")
	}
	if ts.simRoot == "" {
		u, stop, err := s.startSimulator(ctx, s.cfg.Provider(SimulatorVendor), "", p)
		if err != nil {
			return err
		}
		ts.closers = append(ts.closers, stop)
		ts.simRoot = strings.TrimSuffix(u, "/v1")
	}
	v, _ := provider.Lookup(pcfg.Vendor)
	// The simulator serves /vendor/NAME/... with that vendor's quirks.
	base := ts.simRoot + "/vendor/" + pcfg.Vendor
	if du, err := url.Parse(v.DefaultBaseURL); err == nil && v.DefaultBaseURL != "" {
		base += strings.TrimRight(du.Path, "/")
	}
	pcfg.BaseURL = base
	pcfg.APIKey = simulatedKey
	return nil
}

// startSimulator serves a simulator on loopback for a `simulator:` target.
// With the "expected" policy it answers each case's rendered prompt with the
// case's expected answer.
func (s *Service) startSimulator(ctx context.Context, pc config.ProviderConfig, model string, p *Plan) (string, func() error, error) {
	cfg, err := SimulatorConfig(pc.Options, model)
	if err != nil {
		return "", nil, err
	}
	if cfg.Policy == simulator.PolicyExpected && p != nil {
		if cfg.Answers, err = p.ExpectedAnswers(); err != nil {
			return "", nil, err
		}
	}
	srv, err := simulator.New(cfg)
	if err != nil {
		return "", nil, err
	}
	u, err := srv.Start(context.WithoutCancel(ctx), "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("start simulator: %w", err)
	}
	return u, srv.Close, nil
}

// ExpectedAnswers maps each rendered prompt of the plan to its case's
// expected answer, for the simulator's "expected" policy.
func (p *Plan) ExpectedAnswers() (map[string]string, error) {
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
