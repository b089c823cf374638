package server

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// Authenticator is what the router needs of internal/auth: the
// middleware that puts the principal in the request's context (401 with
// WWW-Authenticate when there is none), and the /auth/* routes.
type Authenticator interface {
	Middleware(next http.Handler) http.Handler
	Routes() http.Handler
}

// routerDeps are what the router is built from.
type routerDeps struct {
	h    *handlers
	auth Authenticator
	// rest serves the table's authenticated routes; without it only the
	// public ones (health, the document) and the mounts are served.
	rest    bool
	metrics *Metrics
	// outer wrap every request (request id, CORS, limits, logging...),
	// first is outermost.
	outer     []func(http.Handler) http.Handler
	websocket http.Handler
	graphql   http.Handler
	log       *slog.Logger
	// tracer, when set, gives requests server spans (outermost).
	tracer trace.TracerProvider
}

// newRouter builds the chi router from the route table: each route gets
// the authentication middleware and its permission check unless Public.
func newRouter(d routerDeps) chi.Router {
	r := chi.NewRouter()
	if d.tracer != nil {
		r.Use(traced(d.tracer))
	}
	r.Use(d.outer...)
	r.Use(d.metrics.Middleware)
	r.NotFound(func(w http.ResponseWriter, _ *http.Request) {
		problem.Error(w, http.StatusNotFound, "no such route")
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, _ *http.Request) {
		problem.Error(w, http.StatusMethodNotAllowed, "method not allowed on this route")
	})
	for _, rt := range table {
		if rt.Perm != Public && !d.rest {
			continue
		}
		handle := rt.handle
		h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handle(d.h, w, r) }))
		if rt.Perm != Public {
			h = d.auth.Middleware(requirePerm(rt.Perm, d.log)(h))
		}
		r.Method(rt.Method, rt.Path(), h)
	}
	r.Mount(Prefix+"/auth", d.auth.Routes())
	if d.websocket != nil {
		r.Handle("/ws", d.websocket)
	}
	if d.graphql != nil {
		r.Handle("/graphql", d.graphql)
	}
	return r
}

// requirePerm answers 403 unless the request's principal holds perm. The
// service checks again (and checks ownership); this check makes the
// route table the one place a route's permission is read from.
func requirePerm(perm string, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := auth.FromContext(r.Context())
			if p == nil {
				w.Header().Set("WWW-Authenticate", "Bearer")
				problem.Error(w, http.StatusUnauthorized, "authentication required")
				return
			}
			if !p.Can(perm) {
				log.WarnContext(r.Context(), "authorization refused", "user", p.UserID, "role", p.Role,
					"perm", perm, "method", r.Method, "path", r.URL.Path, "request_id", w.Header().Get("X-Request-Id"))
				problem.Error(w, http.StatusForbidden, "permission "+perm+" required")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
