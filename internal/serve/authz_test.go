package serve_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/graphqlapi"
	"github.com/llm-test-bench/llm-test-bench/internal/server"
)

// owned are objects a user owns, stored directly (a viewer cannot create
// any through the API, yet may own results).
type owned struct {
	run, result       string // a completed run with one result
	queued, queuedGQL string // queued runs nobody executes, to cancel
}

func seed(t *testing.T, s *testServer, userID string) owned {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	newRun := func(status bench.RunStatus) string {
		r := &bench.Run{ID: uuid.Must(uuid.NewV7()).String(), Name: "seeded", UserID: userID, Status: status,
			Total: 1, Tags: map[string]string{}, CreatedAt: now, UpdatedAt: now}
		if err := s.st.CreateRun(ctx, r); err != nil {
			t.Fatalf("seed run: %v", err)
		}
		return r.ID
	}
	o := owned{run: newRun(bench.RunCompleted), queued: newRun(bench.RunQueued), queuedGQL: newRun(bench.RunQueued)}
	o.result = uuid.Must(uuid.NewV7()).String()
	res := bench.Result{ID: o.result, RunID: o.run, CaseID: "c1", PromptID: "p1", Provider: "simulator:echo", Model: "echo",
		Status: bench.StatusSuccess, Prompt: "seeded prompt", Response: "seeded answer", Passed: true, Score: 1, CreatedAt: now}
	if err := s.st.WriteResults(ctx, []bench.Result{res}); err != nil {
		t.Fatalf("seed result: %v", err)
	}
	return o
}

// restSample is the request a route is tried with: a path with its
// parameters filled from the caller's own objects, and a body.
type restSample func(o owned) (path string, body any)

// restSamples hold one sample per route of server.Routes(); a route
// without one fails TestEveryRouteAndRole, so a new route cannot miss it.
var restSamples = map[string]restSample{
	"POST /benchmarks": func(owned) (string, any) {
		return "/benchmarks", map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{"simulator:echo"}}
	},
	"GET /benchmarks":              func(owned) (string, any) { return "/benchmarks", nil },
	"GET /benchmarks/{id}":         func(o owned) (string, any) { return "/benchmarks/" + o.run, nil },
	"POST /benchmarks/{id}/cancel": func(o owned) (string, any) { return "/benchmarks/" + o.queued + "/cancel", nil },
	"GET /results":                 func(o owned) (string, any) { return "/results?benchmark_id=" + o.run, nil },
	"GET /results/{id}":            func(o owned) (string, any) { return "/results/" + o.result, nil },
	"POST /results/export": func(o owned) (string, any) {
		return "/results/export", map[string]string{"benchmark_id": o.run, "format": "jsonl"}
	},
	"GET /providers":                func(owned) (string, any) { return "/providers", nil },
	"GET /providers/{name}":         func(owned) (string, any) { return "/providers/simulator", nil },
	"GET /providers/{name}/models":  func(owned) (string, any) { return "/providers/simulator/models", nil },
	"POST /providers/{name}/health": func(owned) (string, any) { return "/providers/simulator/health", nil },
	"POST /evaluate": func(owned) (string, any) {
		return "/evaluate", map[string]any{"response": "42", "assertions": []map[string]any{{"type": "contains", "value": "42"}}}
	},
	"POST /compare": func(owned) (string, any) {
		return "/compare", map[string]any{"providers": []string{"simulator:echo", "simulator:sim-large"}, "prompt": "hi"}
	},
	"GET /settings":               func(owned) (string, any) { return "/settings", nil },
	"PATCH /settings":             func(owned) (string, any) { return "/settings", map[string]int{"max_running": 4} },
	"GET /metrics":                func(owned) (string, any) { return "/metrics", nil },
	"GET /alerts":                 func(owned) (string, any) { return "/alerts?state=firing", nil },
	"GET /distributed":            func(owned) (string, any) { return "/distributed", nil },
	"POST /plugins":               func(owned) (string, any) { return "/plugins", pluginUpload("sample") },
	"GET /plugins":                func(owned) (string, any) { return "/plugins", nil },
	"GET /plugins/{name}":         func(owned) (string, any) { return "/plugins/sample", nil },
	"POST /plugins/{name}/reload": func(owned) (string, any) { return "/plugins/sample/reload", nil },
	"DELETE /plugins/{name}":      func(owned) (string, any) { return "/plugins/sample", nil },
	"GET /health":                 func(owned) (string, any) { return "/health", nil },
	"GET /health/live":            func(owned) (string, any) { return "/health/live", nil },
	"GET /health/ready":           func(owned) (string, any) { return "/health/ready", nil },
	"GET /openapi.json":           func(owned) (string, any) { return "/openapi.json", nil },
}

