package ltbplugin

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The handler is package state, so these tests run one after another.

func TestDispatchEvaluator(t *testing.T) {
	HandleEvaluator(func(cfg json.RawMessage, in EvalInput) (EvalResult, error) {
		switch in.Response {
		case "fail":
			return EvalResult{}, errors.New("boom")
		case "bad":
			return EvalResult{}, BadInput(errors.New("no"))
		}
		return EvalResult{Score: 0.5, Reason: string(cfg) + "|" + in.Response}, nil
	})
	t.Cleanup(func() { handler, evaluator = nil, nil })
	for _, tc := range []struct {
		name, env string
		status    int32
		want      string
	}{
		{"ok", `{"abi":1,"op":"evaluate","config":{"k":1},"input":{"response":"hi"}}`, StatusOK, `{"score":0.5,"reason":"{\"k\":1}|hi"}`},
		{"plugin error", `{"abi":1,"op":"evaluate","input":{"response":"fail"}}`, StatusError, "boom"},
		{"bad input", `{"abi":1,"op":"evaluate","input":{"response":"bad"}}`, StatusBadInput, "no"},
		{"unknown op", `{"abi":1,"op":"export","input":{}}`, StatusBadInput, "unknown op"},
		{"other abi", `{"abi":2,"op":"evaluate","input":{}}`, StatusBadInput, "abi 2"},
		{"not json", `{"abi":`, StatusBadInput, "envelope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, status, msg := Dispatch([]byte(tc.env))
			if status != tc.status || !strings.Contains(string(out)+msg, tc.want) {
				t.Errorf("Dispatch = %s, %d, %q; want %d with %q", out, status, msg, tc.status, tc.want)
			}
		})
	}
}

func TestDispatchHandler(t *testing.T) {
	Handle(func(req Request) (any, error) { return map[string]string{"op": req.Op}, nil })
	t.Cleanup(func() { handler = nil })
	out, status, _ := Dispatch([]byte(`{"abi":1,"op":"transform","input":{}}`))
	if status != StatusOK || string(out) != `{"op":"transform"}` {
		t.Errorf("Dispatch = %s, %d", out, status)
	}
	handler = nil
	if _, status, msg := Dispatch([]byte(`{"abi":1}`)); status != StatusError || !strings.Contains(msg, "no handler") {
		t.Errorf("no handler: %d %q", status, msg)
	}
}
