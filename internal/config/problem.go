package config

import (
	"sort"
	"strings"
)

// Problem is one configuration error: where the value came from, the key it
// concerns, the offending value when there is one, and what is wrong.
type Problem struct {
	// Source is the file (with line and column for a syntax error), the
	// environment variable or "command line" that set the value; "" when
	// the problem is not tied to one place.
	Source string
	// Key is the dotted path of the setting, such as benchmarks.concurrency.
	Key string
	// Value is the offending value as written, already redacted when the key
	// can hold a secret; "" when the message needs none.
	Value string
	Msg   string
}

// String renders the problem as "SOURCE: KEY = VALUE: MESSAGE", leaving out
// the parts that are empty.
func (p Problem) String() string {
	var b strings.Builder
	if p.Source != "" {
		b.WriteString(p.Source)
		b.WriteString(": ")
	}
	if p.Key != "" {
		b.WriteString(p.Key)
		if p.Value != "" {
			b.WriteString(" = ")
			b.WriteString(p.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found at once.
type Problems []Problem

func (p Problems) Error() string {
	lines := make([]string, len(p))
	for i, pr := range p {
		lines[i] = pr.String()
	}
	return strings.Join(lines, "\n")
}

// sorted orders problems by key, then source, keeping the order of equals.
func (p Problems) sorted() Problems {
	sort.SliceStable(p, func(i, j int) bool {
		if p[i].Key != p[j].Key {
			return p[i].Key < p[j].Key
		}
		return p[i].Source < p[j].Source
	})
	return p
}

// LoadError is what Load returns when the configuration has problems: every
// syntax, unknown-key, type and validation problem of every layer at once.
type LoadError struct {
	Problems Problems
	// Config is the configuration without the values that were refused
	// (defaults stand in for them), so that `config validate` and `config
	// show` can still work on the rest. Nothing should run on it.
	Config *Config
}

func (e *LoadError) Error() string {
	return "invalid configuration:\n" + e.Problems.Error()
}
