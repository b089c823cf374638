package promexp

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Limits on distinct label values. Beyond them a new value is reported as
// "other", so a run over thousands of models or a suite with thousands of
// metric names cannot grow the series without bound.
const (
	maxTargets    = 200
	maxModels     = 200
	maxEvaluators = 100
	// maxLabelBytes cuts a label value that is unreasonably long.
	maxLabelBytes = 128
	// overflow is the label of values beyond a limit.
	overflow = "other"
	// unknownValue is the label of an empty value (a failed call has no model).
	unknownValue = "unknown"
)

// boundedSet admits up to max distinct values and maps the rest to
// "other". It is safe for concurrent use.
type boundedSet struct {
	mu   sync.RWMutex
	max  int
	seen map[string]struct{}
}

func newBoundedSet(max int) *boundedSet {
	return &boundedSet{max: max, seen: map[string]struct{}{}}
}

// label returns v as a label value: cleaned, or "other" once the set is full.
func (s *boundedSet) label(v string) string {
	v = clean(v)
	s.mu.RLock()
	_, ok := s.seen[v]
	s.mu.RUnlock()
	if ok {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[v]; ok {
		return v
	}
	if len(s.seen) >= s.max {
		return overflow
	}
	s.seen[v] = struct{}{}
	return v
}

// clean makes v a valid, short label value: client_golang refuses invalid
// UTF-8, and an empty value reads as "unknown".
func clean(v string) string {
	if v == "" {
		return unknownValue
	}
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "?")
	}
	if len(v) > maxLabelBytes {
		v = v[:maxLabelBytes]
		for !utf8.ValidString(v) {
			v = v[:len(v)-1]
		}
	}
	return v
}
