package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestNotify(t *testing.T) {
	var sent string
	status := 200
	httpCall = func(req []byte) ([]byte, error) {
		sent = string(req)
		b, _ := json.Marshal(map[string]int{"status": status})
		return b, nil
	}
	in := ltbplugin.NotifyInput{Status: "firing", Alert: json.RawMessage(`{"rule":"slow","severity":"error","message":"p95 over 5s"}`)}
	out, err := notify(json.RawMessage(`{"url":"https://hooks.slack.com/x"}`), in)
	if err != nil || !out.Delivered || !strings.Contains(sent, `[error] firing: p95 over 5s (rule slow)`) {
		t.Errorf("notify = %+v, %v; sent %s", out, err, sent)
	}
	status = 503
	if out, _ := notify(json.RawMessage(`{"url":"https://hooks.slack.com/x"}`), in); out.Delivered || !out.Retry {
		t.Errorf("503: %+v", out)
	}
	if _, err := notify(json.RawMessage(`{}`), in); err == nil {
		t.Error("no url accepted")
	}
}
