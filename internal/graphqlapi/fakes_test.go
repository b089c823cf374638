package graphqlapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// roles are the default roles (API.md's), as the server runs them.
var roles = func() map[string]auth.Permissions {
	m := map[string]auth.Permissions{}
	for _, r := range config.DefaultRoles() {
		m[r.Name] = r.Permissions
	}
	return m
}()

func principal(user, role string) *auth.Principal {
	return &auth.Principal{UserID: user, Username: user, Role: role, Perms: roles[role]}
}

// fakeService keeps benchmarks in memory and checks ownership as the real
// service does (another user's benchmark is 404).
type fakeService struct {
	mu         sync.Mutex
	benchmarks map[string]*api.Benchmark
	settings   api.Settings
	gets       int
	lists      int
}

func (f *fakeService) listed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.lists
}

func newFakeService() *fakeService {
	return &fakeService{benchmarks: map[string]*api.Benchmark{}, settings: api.Settings{MaxRunning: 2, QueueSize: 10}}
}

func (f *fakeService) add(b api.Benchmark) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.benchmarks[b.ID] = &b
}

func (f *fakeService) setStatus(id, status string, done int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.benchmarks[id].Status, f.benchmarks[id].Progress.Done = status, done
}

func notFound() error { return problem.New(http.StatusNotFound, "no such benchmark") }

func (f *fakeService) visible(ctx context.Context, id string) (*api.Benchmark, error) {
	p := auth.FromContext(ctx)
	b, ok := f.benchmarks[id]
	if !ok || !p.Owns(b.Owner) {
		return nil, notFound()
	}
	return b, nil
}

func (f *fakeService) CreateBenchmark(ctx context.Context, req api.CreateBenchmark) (*api.Benchmark, error) {
	if len(req.Providers) == 0 {
		d := problem.New(http.StatusBadRequest, "providers: at least one is needed")
		d.Field = "providers"
		return nil, d
	}
	b := api.Benchmark{ID: "b-new", Name: req.Name, Status: "queued", Owner: auth.FromContext(ctx).UserID, Providers: req.Providers, Tags: req.Tags}
	f.add(b)
	return &b, nil
}

func (f *fakeService) GetBenchmark(ctx context.Context, id string) (*api.Benchmark, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	b, err := f.visible(ctx, id)
	if err != nil {
		return nil, err
	}
	c := *b
	return &c, nil
}

func (f *fakeService) ListBenchmarks(ctx context.Context, flt api.BenchmarkFilter) (*api.Page[api.Benchmark], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists++
	var items []api.Benchmark
	for _, b := range f.benchmarks {
		if auth.FromContext(ctx).Owns(b.Owner) && (flt.Status == "" || flt.Status == b.Status) {
			items = append(items, *b)
		}
	}
	return &api.Page[api.Benchmark]{Items: items}, nil
}

func (f *fakeService) CancelBenchmark(ctx context.Context, id string) (*api.Benchmark, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, err := f.visible(ctx, id)
	if err != nil {
		return nil, err
	}
	b.Status = "cancelled"
	c := *b
	return &c, nil
}

func (f *fakeService) QueryResults(ctx context.Context, q store.ResultQuery) (*api.Page[bench.Result], error) {
	return &api.Page[bench.Result]{Items: []bench.Result{{ID: "r1", RunID: "b1", Status: bench.StatusSuccess,
		Scores: map[string]bench.Score{
			"contains":   {Score: 1, Pass: true},
			"llm-rubric": {Score: 0.5, Judge: &bench.JudgeInfo{Provider: "openai:gpt-4o-mini", Prompt: "llm-rubric/v1", Calls: 1, CostUSD: 0.25}},
			"g-eval":     bench.Unscored("no score", "eight"),
		}}}}, nil
}
func (f *fakeService) GetResult(context.Context, string) (*bench.Result, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) ExportResults(context.Context, string, string, io.Writer) error {
	return errors.New("not used")
}
func (f *fakeService) Providers(context.Context) ([]api.ProviderInfo, error) {
	return []api.ProviderInfo{{Name: "openai", Configured: true}}, nil
}
func (f *fakeService) Provider(_ context.Context, name string) (*api.ProviderInfo, error) {
	return &api.ProviderInfo{Name: name}, nil
}
func (f *fakeService) ProviderModels(context.Context, string) ([]string, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) ProviderHealth(context.Context, string) (*api.Health, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) Evaluate(context.Context, api.EvaluateRequest) (*api.EvaluateResult, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) Compare(context.Context, api.CompareRequest) (*api.Benchmark, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) Settings(context.Context) (*api.Settings, error) { return &f.settings, nil }
func (f *fakeService) Distributed(context.Context) (*api.Distributed, error) {
	return nil, errors.New("not used")
}
func (f *fakeService) UpdateSettings(_ context.Context, in api.SettingsInput) (*api.Settings, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in.MaxRunning != nil {
		f.settings.MaxRunning = *in.MaxRunning
	}
	if in.QueueSize != nil {
		f.settings.QueueSize = *in.QueueSize
	}
	s := f.settings
	return &s, nil
}

