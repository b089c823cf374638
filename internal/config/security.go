package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// KnownPermissions are the "resource.action" strings the server checks.
// A role may grant only these, "resource.*" for one of their resources,
// or "*"; anything else (a typo such as benchmarks.read) is refused.
var KnownPermissions = []string{
	"benchmark.create", "benchmark.read", "benchmark.cancel",
	"results.read", "results.export",
	"provider.read", "provider.health",
	"evaluate.run",
	"plugin.read", "plugin.install", "plugin.uninstall", "plugin.reload",
	"metrics.read",
	"settings.update",
	"apikey.manage", "apikey.admin",
	"user.admin",
	"audit.read",
	"worker.join",
}

// MinJWTSecretBytes is the shortest signing secret accepted (HS256 wants
// a key at least as long as its hash).
const MinJWTSecretBytes = 32

// DefaultRoles are the roles in force when [[security.roles]] defines none.
func DefaultRoles() []Role {
	return []Role{
		{Name: "admin", Permissions: []string{"*"}},
		{Name: "user", Permissions: []string{
			"benchmark.create", "benchmark.read", "benchmark.cancel",
			"results.read", "results.export", "provider.read", "evaluate.run", "apikey.manage",
		}},
		{Name: "viewer", Permissions: []string{"results.read"}},
	}
}

// RolesInForce returns the configured roles, or DefaultRoles when none are.
func (s Security) RolesInForce() []Role {
	if len(s.Roles) == 0 {
		return DefaultRoles()
	}
	return s.Roles
}

// KnownPermission reports whether p is "*", a known permission, or
// "resource.*" for a resource that has known permissions.
func KnownPermission(p string) bool {
	if p == "*" || slices.Contains(KnownPermissions, p) {
		return true
	}
	res, ok := strings.CutSuffix(p, ".*")
	if !ok {
		return false
	}
	return slices.ContainsFunc(KnownPermissions, func(k string) bool { return strings.HasPrefix(k, res+".") })
}

// SigningSecret is one HS256 secret of the server.
type SigningSecret struct {
	Secret []byte
	// RetireAt is zero for the current secret.
	RetireAt time.Time
	// Source names where the secret came from (never the secret).
	Source string
}

// SigningSecrets returns the current signing secret and the previous ones
// as configured, unchecked: "" for a secret that is not set. See Security.
func (c *Config) SigningSecrets() (current SigningSecret, previous []SigningSecret) {
	s := c.Security
	current = SigningSecret{Secret: []byte(s.JWTSecret), Source: "security.jwt_secret"}
	if s.JWTSecretEnv != "" {
		v, _ := c.Env(s.JWTSecretEnv)
		current = SigningSecret{Secret: []byte(v), Source: s.JWTSecretEnv}
	}
	for i, p := range s.JWTPreviousSecrets {
		ps := SigningSecret{Secret: []byte(p.Secret), Source: fmt.Sprintf("security.jwt_rotation[%d].secret", i)}
		if p.SecretEnv != "" {
			v, _ := c.Env(p.SecretEnv)
			ps = SigningSecret{Secret: []byte(v), Source: p.SecretEnv}
		}
		ps.RetireAt, _ = time.Parse(time.RFC3339, p.RetireAt)
		previous = append(previous, ps)
	}
	return current, previous
}

// CheckSigningSecrets reports why the signing secrets cannot serve, or
// nil: the current one missing or shorter than MinJWTSecretBytes, a
// previous one short, without a valid retire_at, or equal to the current.
// The server calls it at start-up; messages never hold a secret.
func (c *Config) CheckSigningSecrets() error {
	cur, prev := c.SigningSecrets()
	switch {
	case len(cur.Secret) == 0:
		return fmt.Errorf("no signing secret: set the %s environment variable (or [security] jwt_secret_env) to at least %d random bytes, e.g. the output of `openssl rand -base64 48`", JWTSecretEnv, MinJWTSecretBytes)
	case len(cur.Secret) < MinJWTSecretBytes:
		return fmt.Errorf("the signing secret from %s is %d bytes; it must be at least %d", cur.Source, len(cur.Secret), MinJWTSecretBytes)
	}
	for i, p := range prev {
		key := fmt.Sprintf("security.jwt_rotation[%d]", i)
		switch {
		case len(p.Secret) < MinJWTSecretBytes:
			return fmt.Errorf("%s: the secret from %s is %d bytes; it must be at least %d", key, p.Source, len(p.Secret), MinJWTSecretBytes)
		case p.RetireAt.IsZero():
			return fmt.Errorf("%s.retire_at: want an RFC 3339 time such as 2026-08-01T12:00:00Z", key)
		case string(p.Secret) == string(cur.Secret):
			return fmt.Errorf("%s: is the current secret; a previous secret must differ from it", key)
		}
	}
	return nil
}
