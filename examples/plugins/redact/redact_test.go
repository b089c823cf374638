package main

import (
	"encoding/json"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

func TestTransform(t *testing.T) {
	t.Parallel()
	out, err := transform(json.RawMessage(`{"mask":"#"}`), ltbplugin.TransformInput{Stage: "request", Messages: []ltbplugin.Message{{Role: "user", Content: "Write to ann.lee@example.com now"}}})
	if err != nil || len(out.Messages) != 1 || out.Messages[0].Content != "Write to # now" {
		t.Errorf("request: %+v, %v", out, err)
	}
	out, err = transform(json.RawMessage(`{"strip_prefix":"Answer:"}`), ltbplugin.TransformInput{Stage: "response", Response: " Answer: Paris \n"})
	if err != nil || out.Response == nil || *out.Response != "Paris" {
		t.Errorf("response: %+v, %v", out, err)
	}
	if _, err := transform(json.RawMessage(`{}`), ltbplugin.TransformInput{Stage: "later"}); err == nil {
		t.Error("an unknown stage was accepted")
	}
}
