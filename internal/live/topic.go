package live

import (
	"errors"
	"fmt"
	"strings"
)

// AllTopics is the pattern that matches every topic.
const AllTopics = "*"

// maxPatternLen bounds a topic pattern; topics are short dotted names.
const maxPatternLen = 128

// ValidPattern reports why p is not a topic pattern, or nil. A pattern is
// a dotted topic ("benchmark.progress"), a prefix and one wildcard
// segment ("metrics.*": metrics.latency, not metrics.a.b), or "*" (every
// topic). Segments are lower-case letters, digits, '_' and '-'.
func ValidPattern(p string) error {
	if p == AllTopics {
		return nil
	}
	if p == "" || len(p) > maxPatternLen {
		return fmt.Errorf("topic pattern %q: want 1 to %d characters", p, maxPatternLen)
	}
	segs := strings.Split(p, ".")
	for i, s := range segs {
		if s == "*" && i == len(segs)-1 && i > 0 {
			continue
		}
		if !validSegment(s) {
			return fmt.Errorf("topic pattern %q: want dotted names such as benchmark.progress or metrics.*", p)
		}
	}
	return nil
}

func validSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

// pattern is a checked topic pattern.
type pattern struct {
	text string
	// prefix is set for "x.y.*": "x.y." and a topic matches when it has
	// the prefix and one more segment.
	prefix string
	all    bool
}

func compile(ps []string) ([]pattern, error) {
	out := make([]pattern, 0, len(ps))
	var errs []error
	for _, p := range ps {
		if err := ValidPattern(p); err != nil {
			errs = append(errs, err)
			continue
		}
		c := pattern{text: p, all: p == AllTopics}
		if rest, ok := strings.CutSuffix(p, ".*"); ok {
			c.prefix = rest + "."
		}
		out = append(out, c)
	}
	return out, errors.Join(errs...)
}

func (p pattern) match(topic string) bool {
	switch {
	case p.all:
		return true
	case p.prefix != "":
		rest, ok := strings.CutPrefix(topic, p.prefix)
		return ok && rest != "" && !strings.Contains(rest, ".")
	default:
		return topic == p.text
	}
}

// Match reports whether topic matches the pattern p; an invalid p
// matches nothing.
func Match(p, topic string) bool {
	ps, err := compile([]string{p})
	return err == nil && ps[0].match(topic)
}
