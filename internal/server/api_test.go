package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/api"
)

func TestBenchmarkFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.do("alice", "POST", "/api/v1/benchmarks", map[string]any{
		"name": "flow", "datasets": []string{"builtin:reasoning"}, "providers": []string{"simulator:a", "simulator:b", "simulator:c"},
		"tags": map[string]string{"team": "x"},
	})
	if a.status != http.StatusAccepted {
		t.Fatalf("create: %d %s", a.status, a.body)
	}
	var b api.Benchmark
	a.decode(t, &b)
	if a.header.Get("Location") != "/api/v1/benchmarks/"+b.ID || b.Owner != "u-alice" {
		t.Fatalf("location %q owner %q", a.header.Get("Location"), b.Owner)
	}
	got := e.do("alice", "GET", "/api/v1/benchmarks/"+b.ID[:8], nil)
	var gb api.Benchmark
	got.decode(t, &gb)
	if got.status != 200 || gb.ID != b.ID || gb.Progress.Done != 3 || gb.Totals.Results != 3 || gb.FinishedAt == nil {
		t.Fatalf("get by prefix: %d %s", got.status, got.body)
	}
	if len(gb.Providers) != 3 || gb.Tags["team"] != "x" {
		t.Fatalf("providers %v tags %v", gb.Providers, gb.Tags)
	}
	list := e.do("alice", "GET", "/api/v1/benchmarks?limit=1&name=flo", nil)
	var bp api.Page[api.Benchmark]
	list.decode(t, &bp)
	if list.status != 200 || len(bp.Items) != 1 || bp.NextCursor != nil {
		t.Fatalf("list: %d %s", list.status, list.body)
	}

	// Results: pages, filters, full text.
	var all []bench.Result
	cursor := ""
	for range 5 {
		p := e.do("alice", "GET", "/api/v1/results?limit=2&benchmark_id="+b.ID+"&cursor="+cursor, nil)
		var rp api.Page[bench.Result]
		p.decode(t, &rp)
		if p.status != 200 {
			t.Fatalf("results: %d %s", p.status, p.body)
		}
		all = append(all, rp.Items...)
		if rp.NextCursor == nil {
			break
		}
		cursor = *rp.NextCursor
	}
	if len(all) != 3 {
		t.Fatalf("paged %d results, want 3", len(all))
	}
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"passed=true", 1}, {"passed=false", 2}, {"provider=simulator:b", 1}, {"model=c", 1},
		{"case_id=case-0", 1}, {"tag=math", 3}, {"tag=other", 0}, {"min_score=0.5", 1}, {"max_score=0.5", 2},
		{"status=success", 3}, {"q=from+simulator:c", 1}, {"q=two+plus", 3},
	} {
		p := e.do("alice", "GET", "/api/v1/results?benchmark_id="+b.ID+"&"+tc.query, nil)
		var rp api.Page[bench.Result]
		p.decode(t, &rp)
		if p.status != 200 || len(rp.Items) != tc.want {
			t.Errorf("%s: %d, %d results, want %d", tc.query, p.status, len(rp.Items), tc.want)
		}
	}
	for _, bad := range []string{"passed=maybe", "min_score=x", "limit=0", "limit=5000", "cursor=zz", "min_score=2&max_score=1"} {
		if p := e.do("alice", "GET", "/api/v1/results?"+bad, nil); p.status != 400 {
			t.Errorf("%s: %d, want 400", bad, p.status)
		}
	}
	one := e.do("alice", "GET", "/api/v1/results/"+all[0].ID, nil)
	if one.status != 200 {
		t.Fatalf("result: %d", one.status)
	}

	// Export in each format, streamed with a file name.
	csvA := e.do("alice", "POST", "/api/v1/results/export", map[string]string{"benchmark_id": b.ID, "format": "csv"})
	rows, err := csv.NewReader(bytes.NewReader(csvA.body)).ReadAll()
	if csvA.status != 200 || err != nil || len(rows) != 4 || !strings.HasPrefix(csvA.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v %d rows %q", csvA.status, err, len(rows), csvA.header.Get("Content-Type"))
	}
	if cd := csvA.header.Get("Content-Disposition"); cd != `attachment; filename="benchmark-`+b.ID+`.csv"` {
		t.Fatalf("content disposition %q", cd)
	}
	jl := e.do("alice", "POST", "/api/v1/results/export", map[string]string{"benchmark_id": b.ID, "format": "jsonl"})
	if lines := strings.Split(strings.TrimSpace(string(jl.body)), "\n"); jl.status != 200 || len(lines) != 3 {
		t.Fatalf("jsonl: %d %d lines", jl.status, len(lines))
	}
	js := e.do("alice", "POST", "/api/v1/results/export", map[string]string{"benchmark_id": b.ID, "format": "json"})
	var doc struct {
		Results []bench.Result `json:"results"`
	}
	if err := json.Unmarshal(js.body, &doc); js.status != 200 || err != nil || len(doc.Results) != 3 {
		t.Fatalf("json: %d %v", js.status, err)
	}
	if x := e.do("alice", "POST", "/api/v1/results/export", map[string]string{"benchmark_id": b.ID, "format": "xml"}); x.status != 400 {
		t.Fatalf("xml export: %d", x.status)
	}

	// A finished benchmark cannot be cancelled; a queued one can.
	if c := e.do("alice", "POST", "/api/v1/benchmarks/"+b.ID+"/cancel", nil); c.status != http.StatusConflict {
		t.Fatalf("cancel finished: %d %s", c.status, c.body)
	}
	q, _ := e.seedRun("u-alice", bench.RunQueued, 0)
	c := e.do("alice", "POST", "/api/v1/benchmarks/"+q.ID+"/cancel", nil)
	var cb api.Benchmark
	c.decode(t, &cb)
	if c.status != http.StatusAccepted || cb.Status != "cancelled" {
		t.Fatalf("cancel: %d %s", c.status, c.body)
	}
}

func TestCreateBenchmarkRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"no datasets", map[string]any{"providers": []string{"simulator:a"}}, 400, "datasets"},
		{"both", map[string]any{"datasets": []string{"builtin:reasoning"}, "suite": map[string]any{"name": "s"}, "providers": []string{"simulator:a"}}, 400, "suite"},
		{"no providers", map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{}}, 400, "providers"},
		{"negative repeat", map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{"simulator:a"}, "repeat": -1}, 400, "repeat"},
		{"manager refuses", map[string]any{"datasets": []string{"builtin:reasoning"}, "providers": []string{"nope:x"}}, 400, "providers[0]"},
		{"wrong type", map[string]any{"datasets": "builtin:reasoning", "providers": []string{"simulator:a"}}, 400, "datasets"},
		{"malformed", []byte(`{"datasets":`), 400, ""},
		{"two values", []byte(`{"datasets":["builtin:reasoning"],"providers":["simulator:a"]} {}`), 400, ""},
		{"empty", []byte(``), 400, ""},
	} {
		a := e.do("alice", "POST", "/api/v1/benchmarks", tc.body)
		var d struct {
			Field string `json:"field"`
		}
		_ = json.Unmarshal(a.body, &d)
		if a.status != tc.status || d.Field != tc.field || a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d field %q (%s), want %d field %q", tc.name, a.status, d.Field, a.body, tc.status, tc.field)
		}
	}
}

func TestTransportRules(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// 415 for another content type on a body route.
	req, _ := http.NewRequest("POST", e.url+"/api/v1/evaluate", strings.NewReader(`{"response":"x","assertions":[{"type":"contains","value":"x"}]}`))
	req.Header.Set("Authorization", "Bearer alice")
	req.Header.Set("Content-Type", "text/plain")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain body: %d, want 415", res.StatusCode)
	}
	// 405 for a method a route does not have, 404 for no route.
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"DELETE", "/api/v1/benchmarks", 405}, {"PUT", "/api/v1/results/x", 405}, {"GET", "/api/v1/evaluate", 405},
		{"GET", "/api/v1/nothing", 404},
	} {
		a := e.do("alice", tc.method, tc.path, nil)
		if a.status != tc.status || a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, a.status, tc.status)
		}
	}
	// 401 with WWW-Authenticate, nothing else said.
	for _, tok := range []string{"", "forged"} {
		a := e.do(tok, "GET", "/api/v1/benchmarks", nil)
		if a.status != 401 || a.header.Get("WWW-Authenticate") != "Bearer" {
			t.Errorf("token %q: %d %q", tok, a.status, a.header.Get("WWW-Authenticate"))
		}
	}
	// A body too large is 413.
	big := append([]byte(`{"response":"`), bytes.Repeat([]byte("a"), maxBody)...)
	big = append(big, `","assertions":[{"type":"contains","value":"a"}]}`...)
	if a := e.do("alice", "POST", "/api/v1/evaluate", big); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("large body: %d", a.status)
	}
}

func TestProvidersRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var ps api.Page[api.ProviderInfo]
	a := e.do("alice", "GET", "/api/v1/providers", nil)
	a.decode(t, &ps)
	names := map[string]bool{}
	for _, p := range ps.Items {
		names[p.Name] = true
	}
	if a.status != 200 || !names["simulator"] || !names["openai"] {
		t.Fatalf("providers: %d %v", a.status, names)
	}
	if a := e.do("alice", "GET", "/api/v1/providers/simulator", nil); a.status != 200 {
		t.Fatalf("provider: %d", a.status)
	}
	if a := e.do("alice", "GET", "/api/v1/providers/nosuch", nil); a.status != 404 {
		t.Fatalf("unknown provider: %d", a.status)
	}
	var ms api.Page[string]
	m := e.do("alice", "GET", "/api/v1/providers/simulator/models", nil)
	m.decode(t, &ms)
	if m.status != 200 || len(ms.Items) != 2 {
		t.Fatalf("models: %d %s", m.status, m.body)
	}
	var h api.Health
	hr := e.do("admin", "POST", "/api/v1/providers/simulator/health", nil)
	hr.decode(t, &h)
	if hr.status != 200 || !h.Healthy || h.Name != "simulator" {
		t.Fatalf("health: %d %s", hr.status, hr.body)
	}
}

