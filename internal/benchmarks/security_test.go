package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// tinyPNG is a 1x1 PNG as a data: URL, which a suite may always carry.
const tinyPNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

// Every refusal of an untrusted request is a 400 naming the member at
// fault, and nothing it names is run, read or requested.
func TestUntrustedRequestsAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "1ms", Options{})
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	marker := filepath.Join(t.TempDir(), "pwned")
	secret := filepath.Join(t.TempDir(), "secret.png")
	if err := os.WriteFile(secret, []byte("not for you"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "cases.jsonl"), []byte(`{"id":"a","prompt":"hi"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(f.o.DatasetsDir, "link")); err != nil {
		t.Fatal(err)
	}
	suite := func(providers, cases string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"name":"s","providers":%s,"test_cases":%s}`, providers, cases))
	}
	okCases := `[{"id":"a","prompt":"hi"}]`
	openai := `["openai:gpt-4o-mini"]`
	touch := "touch " + marker
	tests := []struct {
		name  string
		req   Request
		field string
	}{
		{"exec provider in request", Request{Datasets: []string{"builtin:reasoning"}, Providers: []string{"exec:" + touch}}, "providers[0]"},
		{"configured exec with a command of its own", Request{Datasets: []string{"builtin:reasoning"}, Providers: []string{"tool:" + touch}}, "providers[0]"},
		{"unconfigured vendor", Request{Datasets: []string{"builtin:reasoning"}, Providers: []string{"openai:gpt-4o-mini", "mistral:large"}}, "providers[1]"},
		{"exec provider in suite", Request{Suite: suite(fmt.Sprintf(`[%q]`, "exec:"+touch), okCases)}, "suite.providers[0]"},
		{"http provider in suite", Request{Suite: suite(fmt.Sprintf(`[{"id":"http:api","base_url":%q}]`, srv.URL), okCases)}, "suite.providers[0].base_url"},
		{"http provider without base_url", Request{Suite: suite(`["http:api"]`, okCases)}, "suite.providers[0]"},
		{"base_url", Request{Suite: suite(fmt.Sprintf(`[{"id":"openai:gpt-4o","base_url":%q}]`, srv.URL), okCases)}, "suite.providers[0].base_url"},
		{"headers", Request{Suite: suite(`[{"id":"openai:gpt-4o","headers":{"X-Api-Key":"k"}}]`, okCases)}, "suite.providers[0].headers"},
		{"a provider key the checker does not know", Request{Suite: suite(`[{"id":"openai:gpt-4o","proxy":"http://elsewhere"}]`, okCases)}, "suite.providers[0].proxy"},
		{"api_key_env", Request{Suite: suite(`[{"id":"openai:gpt-4o","api_key_env":"HOME"}]`, okCases)}, "suite.providers[0].api_key_env"},
		{"config base_url", Request{Suite: suite(fmt.Sprintf(`[{"id":"openai:gpt-4o","config":{"base_url":%q}}]`, srv.URL), okCases)}, "suite.providers[0].config.base_url"},
		{"case config base_url", Request{Suite: suite(openai, fmt.Sprintf(`[{"id":"a","prompt":"hi","config":{"base_url":%q}}]`, srv.URL))}, "suite.test_cases[0].config.base_url"},
		{"judge exec", Request{Suite: suite(openai, fmt.Sprintf(`[{"id":"a","prompt":"hi","assert":[{"type":"llm-rubric","value":"ok","provider":%q}]}]`, "exec:"+touch))}, "suite.test_cases[0].assert[0].provider"},
		{"file test_cases", Request{Suite: suite(openai, fmt.Sprintf(`"file://%s"`, filepath.Join(outside, "cases.jsonl")))}, "suite.test_cases"},
		{"file prompt", Request{Suite: json.RawMessage(fmt.Sprintf(`{"providers":%s,"prompts":[{"id":"p","template":"file://%s"}],"test_cases":%s}`, openai, secret, okCases))}, "suite.prompts[0].template"},
		{"URL image", Request{Suite: suite(openai, fmt.Sprintf(`[{"id":"a","prompt":"hi"},{"id":"b","prompt":"look","inputs":[%q,%q]}]`, tinyPNG, srv.URL+"/cat.png"))}, "suite.test_cases[1].inputs[1]"},
		{"file image", Request{Suite: suite(openai, fmt.Sprintf(`[{"id":"a","prompt":"look","inputs":[%q]}]`, "file://"+secret))}, "suite.test_cases[0].inputs[0]"},
		{"templated image", Request{Suite: suite(openai, `[{"id":"a","prompt":"look","inputs":["{{ img }}"],"variables":{"img":"file:///etc/passwd"}}]`)}, "suite.test_cases[0].inputs[0]"},
		{"dotdot dataset", Request{Datasets: []string{"../" + filepath.Base(outside) + "/cases.jsonl"}, Providers: []string{"openai:gpt-4o-mini"}}, "datasets[0]"},
		{"absolute dataset", Request{Datasets: []string{"builtin:reasoning", filepath.Join(outside, "cases.jsonl")}, Providers: []string{"openai:gpt-4o-mini"}}, "datasets[1]"},
		{"symlink dataset", Request{Datasets: []string{"link/cases.jsonl"}, Providers: []string{"openai:gpt-4o-mini"}}, "datasets[0]"},
		{"unknown built-in", Request{Datasets: []string{"builtin:nope"}, Providers: []string{"openai:gpt-4o-mini"}}, "datasets[0]"},
		{"no providers", Request{Datasets: []string{"builtin:reasoning"}}, "providers"},
		{"negative repeat", Request{Datasets: []string{"builtin:reasoning"}, Providers: []string{"openai:gpt-4o-mini"}, Repeat: -1}, "repeat"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.m.Submit(context.Background(), "mallory", tc.req)
			if err == nil {
				t.Fatal("accepted")
			}
			d := asProblem(t, err)
			if d.Status != http.StatusBadRequest || d.Field != tc.field {
				t.Errorf("got %d field %q (%s), want 400 field %q", d.Status, d.Field, d.Detail, tc.field)
			}
		})
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("a refused exec provider ran: %s exists", marker)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("refused requests reached the host they named %d times", n)
	}
	runs, err := f.st.ListRuns(context.Background(), store.RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 0 {
		t.Errorf("refused requests stored %d runs", len(runs))
	}
	if entries, _ := os.ReadDir(filepath.Join(f.o.DataDir, "suites")); len(entries) != 0 {
		t.Errorf("refused suites left %d files", len(entries))
	}
}