// gqlSamples hold one operation per root field of graphqlapi.Permissions
// (queries and mutations over POST, subscriptions over WebSocket).
var gqlSamples = map[string]func(o owned) string{
	"Query.benchmark":  func(o owned) string { return `{ benchmark(id: "` + o.run + `") { id } }` },
	"Query.benchmarks": func(owned) string { return `{ benchmarks { items { id } } }` },
	"Query.results":    func(o owned) string { return `{ results(filters: {benchmarkId: "` + o.run + `"}) { items { id } } }` },
	"Query.provider":   func(owned) string { return `{ provider(name: "simulator") { name } }` },
	"Query.providers":  func(owned) string { return `{ providers { name } }` },
	"Query.metrics":    func(owned) string { return `{ metrics { name } }` },
	"Mutation.createBenchmark": func(owned) string {
		return `mutation { createBenchmark(input: {datasets: ["builtin:reasoning"], providers: ["simulator:echo"]}) { id } }`
	},
	"Mutation.cancelBenchmark":       func(o owned) string { return `mutation { cancelBenchmark(id: "` + o.queuedGQL + `") { id status } }` },
	"Mutation.updateSettings":        func(owned) string { return `mutation { updateSettings(input: {maxRunning: 4}) { maxRunning } }` },
	"Subscription.benchmarkProgress": func(o owned) string { return `subscription { benchmarkProgress(id: "` + o.run + `") { status } }` },
	"Subscription.metricsStream":     func(owned) string { return `subscription { metricsStream { topic } }` },
	"Subscription.alertsStream":      func(owned) string { return `subscription { alertsStream { topic } }` },
}

// authRoutes are the /auth routes that need a permission (login and
// refresh need none; logout any principal).
var authRoutes = []struct {
	method, path, perm string
	status             int
}{
	{"POST", "/auth/apikey", "apikey.manage", http.StatusCreated},
	{"GET", "/auth/apikey", "apikey.manage", http.StatusOK},
}

// TestEveryRouteAndRole is SECURITY_TESTS 18 on the assembled server:
// every REST route, /auth route and GraphQL root field, as each role,
// answers 2xx when the role table grants the permission and 403 when it
// does not.
func TestEveryRouteAndRole(t *testing.T) {
	t.Parallel()
	for _, rt := range server.Routes() {
		if restSamples[rt.Method+" "+rt.Pattern] == nil {
			t.Errorf("route %s %s has no sample request here", rt.Method, rt.Pattern)
		}
	}
	for name := range graphqlapi.Permissions {
		if gqlSamples[name] == nil {
			t.Errorf("GraphQL field %s has no sample operation here", name)
		}
	}
	eachStore(t, func(t *testing.T, k storeKind) {
		// GET /distributed answers the URL it is given; no NATS is needed.
		s := startServer(t, k, serverOptions{natsURL: "nats://127.0.0.1:4222"})
		roles, err := auth.NewRoles(s.cfg.Security)
		if err != nil {
			t.Fatal(err)
		}
		if len(roles.Names()) < 3 {
			t.Fatalf("roles in force %v, want admin, user and viewer at least", roles.Names())
		}
		for _, role := range roles.Names() {
			c := s.user("u-"+role, role)
			o := seed(t, s, c.id)
			want := func(perm string, ok int) int {
				if perm == server.Public || roles.Allows(role, perm) {
					return ok
				}
				return http.StatusForbidden
			}
			for _, rt := range server.Routes() {
				sample := restSamples[rt.Method+" "+rt.Pattern]
				if sample == nil {
					continue
				}
				path, body := sample(o)
				if rt.Root {
					path = rt.Pattern
				} else {
					path = server.Prefix + path
				}
				if a := c.do(rt.Method, path, body); a.status != want(rt.Perm, rt.Status) {
					t.Errorf("%s %s %s: %d %.200s, want %d", role, rt.Method, rt.Pattern, a.status, a.body, want(rt.Perm, rt.Status))
				}
			}
			for _, ar := range authRoutes {
				var body any
				if ar.method == "POST" {
					body = map[string]string{"name": "k"}
				}
				if a := c.do(ar.method, server.Prefix+ar.path, body); a.status != want(ar.perm, ar.status) {
					t.Errorf("%s %s %s: %d %.200s, want %d", role, ar.method, ar.path, a.status, a.body, want(ar.perm, ar.status))
				}
			}
			checkGraphQLRole(t, s, c, o, func(perm string) bool { return roles.Allows(role, perm) })
		}
	})
}

// gqlCode is the extensions.code of the first error ("" for none).
func gqlCode(errs json.RawMessage) string {
	var es []struct {
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	}
	if json.Unmarshal(errs, &es) != nil || len(es) == 0 {
		return ""
	}
	return es[0].Extensions.Code
}

