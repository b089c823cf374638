package cli_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The auth commands refuse what they cannot do safely before opening any
// store: a password on the command line, an ambiguous key owner.
func TestAuthCommandsRefuseBadArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"password not from stdin", []string{"auth", "create-user", "--username", "alice", "--role", "admin"}, 3, "--password-stdin"},
		{"no username", []string{"auth", "create-user", "--password-stdin"}, 3, "username"},
		{"two owners", []string{"auth", "generate-key", "--user", "alice", "--user-id", "u1"}, 3, "exactly one of --user"},
		{"no owner", []string{"auth", "generate-key"}, 3, "exactly one of --user"},
		{"no key id", []string{"auth", "revoke-key"}, 3, "accepts 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			code, _, stderr := e.run(t.Context(), tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tc.code, tc.msg)
			}
		})
	}
}

// runStdin runs the CLI with stdin.
func (e *env) runStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(t.Context(), append([]string{"--db", e.db}, args...), cli.IO{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Environ: e.environ, WorkDir: e.dir, HomeConfigDir: filepath.Join(e.dir, "config"),
	})
	return code, out.String(), errb.String()
}

// create-user, generate-key and revoke-key against the SQLite store.
func TestAuthCommandsEndToEnd(t *testing.T) {
	t.Parallel()
	if !reflect.TypeFor[store.Store]().Implements(reflect.TypeFor[store.AuthStore]()) {
		t.Skip("the store backends do not implement store.AuthStore yet")
	}
	e := newEnv(t)
	const pw = "a long pass phrase with spaces"
	code, out, stderr := e.runStdin(t, pw+"\n", "auth", "create-user", "--username", "alice", "--role", "user", "--password-stdin")
	if code != 0 || !strings.Contains(out, "Created user alice") || strings.Contains(out+stderr, pw) {
		t.Fatalf("create-user: %d %q %q", code, out, stderr)
	}
	code, _, stderr = e.runStdin(t, pw+"\n", "auth", "create-user", "--username", "alice", "--password-stdin")
	if code != 4 || !strings.Contains(stderr, "already exists") {
		t.Errorf("second alice: %d %q", code, stderr)
	}
	code, _, stderr = e.runStdin(t, "short\n", "auth", "create-user", "--username", "bob", "--password-stdin")
	if code != 4 || !strings.Contains(stderr, "shorter than 8") {
		t.Errorf("short password: %d %q", code, stderr)
	}
	code, out, stderr = e.runStdin(t, "", "auth", "generate-key", "--user", "alice", "--name", "ci", "--scopes", "benchmark.read,results.read")
	key := strings.TrimSpace(out)
	if code != 0 || !auth.WellFormedAPIKey(key) || !strings.Contains(stderr, "shown only this once") || strings.Contains(stderr, key) {
		t.Fatalf("generate-key: %d %q %q", code, out, stderr)
	}
	code, _, stderr = e.runStdin(t, "", "auth", "generate-key", "--user", "alice", "--scopes", "plugin.install")
	if code != 4 || !strings.Contains(stderr, "exceeds") {
		t.Errorf("scope beyond the role: %d %q", code, stderr)
	}
	_, _, stderr = e.runStdin(t, "", "auth", "generate-key", "--user", "alice", "--name", "ci2")
	id := regexp.MustCompile(`id ([0-9a-f-]{36})`).FindStringSubmatch(stderr)
	if id == nil {
		t.Fatalf("no key id in %q", stderr)
	}
	code, out, stderr = e.runStdin(t, "", "auth", "revoke-key", id[1])
	if code != 0 || !strings.Contains(out, "Revoked") {
		t.Errorf("revoke-key: %d %q %q", code, out, stderr)
	}
	code, _, stderr = e.runStdin(t, "", "auth", "revoke-key", "no-such-key")
	if code != 4 || !strings.Contains(stderr, "not found") {
		t.Errorf("unknown key: %d %q", code, stderr)
	}
}
