package api

import (
	"log/slog"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Core is the Service: every method checks the principal in ctx against
// the permission its action needs (API.md's table, deny by default) and,
// for benchmarks and results, that the principal owns the object or sees
// all; another user's object is answered 404, as a missing one is.
type Core struct {
	store     Store
	manager   Manager
	providers Providers
	cfg       *config.Config
	natsURL   string
	log       *slog.Logger
}

var _ Service = (*Core)(nil)

// Deps are what Core works with.
type Deps struct {
	Store   Store
	Manager Manager
	// Providers builds providers by name: a *session.Service.
	Providers Providers
	Config    *config.Config
	// NATSURL is where the server's distributed runs go; "" when it runs
	// none.
	NATSURL string
	Logger  *slog.Logger
}

// New returns the service over d.
func New(d Deps) *Core {
	log := d.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := d.Config
	if cfg == nil {
		cfg = config.Default()
	}
	return &Core{store: d.Store, manager: d.Manager, providers: d.Providers, cfg: cfg, natsURL: d.NATSURL, log: log.With("component", "api")}
}
