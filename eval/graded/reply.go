package graded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// noVerdict is a judge call or reply that gave no verdict: why, and the
// text the judge sent (kept in the unscored verdict's Raw).
type noVerdict struct {
	reason string
	raw    string
}

func (e *noVerdict) Error() string { return e.reason }

// unscored is the verdict for err, with the calls v made on the way.
func unscored(v *judge.Verdict, err error) bench.Score {
	if nv, ok := errors.AsType[*noVerdict](err); ok {
		return v.Unscored(nv.reason, nv.raw)
	}
	return judge.Fail(v, err)
}

// ask makes one judge call and returns its reply. A failed call is a
// noVerdict with whatever text the judge sent.
func ask(ctx context.Context, v *judge.Verdict, t *judge.Template, vars map[string]string, top int) (eval.JudgeReply, error) {
	r, err := v.Ask(ctx, t, vars, top)
	if err != nil {
		return r, &noVerdict{reason: err.Error(), raw: r.Text}
	}
	return r, nil
}

// badReply is the noVerdict for a reply that breaks its contract.
func badReply(err error, raw string) error {
	return &noVerdict{reason: "unreadable judge reply: " + err.Error(), raw: raw}
}

// fields are the members of the first JSON object in a judge's reply. A
// member that is present must have its documented type: null is no
// exception.
type fields map[string]json.RawMessage

// firstObject returns the first JSON object in text (judge.JSONObjects).
func firstObject(text string) (fields, error) {
	objs := judge.JSONObjects(text, 1)
	if len(objs) == 0 {
		return nil, errors.New("no JSON object in the reply")
	}
	var f fields
	if err := json.Unmarshal(objs[0], &f); err != nil {
		return nil, fmt.Errorf("read JSON object: %w", err)
	}
	return f, nil
}

// str reads a string member; ok is false when it is absent.
func (f fields) str(key string) (s string, ok bool, err error) {
	raw, ok := f[key]
	if !ok {
		return "", false, nil
	}
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", true, fmt.Errorf("%q is %s, want a string", key, jsonKind(raw))
	}
	return s, true, nil
}

// num reads a number member; ok is false when it is absent.
func (f fields) num(key string) (n float64, ok bool, err error) {
	raw, ok := f[key]
	if !ok {
		return 0, false, nil
	}
	if jsonKind(raw) != "a number" || json.Unmarshal(raw, &n) != nil || math.IsInf(n, 0) {
		return 0, true, fmt.Errorf("%q is %s, want a finite number", key, jsonKind(raw))
	}
	return n, true, nil
}

// boolean reads a boolean member; ok is false when it is absent.
func (f fields) boolean(key string) (b bool, ok bool, err error) {
	raw, ok := f[key]
	if !ok {
		return false, false, nil
	}
	switch string(raw) {
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, true, fmt.Errorf("%q is %s, want the JSON boolean true or false", key, jsonKind(raw))
}

// jsonKind names the kind of a JSON value for a message.
func jsonKind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// reasonOf is the judge's reason for a verdict, cut to bench.RawLimit
// bytes, or fallback when the judge gave none.
func reasonOf(reason, fallback string) string {
	if reason == "" {
		return fallback
	}
	return bench.Truncate(reason, bench.RawLimit)
}
