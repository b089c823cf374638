package graphqlapi

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// TestMassAssignment is SECURITY 20: input fields the schema does not
// define (a role, an owner, a status) are validation errors, and nothing
// reaches the service.
func TestMassAssignment(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	admin := principal("root", "admin")
	for name, q := range map[string]string{
		"updateSettings role":     `mutation { updateSettings(input: {maxRunning: 5, role: "admin"}) { maxRunning } }`,
		"createBenchmark ownerId": `mutation { createBenchmark(input: {providers: ["openai:gpt-4o"], ownerId: "bob"}) { id } }`,
		"createBenchmark status":  `mutation { createBenchmark(input: {providers: ["openai:gpt-4o"], status: "completed"}) { id } }`,
		"updateSettings via vars": `mutation($in: SettingsInput!) { updateSettings(input: $in) { maxRunning } }`,
	} {
		t.Run(name, func(t *testing.T) {
			_, r := e.post(t, admin, q, map[string]any{"in": map[string]any{"maxRunning": 5, "role": "admin"}})
			if len(r.Errors) == 0 {
				t.Fatalf("accepted: %s", r.Data)
			}
		})
	}
	if e.svc.settings.MaxRunning != 2 {
		t.Fatalf("settings changed to %+v", e.svc.settings)
	}
	_, r := e.post(t, admin, `mutation { updateSettings(input: {maxRunning: 5}) { maxRunning queueSize } }`, nil)
	if string(r.Data) != `{"updateSettings":{"maxRunning":5,"queueSize":10}}` {
		t.Fatalf("updateSettings: %s %+v", r.Data, r.Errors)
	}
}

// TestOtherUsersBenchmark is SECURITY 19 over POST: NOT_FOUND for read
// and cancel.
func TestOtherUsersBenchmark(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	alice := principal("alice", "user")
	for _, q := range []string{`{ benchmark(id: "b2") { id } }`, `mutation { cancelBenchmark(id: "b2") { id } }`} {
		_, r := e.post(t, alice, q, nil)
		if r.code() != codeNotFound || r.Errors[0].Extensions["status"] != float64(404) {
			t.Errorf("%s: %+v", q, r.Errors)
		}
	}
	if _, r := e.post(t, alice, `{ benchmark(id: "b1") { id ownerId tags { key } progress { total } } }`, nil); len(r.Errors) != 0 ||
		!strings.Contains(string(r.Data), `"ownerId":"alice"`) {
		t.Fatalf("own benchmark: %s %+v", r.Data, r.Errors)
	}
}

func TestServiceErrorsKeepTheirField(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	_, r := e.post(t, principal("alice", "user"), `mutation { createBenchmark(input: {providers: []}) { id } }`, nil)
	if r.code() != codeBadRequest || r.Errors[0].Extensions["field"] != "providers" {
		t.Fatalf("%+v", r.Errors)
	}
	_, r = e.post(t, principal("alice", "user"), `mutation { createBenchmark(input: {providers: ["a:b"], name: "n", tags: [{key: "k", value: "v"}]}) { id name status tags { key value } } }`, nil)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"tags":[{"key":"k","value":"v"}]`) {
		t.Fatalf("%s %+v", r.Data, r.Errors)
	}
}

func TestResultsQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	_, r := e.post(t, principal("vic", "viewer"), `{ results(filters: {passed: true}) { items { id benchmarkId status scores { name pass } } nextCursor } }`, nil)
	want := `{"results":{"items":[{"id":"r1","benchmarkId":"b1","status":"success","scores":[{"name":"contains","pass":true},{"name":"g-eval","pass":false},{"name":"llm-rubric","pass":false}]}],"nextCursor":null}}`
	if string(r.Data) != want || len(r.Errors) != 0 {
		t.Fatalf("got %s %+v", r.Data, r.Errors)
	}
}

// TestUnscoredAndJudgedScores: an unscored verdict's score is null, and a
// judged one carries its judge.
func TestUnscoredAndJudgedScores(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	_, r := e.post(t, principal("vic", "viewer"), `{ results { items { scores { name score unscored raw judge { provider prompt calls costUsd positionConsistent } } } } }`, nil)
	want := `{"results":{"items":[{"scores":[` +
		`{"name":"contains","score":1,"unscored":false,"raw":null,"judge":null},` +
		`{"name":"g-eval","score":null,"unscored":true,"raw":"eight","judge":null},` +
		`{"name":"llm-rubric","score":0.5,"unscored":false,"raw":null,"judge":{"provider":"openai:gpt-4o-mini","prompt":"llm-rubric/v1","calls":1,"costUsd":0.25,"positionConsistent":null}}]}]}}`
	if string(r.Data) != want || len(r.Errors) != 0 {
		t.Fatalf("got %s %+v", r.Data, r.Errors)
	}
}

func TestMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	rec := httptestDo(e, "GET")
	if rec != 405 {
		t.Fatalf("GET without the playground: %d", rec)
	}
	on := newEnv(t, Options{Playground: true})
	if code := httptestDo(on, "GET"); code != 200 {
		t.Fatalf("GET with the playground: %d", code)
	}
}

func TestOptionsFromConfig(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.Server.GraphQLIntrospection = true
	c.Server.CORSAllowedOrigins = []string{"https://app.example.com"}
	o := OptionsFromConfig(c.Server)
	want := Options{
		Introspection: true, MaxDepth: 10, MaxComplexity: 5000, MaxTokens: 15000,
		AllowedOrigins: []string{"https://app.example.com"},
		PingInterval:   30 * time.Second, ReadLimit: 10 << 20,
		InitTimeout: 5 * time.Second, RevalidateEvery: 5 * time.Second,
	}
	if diff := cmp.Diff(want, o, cmpopts.IgnoreFields(Options{}, "Expired", "Logger")); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