// fakeFeed is a minimal hub: patterns are exact topics or "prefix.*".
type fakeFeed struct {
	mu   sync.Mutex
	subs map[*fakeSub]bool
	made map[string]int // subscriptions ever made, by pattern
}

type fakeSub struct {
	patterns []string
	filter   func(live.Message) bool
	ch       chan live.Message
}

func newFakeFeed() *fakeFeed { return &fakeFeed{subs: map[*fakeSub]bool{}, made: map[string]int{}} }

func (f *fakeFeed) Subscribe(patterns []string, buffer int, filter func(live.Message) bool) (<-chan live.Message, func(), error) {
	s := &fakeSub{patterns: patterns, filter: filter, ch: make(chan live.Message, buffer)}
	f.mu.Lock()
	f.subs[s] = true
	for _, p := range patterns {
		f.made[p]++
	}
	f.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			f.mu.Lock()
			delete(f.subs, s)
			close(s.ch)
			f.mu.Unlock()
		})
	}, nil
}

// count is how many subscriptions read topic.
func (f *fakeFeed) count(topic string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for s := range f.subs {
		if s.matches(topic) {
			n++
		}
	}
	return n
}

func (s *fakeSub) matches(topic string) bool {
	for _, p := range s.patterns {
		if p == topic || (strings.HasSuffix(p, ".*") && strings.HasPrefix(topic, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

func (f *fakeFeed) Publish(m live.Message) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		if s.matches(m.Topic) && s.filter(m) {
			select {
			case s.ch <- m:
			default:
			}
		}
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fakeAuth knows a fixed set of tokens; revalidation fails once revoked.
type fakeAuth struct {
	mu      sync.Mutex
	tokens  map[string]*auth.Principal
	revoked map[string]error
}

// expiredError says it is an expiry, as auth's errors do.
type expiredError struct{}

func (expiredError) Error() string { return "token expired" }
func (expiredError) Expired() bool { return true }

var errExpired error = expiredError{}

func (a *fakeAuth) AuthenticateToken(_ context.Context, token string) (*auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if token == "expired" {
		return nil, errExpired
	}
	p, ok := a.tokens[token]
	if !ok {
		return nil, errors.New("bad token")
	}
	return p, nil
}

func (a *fakeAuth) Revalidate(_ context.Context, p *auth.Principal) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.revoked[p.UserID]
}

func (a *fakeAuth) revoke(user string, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.revoked[user] = err
}

type env struct {
	h    *Handler
	svc  *fakeService
	feed *fakeFeed
	auth *fakeAuth
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	e := &env{svc: newFakeService(), feed: newFakeFeed(), auth: &fakeAuth{
		tokens: map[string]*auth.Principal{
			"tok-alice": principal("alice", "user"), "tok-bob": principal("bob", "user"),
			"tok-admin": principal("root", "admin"), "tok-viewer": principal("vic", "viewer"),
		},
		revoked: map[string]error{},
	}}
	e.svc.add(api.Benchmark{ID: "b1", Name: "alice's", Status: "running", Owner: "alice", Progress: api.Progress{Total: 3}})
	e.svc.add(api.Benchmark{ID: "b2", Name: "bob's", Status: "running", Owner: "bob", Progress: api.Progress{Total: 3}})
	h, err := New(e.svc, e.feed, e.auth, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	e.h = h
	return e
}

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// post sends one GraphQL request as p (nil: anonymous).
func (e *env) post(t *testing.T, p *auth.Principal, query string, vars map[string]any) (int, gqlResponse) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return e.postRaw(t, p, body)
}

func (e *env) postRaw(t *testing.T, p *auth.Principal, body []byte) (int, gqlResponse) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if p != nil {
		req = req.WithContext(auth.WithPrincipal(req.Context(), p))
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	var r gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %.200s", rec.Code, err, rec.Body.String())
	}
	return rec.Code, r
}

func httptestDo(e *env, method string) int {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, httptest.NewRequest(method, "/graphql", nil))
	return rec.Code
}
