package cli_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestEdgesDebugLogShowsRetriesWithoutSecrets covers issue 15.17: at
// --log-level debug a 429 with Retry-After is logged as a structured
// "retrying" line (provider, attempt, wait), and the API key appears
// nowhere in stdout or stderr.
func TestEdgesDebugLogShowsRetriesWithoutSecrets(t *testing.T) {
	t.Parallel()
	const key = "sk-proj-EDGECANARY-41c7aa"
	srv := newEdgeServer(t, key)
	srv.fail = func(n int, _ map[string]any) (int, map[string]string, string) {
		if n == 1 {
			return http.StatusTooManyRequests, map[string]string{"Retry-After": "1", "X-Ratelimit-Remaining-Requests": "0"},
				`{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`
		}
		return 0, nil, ""
	}
	e := newEnv(t, edgeOpenAIEnv(srv)...)
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: hello\n    assert: [{type: icontains, value: hello}]\n")
	out := filepath.Join(e.dir, "o.jsonl")
	code, stdout, stderr := e.run(t.Context(), "--log-level", "debug", "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--no-cache", "--output", out)
	if code != 0 {
		t.Fatalf("exit %d, want 0 (the retry succeeds)\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if srv.calls() != 2 {
		t.Errorf("%d calls, want 2 (one 429, one retry)", srv.calls())
	}
	var retry string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "msg=retrying") {
			retry = l
		}
	}
	if retry == "" {
		t.Fatalf("no structured retrying line on stderr:\n%s", stderr)
	}
	for _, re := range []string{`provider=openai:gpt-4o-mini\b`, `attempt=2\b`, `\bwait=retry_after\b`, `\bwait_ms=\d`} {
		if !regexp.MustCompile(re).MatchString(retry) {
			t.Errorf("retrying line lacks %s: %s", re, retry)
		}
	}
	results := readFile(t, out)
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "results": string(results)} {
		if strings.Contains(s, "EDGECANARY") {
			t.Errorf("the API key reached %s", name)
		}
	}
}

// TestEdgesProviderErrorsAreNotPasses covers issue 15.18: errored cases
// count as not passed, so a run whose every answer passed but some calls
// failed exits 100; a run where every call failed exits 5.
func TestEdgesProviderErrorsAreNotPasses(t *testing.T) {
	t.Parallel()
	suite := "name: s\ntest_cases:\n" +
		"  - id: good-1\n    prompt: hello one\n    assert: [{type: icontains, value: hello}]\n" +
		"  - id: good-2\n    prompt: hello two\n    assert: [{type: icontains, value: hello}]\n" +
		"  - id: bad-1\n    prompt: refuse me one\n    assert: [{type: icontains, value: refuse}]\n" +
		"  - id: bad-2\n    prompt: refuse me two\n    assert: [{type: icontains, value: refuse}]\n"
	tests := []struct {
		name    string
		refuse  func(prompt string) bool
		code    int
		summary string
		errored int
	}{
		{"some calls fail", func(p string) bool { return strings.Contains(p, "refuse") }, 100, "4 results, 2 passed, 0 failed, 2 errors", 2},
		{"every call fails", func(string) bool { return true }, 5, "4 results, 0 passed, 0 failed, 4 errors", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newEdgeServer(t, "sk-edge-errors")
			srv.fail = func(_ int, body map[string]any) (int, map[string]string, string) {
				if tc.refuse(lastContent(body)) {
					return http.StatusBadRequest, nil, edgeBadRequest
				}
				return 0, nil, ""
			}
			e := newEnv(t, edgeOpenAIEnv(srv)...)
			path := e.write("s.yaml", suite)
			out := filepath.Join(e.dir, "o.jsonl")
			code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", path, "--providers", "openai:gpt-4o-mini", "--no-cache", "--output", out)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:%s\nstderr:%s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tc.summary) {
				t.Errorf("summary lacks %q:\n%s", tc.summary, stdout)
			}
			errored := 0
			for _, r := range readJSONL(t, out) {
				if r.Status == bench.StatusError {
					errored++
					if r.Passed || r.Error == nil || r.Error.Kind != "bad_request" {
						t.Errorf("case %s: passed %v error %+v, want a bad_request that did not pass", r.CaseID, r.Passed, r.Error)
					}
				} else if !r.Passed {
					t.Errorf("case %s answered but did not pass", r.CaseID)
				}
			}
			if errored != tc.errored {
				t.Errorf("%d errored results, want %d", errored, tc.errored)
			}
			if srv.calls() != 4 {
				t.Errorf("%d calls, want 4 (a 400 is not retried)", srv.calls())
			}
		})
	}
}
