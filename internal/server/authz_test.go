package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
)

// sample is a request that a caller allowed on the route answers 2xx.
type sample struct {
	path string
	body any
}

// samples gives each route of the table its request; ids are filled per
// role. A route without one fails TestEveryRouteEveryRole.
func samples(run, queued, result string) map[string]sample {
	return map[string]sample{
		"POST /api/v1/benchmarks":              {"/api/v1/benchmarks", map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{"simulator:a"}}},
		"GET /api/v1/benchmarks":               {"/api/v1/benchmarks", nil},
		"GET /api/v1/benchmarks/{id}":          {"/api/v1/benchmarks/" + run, nil},
		"POST /api/v1/benchmarks/{id}/cancel":  {"/api/v1/benchmarks/" + queued + "/cancel", nil},
		"GET /api/v1/results":                  {"/api/v1/results", nil},
		"GET /api/v1/results/{id}":             {"/api/v1/results/" + result, nil},
		"POST /api/v1/results/export":          {"/api/v1/results/export", map[string]string{"benchmark_id": run, "format": "jsonl"}},
		"GET /api/v1/providers":                {"/api/v1/providers", nil},
		"GET /api/v1/providers/{name}":         {"/api/v1/providers/simulator", nil},
		"GET /api/v1/providers/{name}/models":  {"/api/v1/providers/simulator/models", nil},
		"POST /api/v1/providers/{name}/health": {"/api/v1/providers/simulator/health", nil},
		"POST /api/v1/evaluate":                {"/api/v1/evaluate", map[string]any{"response": "x", "assertions": []map[string]any{{"type": "contains", "value": "x"}}}},
		"POST /api/v1/compare":                 {"/api/v1/compare", map[string]any{"providers": []string{"simulator:a", "simulator:b"}, "prompt": "hi"}},
		"GET /api/v1/settings":                 {"/api/v1/settings", nil},
		"PATCH /api/v1/settings":               {"/api/v1/settings", map[string]int{"queue_size": 5}},
		"GET /api/v1/distributed":              {"/api/v1/distributed", nil},
		"GET /api/v1/metrics":                  {"/api/v1/metrics", nil},
		"GET /api/v1/alerts":                   {"/api/v1/alerts?state=firing", nil},
		"POST /api/v1/plugins":                 {"/api/v1/plugins", pluginUpload(nil, "sample")},
		"GET /api/v1/plugins":                  {"/api/v1/plugins", nil},
		"GET /api/v1/plugins/{name}":           {"/api/v1/plugins/sample", nil},
		"POST /api/v1/plugins/{name}/reload":   {"/api/v1/plugins/sample/reload", nil},
		"DELETE /api/v1/plugins/{name}":        {"/api/v1/plugins/sample", nil},
		"GET /api/v1/health":                   {"/api/v1/health", nil},
		"GET /api/v1/health/live":              {"/api/v1/health/live", nil},
		"GET /api/v1/health/ready":             {"/api/v1/health/ready", nil},
		"GET /api/v1/openapi.json":             {"/api/v1/openapi.json", nil},
		"GET /openapi.json":                    {"/openapi.json", nil},
	}
}

// TestEveryRouteEveryRole is SECURITY_TESTS 18 for REST: every route of
// the table, for every role, answers 2xx when the role holds the route's
// permission and 403 when it does not; without credentials, 401.
func TestEveryRouteEveryRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for role, perms := range rolePerms {
		user := "u-" + role
		token := map[string]string{"admin": "admin", "user": "alice", "viewer": "viewer"}[role]
		if role == "user" {
			user = "u-alice"
		}
		run, rs := e.seedRun(user, bench.RunCompleted, 1)
		queued, _ := e.seedRun(user, bench.RunQueued, 0)
		ss := samples(run.ID, queued.ID, rs[0].ID)
		for _, rt := range table {
			key := rt.Method + " " + rt.Path()
			s, ok := ss[key]
			if !ok {
				t.Fatalf("route %s has no sample request in this test", key)
			}
			a := e.do(token, rt.Method, s.path, s.body)
			allowed := rt.Perm == Public || perms.Allows(rt.Perm)
			switch {
			case allowed && (a.status < 200 || a.status > 299):
				t.Errorf("%s as %s (holds %s): %d %s", key, role, rt.Perm, a.status, a.body)
			case !allowed && a.status != http.StatusForbidden:
				t.Errorf("%s as %s (lacks %s): %d, want 403", key, role, rt.Perm, a.status)
			}
			if rt.Perm != Public {
				if a := e.do("", rt.Method, s.path, s.body); a.status != http.StatusUnauthorized || a.header.Get("WWW-Authenticate") != "Bearer" {
					t.Errorf("%s without credentials: %d", key, a.status)
				}
			}
		}
	}
}

