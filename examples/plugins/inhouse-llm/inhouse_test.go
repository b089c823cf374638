package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestComplete(t *testing.T) {
	var sent map[string]any
	httpCall = func(req []byte) ([]byte, error) {
		if err := json.Unmarshal(req, &sent); err != nil {
			t.Fatal(err)
		}
		return []byte(`{"status":200,"body":"{\"output\":\"Paris\",\"tokens_in\":7,\"tokens_out\":1,\"stop_reason\":\"eos\"}"}`), nil
	}
	out, err := complete(nil, ltbplugin.CompleteInput{Model: "m1", BaseURL: "https://llm.internal.example/", Messages: []ltbplugin.Message{{Role: "user", Content: "Capital of France?"}}})
	if err != nil || out.Text != "Paris" || out.FinishReason != "stop" || out.Usage.PromptTokens != 7 {
		t.Errorf("complete = %+v, %v", out, err)
	}
	if sent["url"] != "https://llm.internal.example/v1/generate" || !strings.Contains(sent["body"].(string), "user: Capital of France?") {
		t.Errorf("sent %v", sent)
	}
	httpCall = func([]byte) ([]byte, error) { return []byte(`{"status":429,"body":"slow down"}`), nil }
	if out, _ := complete(nil, ltbplugin.CompleteInput{BaseURL: "https://x"}); out.Error == nil || out.Error.Kind != "rate_limited" {
		t.Errorf("429: %+v", out)
	}
}
