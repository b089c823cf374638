package server

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/trace"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// memStore keeps runs and results in memory, newest last; it implements
// what the API reads, with the query contract's semantics.
type memStore struct {
	mu      sync.Mutex
	runs    []bench.Run
	results []bench.Result
	pingErr error
}

func (m *memStore) Ping(context.Context) error { return m.pingErr }

func (m *memStore) addRun(r bench.Run) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.Seq = int64(len(m.runs) + 1)
	m.runs = append(m.runs, r)
}

func (m *memStore) RunByID(_ context.Context, id string) (*bench.Run, error) {
	for _, r := range m.runs {
		if r.ID == id {
			return &r, nil
		}
	}
	return nil, nil
}

func (m *memStore) RunBySeq(_ context.Context, seq int64) (*bench.Run, error) {
	for _, r := range m.runs {
		if r.Seq == seq {
			return &r, nil
		}
	}
	return nil, nil
}

func (m *memStore) RunsByPrefix(_ context.Context, prefix string, limit int) ([]bench.Run, error) {
	var out []bench.Run
	for _, r := range m.runs {
		if strings.HasPrefix(r.ID, prefix) && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, nil
}

func (m *memStore) GetRun(ctx context.Context, ref string) (*bench.Run, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return store.GetRun(ctx, ref, m, "mem get run")
}

func (m *memStore) Results(_ context.Context, runID string, _ store.ResultFilter) iter.Seq2[bench.Result, error] {
	m.mu.Lock()
	rs := slices.Clone(m.results)
	m.mu.Unlock()
	return func(yield func(bench.Result, error) bool) {
		for _, r := range rs {
			if r.RunID == runID && !yield(r, nil) {
				return
			}
		}
	}
}

func (m *memStore) Totals(_ context.Context, ids ...string) (map[string]bench.Totals, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bench.Totals{}
	for _, r := range m.results {
		if !slices.Contains(ids, r.RunID) {
			continue
		}
		t := out[r.RunID]
		t.Results++
		if r.Status == bench.StatusSuccess {
			t.Succeeded++
		} else {
			t.Errored++
		}
		if r.Passed {
			t.Passed++
		} else {
			t.Failed++
		}
		out[r.RunID] = t
	}
	return out, nil
}

func (m *memStore) owner(runID string) string {
	for _, r := range m.runs {
		if r.ID == runID {
			return r.UserID
		}
	}
	return ""
}

// page cuts items (newest first) at the cursor, an index.
func page[T any](items []T, after string, limit int) ([]T, string, error) {
	start := 0
	if after != "" {
		n, err := strconv.Atoi(after)
		if err != nil || n < 0 || n > len(items) {
			return nil, "", store.ErrBadCursor
		}
		start = n
	}
	if limit == 0 {
		limit = 50
	}
	end := min(start+limit, len(items))
	next := ""
	if end < len(items) {
		next = strconv.Itoa(end)
	}
	return items[start:end], next, nil
}

func (m *memStore) QueryResults(_ context.Context, q store.ResultQuery) ([]bench.Result, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bench.Result
	for i := len(m.results) - 1; i >= 0; i-- {
		r := m.results[i]
		if (q.RunID != "" && r.RunID != q.RunID) || (q.UserID != "" && m.owner(r.RunID) != q.UserID) ||
			(q.Provider != "" && r.Provider != q.Provider) || (q.Model != "" && r.Model != q.Model) ||
			(q.CaseID != "" && r.CaseID != q.CaseID) || (q.Status != "" && r.Status != q.Status) ||
			(q.Passed != nil && r.Passed != *q.Passed) || (q.Tag != "" && !slices.Contains(r.Tags, q.Tag)) ||
			(q.MinScore != nil && r.Score < *q.MinScore) || (q.MaxScore != nil && r.Score > *q.MaxScore) ||
			(q.Text != "" && !strings.Contains(r.Prompt+" "+r.Response, q.Text)) ||
			(q.TraceID != "" && r.TraceID != q.TraceID) {
			continue
		}
		out = append(out, r)
	}
	return page(out, q.After, q.Limit)
}

func (m *memStore) GetResult(_ context.Context, id string) (*bench.Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.results {
		if r.ID == id {
			return &r, nil
		}
	}
	return nil, store.ErrNotFound
}

func (m *memStore) PageRuns(_ context.Context, q store.RunQuery) ([]bench.Run, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bench.Run
	for i := len(m.runs) - 1; i >= 0; i-- {
		r := m.runs[i]
		if (q.UserID != "" && r.UserID != q.UserID) || (q.Status != "" && r.Status != q.Status) ||
			(q.Name != "" && !strings.Contains(strings.ToLower(r.Name), strings.ToLower(q.Name))) {
			continue
		}
		out = append(out, r)
	}
	return page(out, q.After, q.Limit)
}

// fakeManager "runs" a benchmark at once: it stores the run and one
// result per provider, then marks it completed.
type fakeManager struct {
	st                *memStore
	mu                sync.Mutex
	running, queue    int
	submitted         []api.SubmitRequest
	started, shutdown bool
	// parent and bag are the span context and baggage the last Submit's
	// context carried (the request's server span when tracing is on).
	parent trace.SpanContext
	bag    baggage.Baggage
}

func (f *fakeManager) Start(context.Context) error { f.started = true; return nil }

func (f *fakeManager) Shutdown(context.Context) error { f.shutdown = true; return nil }

func (f *fakeManager) Submit(ctx context.Context, owner string, req api.SubmitRequest) (*bench.Run, error) {
	f.mu.Lock()
	f.submitted = append(f.submitted, req)
	f.parent, f.bag = trace.SpanContextFromContext(ctx), baggage.FromContext(ctx)
	f.mu.Unlock()
	if slices.Contains(req.Providers, "nope:x") {
		d := problem.New(http.StatusBadRequest, "unknown provider nope")
		d.Field = "providers[0]"
		return nil, d
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	run := bench.Run{ID: uuid.Must(uuid.NewV7()).String(), Name: req.Name, UserID: owner, Status: bench.RunCompleted,
		Config: map[string]any{"bench": map[string]any{"providers": req.Providers}}, Tags: req.Tags,
		Total: len(req.Providers), CreatedAt: now, UpdatedAt: now}
	f.st.addRun(run)
	f.st.mu.Lock()
	for i, p := range req.Providers {
		f.st.results = append(f.st.results, bench.Result{
			ID: uuid.Must(uuid.NewV7()).String(), RunID: run.ID, CaseID: fmt.Sprintf("case-%d", i), PromptID: "p",
			Provider: p, Model: strings.TrimPrefix(p, "simulator:"), Status: bench.StatusSuccess,
			Prompt: "What is two plus two?", Response: fmt.Sprintf("answer %d from %s", 4+i, p),
			Score: float64(i%2) * 1, Passed: i%2 == 1, Tags: []string{"math"}, CreatedAt: now,
		})
		// As a traced run's results carry its trace (the request's).
		tracing.Stamp(ctx, &f.st.results[len(f.st.results)-1])
	}
	f.st.mu.Unlock()
	run.Seq = int64(len(f.st.runs))
	return &run, nil
}

func (f *fakeManager) Cancel(_ context.Context, id string) (*bench.Run, error) {
	f.st.mu.Lock()
	defer f.st.mu.Unlock()
	for i := range f.st.runs {
		if f.st.runs[i].ID == id {
			if f.st.runs[i].Status == bench.RunCompleted {
				return nil, problem.New(http.StatusConflict, "benchmark already finished")
			}
			f.st.runs[i].Status = bench.RunCancelled
			r := f.st.runs[i]
			return &r, nil
		}
	}
	return nil, problem.New(http.StatusNotFound, "no benchmark "+id)
}

func (f *fakeManager) Progress(string) (live.Progress, bool) { return live.Progress{}, false }

func (f *fakeManager) Limits() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.running, f.queue
}

func (f *fakeManager) SetLimits(running, queue int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.running, f.queue = running, queue
	return nil
}

// tokenAuth maps bearer tokens to principals, as auth.Service's
// middleware does with real credentials.
type tokenAuth struct{ principals map[string]*auth.Principal }

func (a *tokenAuth) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		p := a.principals[tok]
		if !ok || p == nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			problem.Error(w, http.StatusUnauthorized, "authentication required")
			return
		}
		next.ServeHTTP(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
	})
}

func (a *tokenAuth) Routes() http.Handler {
	r := chi.NewRouter()
	r.Post("/login", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expires_in": 900})
	})
	return r
}

// rolePerms are the default roles (API.md's), as the server runs them.
var rolePerms = func() map[string]auth.Permissions {
	m := map[string]auth.Permissions{}
	for _, r := range config.DefaultRoles() {
		m[r.Name] = r.Permissions
	}
	return m
}()

func principal(user, role string) *auth.Principal {
	return &auth.Principal{UserID: user, Username: user, Role: role, Perms: rolePerms[role]}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

var errTest = errorString("database at 10.0.0.7:5432 refused the connection")

type errorString string

func (e errorString) Error() string { return string(e) }
