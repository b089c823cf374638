package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

// handlers turn HTTP requests into api.Service calls and their answers
// into JSON; they hold no logic of their own.
type handlers struct {
	svc  api.Service
	log  *slog.Logger
	prom http.Handler
	ping func(ctx context.Context) error
	// alerts lists the alert rules' alerts, which belong to no user and
	// need no check beyond the route's permission.
	alerts AlertLister
	// plugins manages the installed plugins; nil answers 404.
	plugins PluginAdmin
}

// status is the body of the health routes.
type status struct {
	Status string `json:"status"`
}

func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	writeError(w, r, h.log, err)
}

func (h *handlers) createBenchmark(w http.ResponseWriter, r *http.Request) {
	var req api.CreateBenchmark
	if d := decode(r, &req); d != nil {
		problem.Write(w, d)
		return
	}
	b, err := h.svc.CreateBenchmark(r.Context(), req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/benchmarks/"+b.ID)
	writeJSON(w, http.StatusAccepted, b)
}

func (h *handlers) listBenchmarks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, d := limitParam(r)
	if d != nil {
		problem.Write(w, d)
		return
	}
	page, err := h.svc.ListBenchmarks(r.Context(), api.BenchmarkFilter{
		Status: q.Get("status"), Tag: q.Get("tag"), Name: q.Get("name"), Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (h *handlers) getBenchmark(w http.ResponseWriter, r *http.Request) {
	b, err := h.svc.GetBenchmark(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func (h *handlers) cancelBenchmark(w http.ResponseWriter, r *http.Request) {
	b, err := h.svc.CancelBenchmark(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, b)
}

func (h *handlers) listProviders(w http.ResponseWriter, r *http.Request) {
	ps, err := h.svc.Providers(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.Page[api.ProviderInfo]{Items: ps})
}

func (h *handlers) getProvider(w http.ResponseWriter, r *http.Request) {
	p, err := h.svc.Provider(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *handlers) providerModels(w http.ResponseWriter, r *http.Request) {
	ms, err := h.svc.ProviderModels(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.Page[string]{Items: ms})
}

func (h *handlers) providerHealth(w http.ResponseWriter, r *http.Request) {
	hs, err := h.svc.ProviderHealth(r.Context(), chi.URLParam(r, "name"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, hs)
}

func (h *handlers) evaluate(w http.ResponseWriter, r *http.Request) {
	var req api.EvaluateRequest
	if d := decode(r, &req); d != nil {
		problem.Write(w, d)
		return
	}
	res, err := h.svc.Evaluate(r.Context(), req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (h *handlers) compare(w http.ResponseWriter, r *http.Request) {
	var req api.CompareRequest
	if d := decode(r, &req); d != nil {
		problem.Write(w, d)
		return
	}
	b, err := h.svc.Compare(r.Context(), req)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Location", Prefix+"/benchmarks/"+b.ID)
	writeJSON(w, http.StatusAccepted, b)
}

func (h *handlers) getSettings(w http.ResponseWriter, r *http.Request) {
	s, err := h.svc.Settings(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (h *handlers) updateSettings(w http.ResponseWriter, r *http.Request) {
	var in api.SettingsInput
	if d := decode(r, &in); d != nil {
		problem.Write(w, d)
		return
	}
	s, err := h.svc.UpdateSettings(r.Context(), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s)
}

func (h *handlers) distributed(w http.ResponseWriter, r *http.Request) {
	d, err := h.svc.Distributed(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (h *handlers) metrics(w http.ResponseWriter, r *http.Request) { h.prom.ServeHTTP(w, r) }

func (h *handlers) health(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, status{Status: "ok"})
}

// ready answers 503 when the store does not answer; it names nothing of
// the store (readiness is public).
func (h *handlers) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := h.ping(ctx); err != nil {
		h.log.WarnContext(r.Context(), "not ready: the store does not answer", "err", err)
		problem.Error(w, http.StatusServiceUnavailable, "not ready")
		return
	}
	writeJSON(w, http.StatusOK, status{Status: "ok"})
}

func (h *handlers) openapi(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", jsonType)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI())
}

// limitParam reads ?limit (0 when absent).
func limitParam(r *http.Request) (int, *problem.Details) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		d := problem.New(http.StatusBadRequest, "limit: want a positive integer")
		d.Field = "limit"
		return 0, d
	}
	return n, nil
}
