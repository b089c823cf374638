package cli

import (
	"context"
	"fmt"
	"net/url"
	"strings"

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
func (a *app) simulateTarget(ctx context.Context, ts *targetSet, pcfg *provider.Config, p *plan) error {
	if offlineVendors[pcfg.Vendor] {
		return nil
	}
	if pcfg.Vendor == "http" {
		return fmt.Errorf("--simulate cannot stand in for a generic http provider: its wire format is yours")
	}
	if ts.simRoot == "" {
		u, stop, err := a.startSimulator(ctx, a.cfg.Provider(simulatorVendor), "", p)
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
