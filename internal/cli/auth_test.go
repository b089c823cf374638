package cli_test

import (
	"strings"
	"testing"
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