// TestRoutesAllInTable walks the router: every route it serves is in the
// permission table or under a mount, so a route added beside the table
// fails here.
func TestRoutesAllInTable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	known := map[string]bool{}
	for _, rt := range table {
		known[rt.Method+" "+rt.Path()] = true
	}
	walked := 0
	err := chi.Walk(e.srv.Handler().(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked++
		route = strings.TrimSuffix(route, "/")
		for _, m := range Mounts {
			if route == m || strings.HasPrefix(route, m+"/") {
				return nil
			}
		}
		if !known[method+" "+route] {
			t.Errorf("router serves %s %s, which the permission table lacks", method, route)
		}
		return nil
	})
	if err != nil || walked < len(table) {
		t.Fatalf("walk: %v (%d routes)", err, walked)
	}
}

// TestDocumentMatchesTable: the OpenAPI document has exactly the table's
// operations (plus /auth's), so neither can drift from the other.
func TestDocumentMatchesTable(t *testing.T) {
	t.Parallel()
	doc := loadSpec(t)
	inDoc := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inDoc[method+" "+path] = true
		}
	}
	for _, rt := range table {
		if rt.Root {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		if !inDoc[key] {
			t.Errorf("the document lacks %s", key)
		}
		delete(inDoc, key)
	}
	for key := range inDoc {
		if !strings.Contains(key, " /auth/") {
			t.Errorf("the document has %s, which the server does not route", key)
		}
	}
}

// TestOwnership is SECURITY_TESTS 19 for REST: Bob reaching Alice's
// benchmark or results by id gets 404, as for an id that does not exist.
func TestOwnership(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	run, rs := e.seedRun("u-alice", bench.RunQueued, 2)
	for _, tc := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/benchmarks/" + run.ID, nil},
		{"GET", "/api/v1/benchmarks/" + run.ID[:10], nil},
		{"GET", "/api/v1/benchmarks/%23" + "1", nil},
		{"POST", "/api/v1/benchmarks/" + run.ID + "/cancel", nil},
		{"GET", "/api/v1/results/" + rs[0].ID, nil},
		{"GET", "/api/v1/results?benchmark_id=" + run.ID, nil},
		{"POST", "/api/v1/results/export", map[string]string{"benchmark_id": run.ID, "format": "csv"}},
	} {
		a := e.do("bob", tc.method, tc.path, tc.body)
		if a.status != http.StatusNotFound {
			t.Errorf("bob %s %s: %d, want 404", tc.method, tc.path, a.status)
		}
		if a := e.do("admin", tc.method, tc.path, tc.body); a.status/100 != 2 {
			t.Errorf("admin %s %s: %d, want 2xx", tc.method, tc.path, a.status)
		}
	}
	// Bob's lists do not show Alice's objects.
	var bp api.Page[api.Benchmark]
	e.do("bob", "GET", "/api/v1/benchmarks", nil).decode(t, &bp)
	var rp api.Page[bench.Result]
	e.do("bob", "GET", "/api/v1/results", nil).decode(t, &rp)
	if len(bp.Items) != 0 || len(rp.Items) != 0 {
		t.Fatalf("bob sees %d benchmarks and %d results of alice", len(bp.Items), len(rp.Items))
	}
	if r := e.st.runs[0]; r.Status != bench.RunCancelled {
		// admin's cancel above went through; bob's did not come first.
		t.Fatalf("status %s", r.Status)
	}
}

// TestMassAssignment is SECURITY_TESTS 20: members a client may not set
// are refused with 400 and nothing is applied.
func TestMassAssignment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, extra := range []map[string]any{{"owner_id": "u-admin"}, {"status": "completed"}, {"user_id": "u-admin"}, {"id": "x"}} {
		body := map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{"simulator:a"}}
		for k, v := range extra {
			body[k] = v
		}
		if a := e.do("alice", "POST", "/api/v1/benchmarks", body); a.status != 400 {
			t.Errorf("create with %v: %d", extra, a.status)
		}
	}
	if len(e.mgr.submitted) != 0 {
		t.Fatalf("%d benchmarks submitted", len(e.mgr.submitted))
	}
	for _, extra := range []map[string]any{{"role": "admin"}, {"max_running": 3, "permissions": []string{"*"}}} {
		if a := e.do("admin", "PATCH", "/api/v1/settings", extra); a.status != 400 {
			t.Errorf("settings with %v: %d", extra, a.status)
		}
	}
	if r, _ := e.mgr.Limits(); r != 2 {
		t.Fatalf("max_running changed to %d", r)
	}
}
