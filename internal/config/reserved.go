package config

import (
	"sort"
	"strings"
)

// The capabilities that will read the reserved keys.
const (
	capServer     = "the API server (serve)"
	capMonitoring = "monitoring (Prometheus metrics, alerts, tracing)"
	capExporters  = "exporters to outside tools (plugins)"
	capCallPolicy = "per-provider retries of the call policy"
	// capRBACOff: the server always checks roles; turning that off is
	// not offered, so the key stays unread.
	capRBACOff = "turning role checks off, which serve does not allow (roles always apply)"
)

// reservedKeys lists every key this version accepts, types and validates
// but does not read yet, with the capability that will read it. It is the
// one place to look: when a capability starts reading a key, delete its
// line. A key covers everything below it (server.rate_limit covers
// server.rate_limit.burst_size); "*" stands for any one name (a provider's).
var reservedKeys = []struct{ key, capability string }{
	{"monitoring.enable_realtime", capMonitoring},
	{"monitoring.websocket_port", capMonitoring},

	{"security.enable_rbac", capRBACOff},
	{"providers.*.models", capServer},

	{"integrations", capExporters},
}

// Reserved is a key that is set but that no code of this version reads.
type Reserved struct {
	Key string
	// Source is the file, variable or flag that set it.
	Source string
	// Capability is what will read it.
	Capability string
}

// ReservedSet lists the reserved keys that a file, a variable or a flag
// set, sorted by key, for `config validate` to warn about.
func (c *Config) ReservedSet() []Reserved {
	var out []Reserved
	for key, from := range c.set {
		if strings.Contains(key, "[") {
			continue // an item of a list, which is set (and reported) as a whole
		}
		if capability, ok := reservedFor(key); ok {
			out = append(out, Reserved{Key: key, Source: from.at(), Capability: capability})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// reservedFor returns the capability a key is reserved for.
func reservedFor(key string) (string, bool) {
	segs := splitPath(key)
	for _, r := range reservedKeys {
		if coveredBy(segs, strings.Split(r.key, ".")) {
			return r.capability, true
		}
	}
	return "", false
}

// coveredBy reports whether the path segs lies at or below pattern.
func coveredBy(segs, pattern []string) bool {
	if len(segs) < len(pattern) {
		return false
	}
	for i, p := range pattern {
		if p != "*" && p != segs[i] {
			return false
		}
	}
	return true
}
