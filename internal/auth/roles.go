package auth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// Roles maps role names to their permissions: the table every check reads.
type Roles struct {
	order []string
	perms map[string]Permissions
}

// NewRoles builds the role table of sec: its [[security.roles]], or
// config.DefaultRoles when none are configured. Every permission must be
// known (config.KnownPermission); an error names the bad one.
func NewRoles(sec config.Security) (*Roles, error) {
	rs := &Roles{perms: map[string]Permissions{}}
	for i, r := range sec.RolesInForce() {
		if _, dup := rs.perms[r.Name]; dup || r.Name == "" {
			return nil, fmt.Errorf("security.roles[%d].name: %q is empty or defined twice", i, r.Name)
		}
		for j, p := range r.Permissions {
			if !config.KnownPermission(p) {
				return nil, fmt.Errorf("security.roles[%d].permissions[%d]: unknown permission %q", i, j, p)
			}
		}
		rs.order = append(rs.order, r.Name)
		rs.perms[r.Name] = slices.Clone(Permissions(r.Permissions))
	}
	if _, ok := rs.perms[sec.DefaultRole]; sec.DefaultRole != "" && !ok {
		return nil, fmt.Errorf("security.default_role: %q is not a role in force (%s)", sec.DefaultRole, strings.Join(rs.order, ", "))
	}
	return rs, nil
}

// Names returns the role names in configuration order.
func (rs *Roles) Names() []string { return slices.Clone(rs.order) }

// Permissions returns a role's permissions; ok is false for an unknown
// role (which grants nothing).
func (rs *Roles) Permissions(role string) (Permissions, bool) {
	p, ok := rs.perms[role]
	return slices.Clone(p), ok
}

// Allows reports whether role grants perm.
func (rs *Roles) Allows(role, perm string) bool { return rs.perms[role].Allows(perm) }

// expand lists the known permissions a set grants ("*" and "resource.*"
// spelled out), in KnownPermissions order.
func expand(ps Permissions) []string {
	var out []string
	for _, k := range config.KnownPermissions {
		if ps.Allows(k) {
			out = append(out, k)
		}
	}
	return out
}

// effective returns what an API key may do: its scopes narrowed to what
// the owner's role grants now. No scopes means the role's permissions.
func effective(role, scopes Permissions) Permissions {
	if len(scopes) == 0 {
		return slices.Clone(role)
	}
	if slices.Contains(scopes, AllPermissions) && slices.Contains(role, AllPermissions) {
		return Permissions{AllPermissions}
	}
	out := Permissions{}
	for _, p := range expand(scopes) {
		if role.Allows(p) {
			out = append(out, p)
		}
	}
	return out
}

// checkScopes says why scopes cannot be given to a key of role: a scope
// that is not a known permission, or one that grants more than the role.
func checkScopes(role, scopes Permissions) error {
	for _, s := range scopes {
		if !config.KnownPermission(s) {
			return fmt.Errorf("unknown scope %q", s)
		}
		if s == AllPermissions && !slices.Contains(role, AllPermissions) {
			return fmt.Errorf("scope %q exceeds your role's permissions", s)
		}
		for _, p := range expand(Permissions{s}) {
			if !role.Allows(p) {
				return fmt.Errorf("scope %q exceeds your role's permissions (%s)", s, p)
			}
		}
	}
	return nil
}