// A suite that names only configured providers and carries its image as a
// data: URL is accepted; an operator may allow URLs.
func TestSuiteCheckerAccepts(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, configBody("1ms"))
	ok := json.RawMessage(fmt.Sprintf(`{"providers":["openai:gpt-4o",{"id":"anthropic:claude","label":"c","config":{"temperature":0}}],
		"prompts":["Q: {{q}}"],"defaults":{"config":{"max_tokens":5}},
		"test_cases":[{"id":"a","variables":{"q":"hi"},"inputs":[%q],"assert":[{"type":"llm-rubric","value":"ok","provider":"openai:gpt-4o"}]}]}`, tinyPNG))
	c := suiteChecker{cfg: cfg}
	if _, d := c.check(ok); d != nil {
		t.Fatalf("refused: %v (field %s)", d, d.Field)
	}
	url := json.RawMessage(`{"providers":["openai:gpt-4o"],"test_cases":[{"id":"a","prompt":"p","inputs":"https://example.com/a.png"}]}`)
	if _, d := c.check(url); d == nil || d.Field != "suite.test_cases[0].inputs[0]" {
		t.Fatalf("an input URL given without a list was not refused: %v", d)
	}
	c.allowURLs = true
	if _, d := c.check(url); d != nil {
		t.Fatalf("allow_media_urls does not allow a URL: %v", d)
	}
}
