package benchmarks

import (
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// Vendors whose model part is not a model: exec's is a command line, and
// http's endpoint is the provider's own. A request may use them only as the
// operator configured them.
var operatorOnly = map[string]string{
	"exec": "runs a local command",
	"http": "sends requests to an endpoint of its own",
}

// builtIn are vendors any request may name: they answer in process and
// reach no host (the simulator).
var builtIn = map[string]bool{"simulator": true}

// checkProvider refuses a provider id that the server's configuration
// does not define: its vendor part must name a [providers.NAME] table (or
// a built-in vendor), and a provider that runs commands or picks its own
// endpoint must be named exactly as configured.
func checkProvider(cfg *config.Config, field, id string) *problem.Details {
	id = strings.TrimSpace(id)
	if id == "" {
		return badField(field, "empty provider: want \"vendor:model\" naming a provider this server configures")
	}
	name, model, _ := strings.Cut(id, ":")
	if _, ok := cfg.Providers[name]; !ok && builtIn[name] {
		return nil
	}
	if _, ok := cfg.Providers[name]; !ok {
		return badField(field, "provider %q is not configured on this server (configured: %s)", name, configured(cfg))
	}
	pc := cfg.Provider(name)
	if what, ok := operatorOnly[pc.Type]; ok && model != "" && model != pc.DefaultModel {
		return badField(field, "provider %q %s; name it as configured (%q) without a model of your own", id, what, name)
	}
	return nil
}

func configured(cfg *config.Config) string {
	names := make([]string, 0, len(cfg.Providers))
	for n := range cfg.Providers {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
