package config

import (
	"strings"
	"testing"
	"time"
)

const longSecret = "0123456789abcdef0123456789abcdef-long-enough"

// Each row sets one bad [security] value; Load must report exactly one
// problem, on the row's key, saying what is wanted.
func TestValidateSecurity(t *testing.T) {
	t.Parallel()
	role := func(perm string) string {
		return "[security]\ndefault_role = \"r\"\n[[security.roles]]\nname = \"r\"\npermissions = [\"" + perm + "\"]"
	}
	tests := []struct{ name, body, key, msg string }{
		{"typo of a resource", role("benchmarks.read"), "security.roles[0].permissions[0]", `did you mean "benchmark.read"`},
		{"unknown action", role("benchmark.delete"), "security.roles[0].permissions[0]", "unknown permission"},
		{"unknown resource wildcard", role("benchmarks.*"), "security.roles[0].permissions[0]", "unknown permission"},
		{"default role outside the defaults", "[security]\ndefault_role = \"guest\"", "security.default_role", "admin, user, viewer"},
		{"short secret in a file", "[security]\njwt_secret = \"short\"", "security.jwt_secret", "at least 32"},
		{"secret env name", "[security]\njwt_secret_env = \"not a name\"", "security.jwt_secret_env", "environment variable"},
		{"rotation without a secret", "[[security.jwt_rotation]]\nretire_at = \"2030-01-01T00:00:00Z\"", "security.jwt_rotation[0]", "exactly one"},
		{"rotation with both", "[[security.jwt_rotation]]\nsecret = \"" + longSecret + "\"\nsecret_env = \"OLD\"\nretire_at = \"2030-01-01T00:00:00Z\"", "security.jwt_rotation[0]", "exactly one"},
		{"rotation short secret", "[[security.jwt_rotation]]\nsecret = \"short\"\nretire_at = \"2030-01-01T00:00:00Z\"", "security.jwt_rotation[0].secret", "at least 32"},
		{"rotation time", "[[security.jwt_rotation]]\nsecret_env = \"OLD\"\nretire_at = \"tomorrow\"", "security.jwt_rotation[0].retire_at", "RFC 3339"},
		{"access ttl", "[security]\naccess_ttl = \"0s\"", "security.access_ttl", "positive"},
		{"refresh lifetime", "[security]\nrefresh_lifetime = \"-1h\"", "security.refresh_lifetime", "positive"},
		{"idle beyond lifetime", "[security]\nrefresh_lifetime = \"1h\"\nrefresh_idle_timeout = \"2h\"", "security.refresh_idle_timeout", "never apply"},
		{"login failures", "[security]\nlogin_max_failures = 0", "security.login_max_failures", "at least 1"},
		{"login window", "[security]\nlogin_failure_window = \"0s\"", "security.login_failure_window", "positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(layers(t, "", tc.body+"\n", "", nil, nil))
			probs, _ := problemsOf(t, err)
			if len(probs) != 1 || probs[0].Key != tc.key || !strings.Contains(probs[0].Msg, tc.msg) {
				t.Fatalf("want one problem on %s saying %q, got:\n%s", tc.key, tc.msg, probs)
			}
			if strings.Contains(probs.Error(), longSecret) {
				t.Errorf("a secret was echoed:\n%s", probs)
			}
		})
	}
}