// checkGraphQLRole tries every root field as c: allowed ones answer
// without errors, the others FORBIDDEN.
func checkGraphQLRole(t *testing.T, s *testServer, c *session, o owned, allows func(string) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ws *gqlClient
	for name, perm := range graphqlapi.Permissions {
		sample := gqlSamples[name]
		if sample == nil {
			continue
		}
		q := sample(o)
		if !strings.HasPrefix(name, "Subscription.") {
			_, errs := s.graphql(c.bearer, q, nil)
			switch code := gqlCode(errs); {
			case allows(perm) && errs != nil:
				t.Errorf("%s %s: %s, want an answer", c.name, name, errs)
			case !allows(perm) && code != "FORBIDDEN":
				t.Errorf("%s %s: errors %s, want FORBIDDEN", c.name, name, errs)
			}
			continue
		}
		if ws == nil {
			ws = dialGraphQL(ctx, t, s.url, c.bearer)
		}
		// A refusal comes before the next subscription is read, so the
		// progress of a finished benchmark (one message, then complete)
		// marks the point by which a refusal of the first would be here.
		ws.send(map[string]any{"id": name, "type": "subscribe", "payload": map[string]any{"query": q}})
		ws.send(map[string]any{"id": "marker", "type": "subscribe", "payload": map[string]any{"query": gqlSamples["Subscription.benchmarkProgress"](o)}})
		var refused string
		markerDone := !allows(graphqlapi.Permissions["Subscription.benchmarkProgress"])
		for got := false; !got || !markerDone; {
			m := ws.next()
			switch {
			case m.ID == name && (m.Type == "error" || m.Type == "next" && strings.Contains(string(m.Payload), `"errors"`)):
				refused, got = string(m.Payload), true
			case m.ID == name && (m.Type == "next" || m.Type == "complete"):
				got = true
			case m.ID == "marker" && (m.Type == "complete" || m.Type == "error"):
				markerDone = true
				if allows(perm) {
					got = true
				}
			}
		}
		switch {
		case allows(perm) && refused != "":
			t.Errorf("%s %s: refused %s", c.name, name, refused)
		case !allows(perm) && !strings.Contains(refused, "FORBIDDEN"):
			t.Errorf("%s %s: %q, want FORBIDDEN", c.name, name, refused)
		}
		if allows(perm) {
			ws.send(map[string]any{"id": name, "type": "complete"})
		}
	}
}

// TestOtherUsersObjectsAreNotFound is SECURITY_TESTS 19 on the assembled
// server: alice reading, cancelling or exporting bob's benchmark and
// results by id is 404 over REST, NOT_FOUND over GraphQL and on a
// benchmarkProgress subscription; bob's objects stay as they were.
func TestOtherUsersObjectsAreNotFound(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, k storeKind) {
		s := startServer(t, k, serverOptions{})
		alice, bob := s.user("alice", "user"), s.user("bob", "user")
		ob := seed(t, s, bob.id)
		seed(t, s, alice.id)
		p := server.Prefix
		for _, tc := range []struct {
			method, path string
			body         any
		}{
			{"GET", p + "/benchmarks/" + ob.run, nil},
			{"GET", p + "/benchmarks/" + ob.run[:12], nil},
			{"POST", p + "/benchmarks/" + ob.queued + "/cancel", nil},
			{"GET", p + "/results/" + ob.result, nil},
			{"GET", p + "/results?benchmark_id=" + ob.run, nil},
			{"POST", p + "/results/export", map[string]string{"benchmark_id": ob.run, "format": "csv"}},
			{"POST", p + "/results/export", map[string]string{"benchmark_id": ob.run, "format": "json"}},
		} {
			if a := alice.do(tc.method, tc.path, tc.body); a.status != http.StatusNotFound {
				t.Errorf("alice %s %s: %d %.200s, want 404", tc.method, tc.path, a.status, a.body)
			}
		}
		// Lists never show bob's objects.
		for _, r := range alice.results("") {
			if r.RunID == ob.run {
				t.Errorf("alice's results list shows bob's result %s", r.ID)
			}
		}
		if a := alice.do("GET", p+"/benchmarks?limit=100", nil); strings.Contains(string(a.body), ob.run) {
			t.Errorf("alice's benchmark list shows bob's benchmark")
		}

		for _, q := range []string{
			`{ benchmark(id: "` + ob.run + `") { id } }`,
			`{ results(filters: {benchmarkId: "` + ob.run + `"}) { items { id } } }`,
			`mutation { cancelBenchmark(id: "` + ob.queuedGQL + `") { id } }`,
		} {
			if _, errs := s.graphql(alice.bearer, q, nil); gqlCode(errs) != "NOT_FOUND" {
				t.Errorf("alice %s: errors %s, want NOT_FOUND", q, errs)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		ws := dialGraphQL(ctx, t, s.url, alice.bearer)
		if ps, refused := ws.progressSub("x", ob.run); len(ps) != 0 || !strings.Contains(refused, "NOT_FOUND") {
			t.Errorf("alice subscribing to bob's progress: %+v %q, want NOT_FOUND", ps, refused)
		}

		// Bob's benchmarks were not touched, and bob still sees them.
		for _, id := range []string{ob.queued, ob.queuedGQL} {
			if b := bob.get(id); b.Status != "queued" {
				t.Errorf("bob's queued benchmark is %s after alice's attempts", b.Status)
			}
		}
		bob.do("GET", p+"/results/"+ob.result, nil).want(t, http.StatusOK)
	})
}
