package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// maxQueryText bounds the full-text query.
const maxQueryText = 500

func (h *handlers) queryResults(w http.ResponseWriter, r *http.Request) {
	q, d := resultQuery(r)
	if d != nil {
		problem.Write(w, d)
		return
	}
	page, err := h.svc.QueryResults(r.Context(), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// resultQuery reads the filters of GET /results.
func resultQuery(r *http.Request) (store.ResultQuery, *problem.Details) {
	v := r.URL.Query()
	limit, d := limitParam(r)
	if d != nil {
		return store.ResultQuery{}, d
	}
	q := store.ResultQuery{
		RunID: v.Get("benchmark_id"), Provider: v.Get("provider"), Model: v.Get("model"),
		CaseID: v.Get("case_id"), Tag: v.Get("tag"), Status: bench.Status(v.Get("status")),
		Text: v.Get("q"), After: v.Get("cursor"), Limit: limit,
	}
	if len(q.Text) > maxQueryText {
		return q, field("q", "at most 500 bytes")
	}
	if s := v.Get("trace_id"); s != "" {
		id, err := trace.TraceIDFromHex(strings.ToLower(s))
		if err != nil {
			return q, field("trace_id", "want a W3C trace id: 32 hex digits, not all zero")
		}
		q.TraceID = id.String()
	}
	if s := v.Get("passed"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, field("passed", "want true or false")
		}
		q.Passed = &b
	}
	for name, dst := range map[string]**float64{"min_score": &q.MinScore, "max_score": &q.MaxScore} {
		if s := v.Get(name); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f != f {
				return q, field(name, "want a number")
			}
			*dst = &f
		}
	}
	return q, nil
}

func field(name, detail string) *problem.Details {
	d := problem.New(http.StatusBadRequest, name+": "+detail)
	d.Field = name
	return d
}

func (h *handlers) getResult(w http.ResponseWriter, r *http.Request) {
	res, err := h.svc.GetResult(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// exportRequest is the body of POST /results/export.
type exportRequest struct {
	BenchmarkID string `json:"benchmark_id"`
	Format      string `json:"format"`
}

// exportResults streams the file: headers go out with the first byte, so
// a refusal before it is still a problem answer, and a failure after it
// cuts the connection (the client sees a truncated transfer, never a
// complete-looking file).
func (h *handlers) exportResults(w http.ResponseWriter, r *http.Request) {
	var req exportRequest
	if d := decode(r, &req); d != nil {
		problem.Write(w, d)
		return
	}
	ct, err := api.ExportContentType(req.Format)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lw := &lazyWriter{w: w, header: func(hd http.Header) {
		hd.Set("Content-Type", ct)
		hd.Set("Content-Disposition", `attachment; filename="benchmark-`+safeName(req.BenchmarkID)+"."+req.Format+`"`)
		hd.Set("X-Content-Type-Options", "nosniff")
	}}
	err = h.svc.ExportResults(r.Context(), req.BenchmarkID, req.Format, lw)
	switch {
	case err == nil && !lw.started:
		lw.start()
	case err != nil && !lw.started:
		h.fail(w, r, err)
	case err != nil:
		h.log.WarnContext(r.Context(), "export cut short", "benchmark", req.BenchmarkID, "err", err)
		panic(http.ErrAbortHandler)
	}
}

// lazyWriter sends the headers and the status on the first write.
type lazyWriter struct {
	w       http.ResponseWriter
	header  func(http.Header)
	started bool
}

func (l *lazyWriter) start() {
	l.started = true
	l.header(l.w.Header())
	l.w.WriteHeader(http.StatusOK)
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.start()
	}
	return l.w.Write(p)
}

// safeName keeps the characters of an id that are safe in a file name.
func safeName(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s) && len(out) < 64; i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "export"
	}
	return string(out)
}
