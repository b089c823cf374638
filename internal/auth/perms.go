package auth

import (
	"slices"
	"strings"
)

// AllPermissions is the wildcard that grants everything.
const AllPermissions = "*"

// Permissions is a set of permission strings: "*", "resource.*" or
// "resource.action".
type Permissions []string

// Allows reports whether the set grants perm (a "resource.action").
// Deny by default: only "*", "resource.*" and the exact string match.
// Asked for "*" itself, only "*" grants it.
func (ps Permissions) Allows(perm string) bool {
	if perm == AllPermissions {
		return slices.Contains(ps, AllPermissions)
	}
	res, _, ok := strings.Cut(perm, ".")
	if !ok {
		return false
	}
	for _, p := range ps {
		if p == AllPermissions || p == perm || p == res+".*" {
			return true
		}
	}
	return false
}