func TestSecurityAccepts(t *testing.T) {
	t.Parallel()
	body := "[security]\ndefault_role = \"ops\"\n[[security.roles]]\nname = \"ops\"\npermissions = [\"benchmark.*\", \"results.read\", \"*\"]\n" +
		"[[security.jwt_rotation]]\nsecret_env = \"OLD_JWT\"\nretire_at = \"2030-01-01T00:00:00Z\"\n"
	// A short JWT_SECRET meant for another program does not stop commands
	// other than serve (which checks it with CheckSigningSecrets).
	cfg, err := Load(layers(t, "", body, "", []string{"JWT_SECRET=short", "OLD_JWT=" + longSecret}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Security.RolesInForce(); len(got) != 1 || got[0].Name != "ops" {
		t.Errorf("roles in force: %+v", got)
	}
	if err := cfg.CheckSigningSecrets(); err == nil || !strings.Contains(err.Error(), "at least 32") || strings.Contains(err.Error(), "short") {
		t.Errorf("CheckSigningSecrets with a 5-byte secret: %v", err)
	}
}

func TestDefaultRolesWhenNoneConfigured(t *testing.T) {
	t.Parallel()
	cfg, err := Load(layers(t, "", "", "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range cfg.Security.RolesInForce() {
		names = append(names, r.Name)
		for _, p := range r.Permissions {
			if !KnownPermission(p) {
				t.Errorf("default role %s grants unknown %q", r.Name, p)
			}
		}
	}
	if strings.Join(names, ",") != "admin,user,viewer" || cfg.Security.DefaultRole != "viewer" {
		t.Errorf("default roles %v, default role %q", names, cfg.Security.DefaultRole)
	}
	s := cfg.Security
	if s.AccessTokenTTL != 15*time.Minute || s.RefreshTokenLifetime != 30*24*time.Hour || s.RefreshTokenIdleTimeout != 7*24*time.Hour || s.LoginMaxFailures != 5 || s.LoginFailureWindow != time.Minute {
		t.Errorf("defaults: %+v", s)
	}
}

func TestSigningSecrets(t *testing.T) {
	t.Parallel()
	retire := "2030-01-01T00:00:00Z"
	tests := []struct {
		name, body string
		env        []string
		wantErr    string
		wantCur    string
		wantPrev   int
	}{
		{"missing", "", nil, "no signing secret", "", 0},
		{"from JWT_SECRET", "", []string{"JWT_SECRET=" + longSecret}, "", longSecret, 0},
		{"named variable wins", "[security]\njwt_secret_env = \"MY_SECRET\"\n", []string{"JWT_SECRET=other", "MY_SECRET=" + longSecret + "-mine"}, "", longSecret + "-mine", 0},
		{"previous from a variable", "[[security.jwt_rotation]]\nsecret_env = \"OLD\"\nretire_at = \"" + retire + "\"\n", []string{"JWT_SECRET=" + longSecret, "OLD=" + longSecret + "-old"}, "", longSecret, 1},
		{"previous variable unset", "[[security.jwt_rotation]]\nsecret_env = \"OLD\"\nretire_at = \"" + retire + "\"\n", []string{"JWT_SECRET=" + longSecret}, "jwt_rotation[0]: the secret from OLD is 0 bytes", longSecret, 1},
		{"previous equals current", "[[security.jwt_rotation]]\nsecret_env = \"OLD\"\nretire_at = \"" + retire + "\"\n", []string{"JWT_SECRET=" + longSecret, "OLD=" + longSecret}, "is the current secret", longSecret, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(layers(t, "", tc.body, "", tc.env, nil))
			if err != nil {
				t.Fatal(err)
			}
			err = cfg.CheckSigningSecrets()
			if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("CheckSigningSecrets: %v, want %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), longSecret) {
				t.Errorf("error shows the secret: %v", err)
			}
			cur, prev := cfg.SigningSecrets()
			if string(cur.Secret) != tc.wantCur || len(prev) != tc.wantPrev {
				t.Errorf("current %q, %d previous", cur.Secret, len(prev))
			}
			if len(prev) == 1 && !prev[0].RetireAt.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("retire at %v", prev[0].RetireAt)
			}
		})
	}
}

func TestShowRedactsRotatedSecrets(t *testing.T) {
	t.Parallel()
	body := "[[security.jwt_rotation]]\nsecret = \"" + longSecret + "\"\nretire_at = \"2030-01-01T00:00:00Z\"\n"
	cfg, err := Load(layers(t, "", body, "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.ShowTOML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), longSecret) || !strings.Contains(string(out), "2030-01-01") {
		t.Errorf("rotated secret shown or retire_at hidden:\n%s", out)
	}
}
