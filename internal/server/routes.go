package server

import "net/http"

// Permission markers of the route table besides "resource.action".
const (
	// Public routes need no credentials (health, the OpenAPI document).
	Public = ""
)

// Route is one route of the API and the permission it needs. The router
// is built from this table and the authorization tests iterate it, so a
// route cannot exist without its check.
type Route struct {
	Method string
	// Pattern is chi's, under /api/v1 unless Root.
	Pattern string
	// Perm is the permission a caller must hold; Public for none.
	Perm string
	// Root routes are served at the server's root, not under /api/v1.
	Root bool
	// Status is the success status.
	Status int

	handle func(h *handlers, w http.ResponseWriter, r *http.Request)
}

// Prefix is where the REST API lives.
const Prefix = "/api/v1"

// Path is the route's full path pattern.
func (r Route) Path() string {
	if r.Root {
		return r.Pattern
	}
	return Prefix + r.Pattern
}

// table is every REST route the server itself handles. /auth/* is
// auth.Service's (mounted), /ws and /graphql are their packages'.
var table = []Route{
	{Method: http.MethodPost, Pattern: "/benchmarks", Perm: "benchmark.create", Status: http.StatusAccepted, handle: (*handlers).createBenchmark},
	{Method: http.MethodGet, Pattern: "/benchmarks", Perm: "benchmark.read", Status: http.StatusOK, handle: (*handlers).listBenchmarks},
	{Method: http.MethodGet, Pattern: "/benchmarks/{id}", Perm: "benchmark.read", Status: http.StatusOK, handle: (*handlers).getBenchmark},
	{Method: http.MethodPost, Pattern: "/benchmarks/{id}/cancel", Perm: "benchmark.cancel", Status: http.StatusAccepted, handle: (*handlers).cancelBenchmark},
	{Method: http.MethodGet, Pattern: "/results", Perm: "results.read", Status: http.StatusOK, handle: (*handlers).queryResults},
	{Method: http.MethodGet, Pattern: "/results/{id}", Perm: "results.read", Status: http.StatusOK, handle: (*handlers).getResult},
	{Method: http.MethodPost, Pattern: "/results/export", Perm: "results.export", Status: http.StatusOK, handle: (*handlers).exportResults},
	{Method: http.MethodGet, Pattern: "/providers", Perm: "provider.read", Status: http.StatusOK, handle: (*handlers).listProviders},
	{Method: http.MethodGet, Pattern: "/providers/{name}", Perm: "provider.read", Status: http.StatusOK, handle: (*handlers).getProvider},
	{Method: http.MethodGet, Pattern: "/providers/{name}/models", Perm: "provider.read", Status: http.StatusOK, handle: (*handlers).providerModels},
	{Method: http.MethodPost, Pattern: "/providers/{name}/health", Perm: "provider.health", Status: http.StatusOK, handle: (*handlers).providerHealth},
	{Method: http.MethodPost, Pattern: "/evaluate", Perm: "evaluate.run", Status: http.StatusOK, handle: (*handlers).evaluate},
	{Method: http.MethodPost, Pattern: "/compare", Perm: "evaluate.run", Status: http.StatusAccepted, handle: (*handlers).compare},
	{Method: http.MethodGet, Pattern: "/settings", Perm: "settings.update", Status: http.StatusOK, handle: (*handlers).getSettings},
	{Method: http.MethodPatch, Pattern: "/settings", Perm: "settings.update", Status: http.StatusOK, handle: (*handlers).updateSettings},
	{Method: http.MethodGet, Pattern: "/distributed", Perm: "worker.join", Status: http.StatusOK, handle: (*handlers).distributed},
	{Method: http.MethodGet, Pattern: "/metrics", Perm: "metrics.read", Status: http.StatusOK, handle: (*handlers).metrics},
	{Method: http.MethodGet, Pattern: "/alerts", Perm: "metrics.read", Status: http.StatusOK, handle: (*handlers).listAlerts},
	{Method: http.MethodPost, Pattern: "/plugins", Perm: "plugin.install", Status: http.StatusCreated, handle: (*handlers).uploadPlugin},
	{Method: http.MethodGet, Pattern: "/plugins", Perm: "plugin.read", Status: http.StatusOK, handle: (*handlers).listPlugins},
	{Method: http.MethodGet, Pattern: "/plugins/{name}", Perm: "plugin.read", Status: http.StatusOK, handle: (*handlers).getPlugin},
	{Method: http.MethodPost, Pattern: "/plugins/{name}/reload", Perm: "plugin.reload", Status: http.StatusOK, handle: (*handlers).reloadPlugin},
	{Method: http.MethodDelete, Pattern: "/plugins/{name}", Perm: "plugin.uninstall", Status: http.StatusNoContent, handle: (*handlers).deletePlugin},
	{Method: http.MethodGet, Pattern: "/health", Perm: Public, Status: http.StatusOK, handle: (*handlers).health},
	{Method: http.MethodGet, Pattern: "/health/live", Perm: Public, Status: http.StatusOK, handle: (*handlers).health},
	{Method: http.MethodGet, Pattern: "/health/ready", Perm: Public, Status: http.StatusOK, handle: (*handlers).ready},
	{Method: http.MethodGet, Pattern: "/openapi.json", Perm: Public, Status: http.StatusOK, handle: (*handlers).openapi},
	{Method: http.MethodGet, Pattern: "/openapi.json", Perm: Public, Root: true, Status: http.StatusOK, handle: (*handlers).openapi},
}

// Routes returns the route table (a copy).
func Routes() []Route { return append([]Route(nil), table...) }

// Mounts are the prefixes other packages' handlers serve; their own
// tests cover their checks.
var Mounts = []string{Prefix + "/auth", "/ws", "/graphql"}
