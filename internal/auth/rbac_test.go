package auth

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Case 21: benchmark.* does not reach plugin.install; a typo in a role's
// permissions fails both config validation and the service's start.
func TestCase21RoleWildcards(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureOpts{toml: "[security]\ndefault_role = \"ops\"\n[[security.roles]]\nname = \"ops\"\npermissions = [\"benchmark.*\"]\n[[security.roles]]\nname = \"admin\"\npermissions = [\"*\"]\n"})
	f.user(t, "olga", "ops")
	p := f.login(t, "olga", testPassword)
	wantStatus(t, f.do(t, http.MethodGet, protectedPath, p.AccessToken, nil), http.StatusOK)
	wantStatus(t, f.do(t, http.MethodPost, pluginPath, p.AccessToken, nil), http.StatusForbidden)
	f.user(t, "root", "admin")
	root := f.login(t, "root", testPassword)
	wantStatus(t, f.do(t, http.MethodPost, pluginPath, root.AccessToken, nil), http.StatusOK)

	typo := "[security]\ndefault_role = \"r\"\n[[security.roles]]\nname = \"r\"\npermissions = [\"benchmarks.read\"]\n"
	dir := t.TempDir()
	writeFile(t, dir, config.ProjectFile, typo)
	_, err := config.Load(config.LoadOptions{WorkDir: dir, HomeConfigDir: t.TempDir(), Environ: []string{"JWT_SECRET=" + testSecret}})
	if err == nil || !strings.Contains(err.Error(), "security.roles[0].permissions[0]") {
		t.Fatalf("config with benchmarks.read loaded: %v", err)
	}
	// Even a config that skipped validation cannot start the service.
	cfg := loadConfig(t, "", []string{"JWT_SECRET=" + testSecret})
	cfg.Security.Roles = []config.Role{{Name: "viewer", Permissions: []string{"benchmarks.read"}}}
	if _, err := New(newMemStore(), cfg, nil, nil); err == nil || !strings.Contains(err.Error(), "security.roles[0].permissions[0]") {
		t.Fatalf("New with benchmarks.read: %v", err)
	}
}

func TestPermissionRules(t *testing.T) {
	t.Parallel()
	rs, err := NewRoles(config.Security{DefaultRole: "viewer"})
	if err != nil {
		t.Fatal(err)
	}
	if got := rs.Names(); !slices.Equal(got, []string{"admin", "user", "viewer"}) {
		t.Fatalf("default roles %v", got)
	}
	tests := []struct {
		role, perm string
		want       bool
	}{
		{"admin", "plugin.install", true},
		{"admin", "anything.at_all", true},
		{"user", "benchmark.create", true},
		{"user", "apikey.manage", true},
		{"user", "apikey.admin", false},
		{"user", "plugin.install", false},
		{"viewer", "results.read", true},
		{"viewer", "benchmark.read", false},
		{"nobody", "results.read", false},
		{"admin", "", false},
	}
	for _, tc := range tests {
		if got := rs.Allows(tc.role, tc.perm); got != tc.want {
			t.Errorf("%s %s = %v", tc.role, tc.perm, got)
		}
	}
	role := Permissions{"benchmark.*", "results.read"}
	effTests := []struct {
		scopes Permissions
		want   Permissions
	}{
		{nil, role},
		{Permissions{"benchmark.read"}, Permissions{"benchmark.read"}},
		{Permissions{"benchmark.*"}, Permissions{"benchmark.create", "benchmark.read", "benchmark.cancel"}},
		{Permissions{"results.*"}, Permissions{"results.read"}},
		{Permissions{"*"}, Permissions{"benchmark.create", "benchmark.read", "benchmark.cancel", "results.read"}},
		{Permissions{"plugin.install"}, Permissions{}},
	}
	for _, tc := range effTests {
		if got := effective(role, tc.scopes); !slices.Equal(got, tc.want) {
			t.Errorf("effective(%v) = %v, want %v", tc.scopes, got, tc.want)
		}
	}
	if err := checkScopes(role, Permissions{"benchmark.read"}); err != nil {
		t.Error(err)
	}
	for _, bad := range []Permissions{{"results.*"}, {"*"}, {"plugin.install"}, {"benchmarks.read"}} {
		if checkScopes(role, bad) == nil {
			t.Errorf("scopes %v accepted for %v", bad, role)
		}
	}
}
