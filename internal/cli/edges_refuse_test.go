package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEdgesFilterMatchingNothingIsInputError covers issue 15.2: a --filter
// that selects no case must fail the gate (exit 4, naming the filter), not
// pass with an empty run.
func TestEdgesFilterMatchingNothingIsInputError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: hello\n  - id: b\n    prompt: bye\n")
	junit := filepath.Join(e.dir, "junit.xml")
	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", suite, "--providers", "echo", "--filter", "NOMATCH", "--output", junit)
	if code != 4 {
		t.Fatalf("exit %d, want 4\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "NOMATCH") {
		t.Errorf("the error does not name the filter:\n%s", stderr)
	}
	if _, err := os.Stat(junit); err == nil {
		t.Error("an (empty) JUnit file was written for a run that selected nothing")
	}
	if n := edgeRunCount(t, e); n != 0 {
		t.Errorf("%d runs stored, want none", n)
	}
}

// TestEdgesUnwritableOutputRefusedBeforeAnyCall covers issue 15.3: an
// output that cannot be created is found before the run (exit 3, naming
// the path), no call is made and no run is stored; a path under a regular
// file says that it is a file.
func TestEdgesUnwritableOutputRefusedBeforeAnyCall(t *testing.T) {
	t.Parallel()
	srv := newEdgeServer(t, "sk-edge-output")
	e := newEnv(t, edgeOpenAIEnv(srv)...)
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: hello\n")
	e.write("somefile", "I am a file\n")
	ok := filepath.Join(e.dir, "ok.md")
	tests := []struct {
		name    string
		outputs []string
		want    []string
	}{
		{"read-only file system", []string{"/sys/r.html", ok}, []string{"/sys/r.html"}},
		{"parent is a file", []string{ok, filepath.Join(e.dir, "somefile", "x.html")}, []string{filepath.Join(e.dir, "somefile", "x.html"), "is a file, not a directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--no-cache"}
			for _, o := range tc.outputs {
				args = append(args, "--output", o)
			}
			code, stdout, stderr := e.run(t.Context(), args...)
			if code != 3 {
				t.Fatalf("exit %d, want 3\nstdout:%s\nstderr:%s", code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if strings.Contains(stderr, "does not exist") {
				t.Errorf("a path that exists is called missing:\n%s", stderr)
			}
			if _, err := os.Stat(ok); err == nil {
				t.Errorf("%s was written by a refused run", ok)
			}
		})
	}
	if srv.calls() != 0 {
		t.Errorf("%d calls made before the outputs were refused", srv.calls())
	}
	if n := edgeRunCount(t, e); n != 0 {
		t.Errorf("%d runs stored, want none", n)
	}
}

// TestEdgesCustomProviderKeyVariableChecked covers issue 15.4: a config
// provider whose api_key_env is unset is a configuration error (exit 3)
// naming the variable, before any call, and no key is printed.
func TestEdgesCustomProviderKeyVariableChecked(t *testing.T) {
	t.Parallel()
	const other = "sk-edge-OTHERKEY-5521"
	e := newEnv(t, "OPENAI_API_KEY="+other)
	cfg := e.write("ltb.toml", `[providers.local]
type = "openai"
base_url = "http://127.0.0.1:1/v1"
api_key_env = "LOCAL_KEY"
`)
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: hello\n")
	code, stdout, stderr := e.run(t.Context(), "--config", cfg, "bench", "--dataset", suite, "--providers", "local:my-model", "--no-cache")
	if code != 3 {
		t.Fatalf("exit %d, want 3 (a call to port 1 would have given 5)\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "LOCAL_KEY") {
		t.Errorf("the error does not name LOCAL_KEY:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, other) {
		t.Error("an API key was printed")
	}
	if n := edgeRunCount(t, e); n != 0 {
		t.Errorf("%d runs stored, want none", n)
	}
}

// TestEdgesDryRunNeedsNoKey covers issue 15.7: --dry-run calls nothing, so
// it must not ask for an API key.
func TestEdgesDryRunNeedsNoKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // no OPENAI_API_KEY anywhere
	suite := e.write("s.yaml", "name: s\ntest_cases:\n  - id: a\n    prompt: What is the capital of France?\n  - id: b\n    prompt: What is 2+2?\n")
	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", suite, "--providers", "openai:gpt-4o-mini", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	for _, w := range []string{"openai:gpt-4o-mini", "Estimated total: $", "nothing was called"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("estimate lacks %q:\n%s", w, stdout)
		}
	}
	if strings.Contains(stderr, "OPENAI_API_KEY") {
		t.Errorf("the dry run asked for a key:\n%s", stderr)
	}
}

// TestEdgesSuiteExecProviderNeedsAllowExec covers issue 15.16: a suite's
// own provider list cannot run a local command unless the operator passes
// --allow-exec; an exec provider the operator names with --providers needs
// no flag.
func TestEdgesSuiteExecProviderNeedsAllowExec(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	marker := filepath.Join(e.dir, "ran")
	script := e.write("model.sh", "#!/bin/sh\ncat >/dev/null\n: >>'"+marker+"'\nprintf '%s' '{\"text\":\"hello from a local command\"}'\n")
	if err := os.Chmod(script, 0o755); err != nil {
		t.Fatal(err)
	}
	cases := "test_cases:\n  - id: one\n    prompt: hi\n    assert: [{type: icontains, value: hello}]\n"
	downloaded := e.write("downloaded.yaml", "name: downloaded\nproviders:\n  - exec:"+script+"\n"+cases)
	plain := e.write("plain.yaml", "name: plain\n"+cases)

	code, stdout, stderr := e.run(t.Context(), "bench", "--dataset", downloaded, "--no-cache")
	if code != 3 || !strings.Contains(stderr, "--allow-exec") {
		t.Fatalf("suite's exec provider without --allow-exec: exit %d, want 3 naming --allow-exec\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the suite's command ran without --allow-exec")
	}
	if n := edgeRunCount(t, e); n != 0 {
		t.Errorf("%d runs stored by a refused run, want none", n)
	}

	code, stdout, stderr = e.run(t.Context(), "bench", "--dataset", downloaded, "--allow-exec", "--no-cache")
	if code != 0 || !strings.Contains(stdout, "1 passed") {
		t.Fatalf("with --allow-exec: exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the command did not run with --allow-exec")
	}
	if err := os.Remove(marker); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr = e.run(t.Context(), "bench", "--dataset", plain, "--providers", "exec:"+script, "--no-cache")
	if code != 0 || !strings.Contains(stdout, "1 passed") {
		t.Fatalf("operator's --providers exec: exit %d\nstdout:%s\nstderr:%s", code, stdout, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the operator's command did not run")
	}
}
