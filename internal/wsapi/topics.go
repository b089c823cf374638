package wsapi

import (
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/auth"
	"github.com/llm-test-bench/llm-test-bench/internal/live"
)

// topicPermission is the permission reading the topic pattern needs:
// benchmark.* topics need benchmark.read, metrics.* and alerts.* need
// metrics.read, and "*" (every topic) only a holder of "*". Any other
// topic is unknown.
func topicPermission(pattern string) (string, bool) {
	if pattern == live.AllTopics {
		return auth.AllPermissions, true
	}
	first, _, _ := strings.Cut(pattern, ".")
	switch first {
	case "benchmark":
		return "benchmark.read", true
	case "metrics", "alerts":
		return "metrics.read", true
	}
	return "", false
}

// checkTopic reports why p may not subscribe to pattern, or nil.
func checkTopic(p *auth.Principal, pattern string) error {
	if live.ValidPattern(pattern) != nil {
		return fmt.Errorf("topic %s: want dotted names such as benchmark.progress or metrics.*", quoteShort(pattern))
	}
	perm, ok := topicPermission(pattern)
	switch {
	case !ok:
		return fmt.Errorf("topic %s: unknown; want benchmark.*, metrics.* or alerts.*", quoteShort(pattern))
	case perm == auth.AllPermissions && !p.SeesAll(), perm != auth.AllPermissions && !p.Can(perm):
		return fmt.Errorf("topic %s: not permitted", quoteShort(pattern))
	}
	return nil
}

// visibleTo returns the hub filter of p's connection: a message about an
// object someone owns reaches its owner and those who see everything.
func visibleTo(p *auth.Principal) func(live.Message) bool {
	return func(m live.Message) bool { return m.Owner == "" || p.Owns(m.Owner) }
}