func TestEvaluateAndCompare(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		passed bool
	}{
		{"pass", map[string]any{"response": "The answer is 5", "assertions": []map[string]any{{"type": "contains", "value": "5"}, {"type": "regex", "value": "answer"}}}, 200, true},
		{"fail", map[string]any{"response": "no idea", "assertions": []map[string]any{{"type": "contains", "value": "5"}}}, 200, false},
		{"unknown type", map[string]any{"response": "x", "assertions": []map[string]any{{"type": "telepathy"}}}, 400, false},
		{"judge", map[string]any{"response": "x", "assertions": []map[string]any{{"type": "contains", "value": "x", "provider": "openai:gpt-4o"}}}, 400, false},
		{"none", map[string]any{"response": "x", "assertions": []map[string]any{}}, 400, false},
	} {
		a := e.do("alice", "POST", "/api/v1/evaluate", tc.body)
		var r api.EvaluateResult
		_ = json.Unmarshal(a.body, &r)
		if a.status != tc.status || r.Passed != tc.passed {
			t.Errorf("%s: %d %s", tc.name, a.status, a.body)
		}
	}
	a := e.do("alice", "POST", "/api/v1/compare", map[string]any{"providers": []string{"simulator:a", "simulator:b"}, "prompt": "Say hi"})
	var b api.Benchmark
	a.decode(t, &b)
	if a.status != 202 || b.Owner != "u-alice" || b.Tags["compare"] != "true" {
		t.Fatalf("compare: %d %s", a.status, a.body)
	}
	sub := e.mgr.submitted[len(e.mgr.submitted)-1]
	var suite struct {
		Cases []struct{ ID, Prompt string } `json:"test_cases"`
	}
	if err := json.Unmarshal(sub.Suite, &suite); err != nil || len(suite.Cases) != 1 || suite.Cases[0].Prompt != "Say hi" {
		t.Fatalf("compare suite %s: %v", sub.Suite, err)
	}
	if a := e.do("alice", "POST", "/api/v1/compare", map[string]any{"providers": []string{"simulator:a"}, "prompt": "x"}); a.status != 400 {
		t.Fatalf("compare one provider: %d", a.status)
	}
	if a := e.do("alice", "POST", "/api/v1/compare", map[string]any{"providers": []string{"simulator:a", "simulator:b"}, "prompt": "x", "datasets": []string{"builtin:coding"}}); a.status != 400 {
		t.Fatalf("compare prompt and datasets: %d", a.status)
	}
}

func TestHealthMetricsSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, p := range []string{"/api/v1/health", "/api/v1/health/live", "/api/v1/health/ready"} {
		if a := e.do("", "GET", p, nil); a.status != 200 || string(a.body) != "{\"status\":\"ok\"}\n" {
			t.Errorf("%s: %d %s", p, a.status, a.body)
		}
	}
	e.st.mu.Lock()
	e.st.pingErr = errTest
	e.st.mu.Unlock()
	if a := e.do("", "GET", "/api/v1/health/ready", nil); a.status != 503 || strings.Contains(string(a.body), errTest.Error()) {
		t.Errorf("ready with the store down: %d %s", a.status, a.body)
	}
	for _, p := range []string{"/api/v1/openapi.json", "/openapi.json"} {
		if a := e.do("", "GET", p, nil); a.status != 200 || !bytes.Equal(a.body, OpenAPI()) {
			t.Errorf("%s: %d", p, a.status)
		}
	}
	e.seedRun("u-alice", bench.RunQueued, 0)
	m := e.do("admin", "GET", "/api/v1/metrics", nil)
	for _, want := range []string{
		`llm_api_requests_total{code="200",method="GET",path="/api/v1/health/ready"} 1`,
		`llm_api_requests_total{code="503",method="GET",path="/api/v1/health/ready"} 1`,
		`llm_benchmarks{status="queued"} 1`, `llm_benchmarks{status="running"} 0`,
		`llm_api_duration_seconds_bucket{method="GET",path="/api/v1/health",le="0.001"}`,
	} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if a := e.do("", "GET", "/api/v1/no/such/"+strings.Repeat("x", 10), nil); a.status != 404 {
		t.Fatal(a.status)
	}
	if m := e.do("admin", "GET", "/api/v1/metrics", nil); !strings.Contains(string(m.body), `path="unmatched"`) {
		t.Error("an unmatched path is not labelled unmatched")
	}
	var s api.Settings
	a := e.do("admin", "PATCH", "/api/v1/settings", map[string]int{"max_running": 4})
	a.decode(t, &s)
	if a.status != 200 || s.MaxRunning != 4 || s.QueueSize != 10 {
		t.Fatalf("settings: %d %s", a.status, a.body)
	}
	if a := e.do("admin", "PATCH", "/api/v1/settings", map[string]int{"max_running": 0}); a.status != 400 {
		t.Fatalf("max_running 0: %d", a.status)
	}
}
