package rag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// The reply parsers read only their output contract: the first JSON
// object of the reply that has the contract's key, decoded strictly
// (a list where a list is due, 0 or 1 where a verdict is due). Anything
// else is an error, which the caller turns into an unscored verdict.

// object returns the top-level fields of the first JSON object in reply
// that has key with a value other than null.
func object(reply, key string) (map[string]json.RawMessage, error) {
	for _, o := range judge.JSONObjects(reply, 0) {
		var top map[string]json.RawMessage
		if json.Unmarshal(o, &top) != nil {
			continue
		}
		if v, ok := top[key]; ok && !isNull(v) {
			return top, nil
		}
	}
	return nil, fmt.Errorf("the judge's reply holds no JSON object with %q", key)
}

// decode unmarshals the value of key into dst.
func decode(reply, key string, dst any) error {
	top, err := object(reply, key)
	if err != nil {
		return err
	}
	return decodeField(top, key, dst)
}

func decodeField(top map[string]json.RawMessage, key string, dst any) error {
	if err := json.Unmarshal(top[key], dst); err != nil {
		return fmt.Errorf("the judge's %q does not follow the reply format: %w", key, err)
	}
	return nil
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// number reads a JSON number; null, strings and booleans are not numbers.
func number(raw json.RawMessage) (float64, bool) {
	var f float64
	if len(raw) == 0 || isNull(raw) || json.Unmarshal(raw, &f) != nil {
		return 0, false
	}
	return f, true
}

// binary reads a 0 or 1 verdict; anything else (true, "1", 0.5, null) is
// an error.
func binary(raw json.RawMessage, what string) (bool, error) {
	f, ok := number(raw)
	if !ok || (f != 0 && f != 1) {
		return false, fmt.Errorf("%s is %s, want 0 or 1", what, shown(raw))
	}
	return f == 1, nil
}

func shown(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "missing"
	}
	return bench.Truncate(string(raw), 40)
}

// parseStatements reads {"statements": [strings]}, dropping empty ones.
func parseStatements(reply string) ([]string, error) {
	var list []string
	if err := decode(reply, "statements", &list); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// check is one statement and the judge's 0/1 verdict on it.
type check struct {
	Statement string
	OK        bool
	Reason    string
}

// parseChecks reads {key: [{"statement", flag: 0|1, "reason"}]}.
func parseChecks(reply, key, flag string) ([]check, error) {
	var items []map[string]json.RawMessage
	if err := decode(reply, key, &items); err != nil {
		return nil, err
	}
	out := make([]check, len(items))
	for i, it := range items {
		ok, err := binary(it[flag], fmt.Sprintf("item %d: %s", i+1, flag))
		if err != nil {
			return nil, err
		}
		c := check{OK: ok}
		for _, f := range []struct {
			key string
			dst *string
		}{{"statement", &c.Statement}, {"reason", &c.Reason}} {
			if raw, set := it[f.key]; set && !isNull(raw) && json.Unmarshal(raw, f.dst) != nil {
				return nil, fmt.Errorf("item %d: %s is %s, want a string", i+1, f.key, shown(raw))
			}
		}
		out[i] = c
	}
	return out, nil
}

// parseVerdicts reads {"verdicts": [...]} with exactly n verdicts, one
// per statement in order.
func parseVerdicts(reply string, n int) ([]check, error) {
	out, err := parseChecks(reply, "verdicts", "verdict")
	if err != nil {
		return nil, err
	}
	if len(out) != n {
		return nil, fmt.Errorf("the judge gave %d verdicts for %d statements", len(out), n)
	}
	return out, nil
}

// parseClassifications reads {"classifications": [...]}.
func parseClassifications(reply string) ([]check, error) {
	return parseChecks(reply, "classifications", "attributed")
}

// parseRelevant reads {"relevant": [ints], "reason"} for units numbered
// 0..units-1 and returns the distinct indices, in the judge's order.
func parseRelevant(reply string, units int) ([]int, error) {
	var list []json.RawMessage
	if err := decode(reply, "relevant", &list); err != nil {
		return nil, err
	}
	seen := make(map[int]bool, len(list))
	out := make([]int, 0, len(list))
	for _, raw := range list {
		f, ok := number(raw)
		if !ok || f != math.Trunc(f) || f < 0 || f >= float64(units) {
			return nil, fmt.Errorf("the judge listed unit %s, but the units are numbered 0 to %d", shown(raw), units-1)
		}
		if i := int(f); !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	return out, nil
}

// questions is the answer-relevance reply.
type questions struct {
	Questions    []string
	Noncommittal bool
}

// maxQuestions is how many questions the answer-relevance prompt asks for.
const maxQuestions = 3

// parseQuestions reads {"questions": [up to 3 strings], "noncommittal":
// 0|1}; empty questions are dropped and at least one must remain.
func parseQuestions(reply string) (questions, error) {
	top, err := object(reply, "questions")
	if err != nil {
		return questions{}, err
	}
	var list []string
	if err := decodeField(top, "questions", &list); err != nil {
		return questions{}, err
	}
	if len(list) > maxQuestions {
		return questions{}, fmt.Errorf("the judge gave %d questions, want %d", len(list), maxQuestions)
	}
	var q questions
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			q.Questions = append(q.Questions, s)
		}
	}
	if len(q.Questions) == 0 {
		return questions{}, errors.New("the judge gave no question for the answer")
	}
	q.Noncommittal, err = binary(top["noncommittal"], "noncommittal")
	if err != nil {
		return questions{}, err
	}
	return q, nil
}
