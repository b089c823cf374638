package graphqlapi

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// samples holds one operation per root field, to try each as each role.
var samples = map[string]string{
	"Query.benchmark":                `{ benchmark(id: "b1") { id } }`,
	"Query.benchmarks":               `{ benchmarks { items { id } } }`,
	"Query.results":                  `{ results { items { id } } }`,
	"Query.provider":                 `{ provider(name: "openai") { name } }`,
	"Query.providers":                `{ providers { name } }`,
	"Query.metrics":                  `{ metrics { name } }`,
	"Mutation.createBenchmark":       `mutation { createBenchmark(input: {providers: ["openai:gpt-4o"]}) { id } }`,
	"Mutation.cancelBenchmark":       `mutation { cancelBenchmark(id: "b1") { id } }`,
	"Mutation.updateSettings":        `mutation { updateSettings(input: {maxRunning: 3}) { maxRunning } }`,
	"Subscription.benchmarkProgress": `subscription { benchmarkProgress(id: "b1") { done } }`,
	"Subscription.metricsStream":     `subscription { metricsStream { topic } }`,
	"Subscription.alertsStream":      `subscription { alertsStream { topic } }`,
}

// TestEveryRootFieldHasAPermission keeps the table and the schema in step:
// a field without a permission would be refused to everyone, and one in
// the table but not the schema is a stale line.
func TestEveryRootFieldHasAPermission(t *testing.T) {
	t.Parallel()
	schema := NewExecutableSchema(Config{}).Schema()
	var fields []string
	for _, def := range []struct {
		name string
		ok   bool
	}{{"Query", schema.Query != nil}, {"Mutation", schema.Mutation != nil}, {"Subscription", schema.Subscription != nil}} {
		if !def.ok {
			continue
		}
		for _, f := range schema.Types[def.name].Fields {
			if !strings.HasPrefix(f.Name, "__") {
				fields = append(fields, def.name+"."+f.Name)
			}
		}
	}
	for _, f := range fields {
		if _, ok := Permissions[f]; !ok {
			t.Errorf("root field %s has no permission in ops.go", f)
		}
		if _, ok := samples[f]; !ok {
			t.Errorf("root field %s has no sample operation in ops_test.go", f)
		}
	}
	for f := range Permissions {
		if !slices.Contains(fields, f) {
			t.Errorf("ops.go names %s, which the schema does not have", f)
		}
	}
}

// TestPermissionsPerRole is SECURITY 18 for GraphQL: every root field ×
// role is refused (FORBIDDEN) or let through exactly as the table says.
func TestPermissionsPerRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for field, perm := range Permissions {
		for role, perms := range roles {
			t.Run(field+"/"+role, func(t *testing.T) {
				// Subscriptions pass the same gate over POST, which then
				// refuses them as BAD_REQUEST (they need a socket).
				_, r := e.post(t, principal("alice", role), samples[field], nil)
				forbidden := r.code() == codeForbidden
				if want := !perms.Allows(perm); forbidden != want {
					t.Fatalf("forbidden = %v, want %v (permission %s): %+v", forbidden, want, perm, r.Errors)
				}
			})
		}
	}
}

// TestPostAuthentication: without a principal from the auth middleware,
// a POST needs a good bearer token (401 with WWW-Authenticate otherwise).
func TestPostAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, tc := range []struct {
		name, header string
		status       int
	}{
		{"none", "", http.StatusUnauthorized},
		{"bad token", "Bearer nope", http.StatusUnauthorized},
		{"not bearer", "Basic YTpi", http.StatusUnauthorized},
		{"good token", "Bearer tok-viewer", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ results { items { id } } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") != "Bearer" {
				t.Fatal("401 without WWW-Authenticate: Bearer")
			}
			if strings.Contains(rec.Body.String(), "nope") {
				t.Fatal("the token is echoed")
			}
		})
	}
}

// TestGateSeesThroughFragments: a forbidden field inside a root fragment
// is still refused.
func TestGateSeesThroughFragments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for name, q := range map[string]string{
		"spread": `query { ...F } fragment F on Query { benchmarks { items { id } } }`,
		"inline": `query { ... on Query { benchmarks { items { id } } } }`,
	} {
		_, r := e.post(t, principal("vic", "viewer"), q, nil)
		if r.code() != codeForbidden {
			t.Errorf("%s: want FORBIDDEN, got %+v", name, r.Errors)
		}
	}
}
