package simulator

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var converseSeeds = []string{
	`{"messages":[{"role":"user","content":[{"text":"Say hi in Portuguese"}]}],"system":[{"text":"You are a helpful assistant"}],"inferenceConfig":{"maxTokens":4000}}`,
	`{"messages":[{"role":"user","content":[{"text":"a"},{"image":{"format":"png","source":{"bytes":"AA=="}}}]},{"role":"assistant","content":[{"text":"b"}]},{"role":"user","content":[{"text":"c"}]}],"inferenceConfig":{"maxTokens":7,"temperature":0.5,"topP":0.9,"stopSequences":["x"]},"additionalModelRequestFields":{"top_k":5}}`,
	`{}`, `{"messages":[]}`, `{"messages":null}`, `{"Messages":[]}`, `{"inferenceConfig":{"maxTokens":1.5}}`, `{"inferenceConfig":null}`,
	`{"messages":[{"role":"user","content":[{"text":null}]}]}`, `{"system":[{"text":"a"}],"system":[{"text":"b"}]}`,
	`{"messages":[{"role":"user","content":"hi"}]}`, `{"messages":[{"role":"us\u0065r","content":[{"text":"\ud83d\ude00"}]}]}`,
	`{"messages":[{"role":"user","content":[{"text":"a"}]}],"inferenceConfig":{"maxTokens":3,"stopSequences":["b"]}}`, `{"messages":[],"inferenceConfig":{"stopSequences":null}}`,
}

// FuzzFastParseConverse is a differential fuzz test: whatever the fast
// parser accepts, encoding/json must accept and decode to the same request.
// Any body must also be answered by the full decoder without a panic.
func FuzzFastParseConverse(f *testing.F) {
	for _, s := range converseSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = parseConverseRequest(body)
		var fast converseRequest
		if !fastParseConverse(body, &fast) {
			return
		}
		var std converseRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

var invokeSeeds = []string{
	`{"max_tokens":4000,"messages":[{"content":[{"text":"Say hi in Portuguese","type":"text"}],"role":"user"}],"system":[{"text":"You are a helpful assistant","type":"text"}],"anthropic_version":"bedrock-2023-05-31"}`,
	`{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"system":"be brief","messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},{"type":"text","text":"c"}]}],"temperature":0.5,"anthropic_beta":["x"]}`,
	`{"model":"m","stream":true,"max_tokens":1,"messages":[]}`, `{}`, `{"Anthropic_Version":"x"}`, `{"max_tokens":1.5}`,
	`{"anthropic_version":null,"messages":null,"system":null}`, `{"anthropic_version":"a","anthropic_version":"b"}`,
	`{"anthropic_version":"bedrock-2023-05-31","max_tokens":5,"stop_sequences":["x"],"messages":[{"role":"user","content":"a"}]}`,
}

// FuzzFastParseInvoke is FuzzFastParseConverse for InvokeModel bodies.
func FuzzFastParseInvoke(f *testing.F) {
	for _, s := range invokeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = parseBedrockInvoke(body)
		var fast invokeRequest
		if !fastParseInvoke(body, &fast) {
			return
		}
		var std invokeRequest
		if err := json.Unmarshal(body, &std); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json says %v", body, err)
		}
		if diff := cmp.Diff(std, fast); diff != "" {
			t.Fatalf("%q (-encoding/json +fast):\n%s", body, diff)
		}
	})
}

func TestFastParseBedrockCommonShapes(t *testing.T) {
	t.Parallel()
	for i, body := range converseSeeds[:2] {
		var req converseRequest
		if !fastParseConverse([]byte(body), &req) {
			t.Errorf("converse seed %d: fast path refused %s", i, body)
		}
	}
	for i, body := range invokeSeeds[:2] {
		var req invokeRequest
		if !fastParseInvoke([]byte(body), &req) {
			t.Errorf("invoke seed %d: fast path refused %s", i, body)
		}
	}
	req, e := parseConverseRequest([]byte(converseSeeds[1]))
	if e != nil || *req.InferenceConfig.MaxTokens != 7 || converseText(req.Messages[0].Content) != "a" || converseText(req.Messages[2].Content) != "c" {
		t.Errorf("decoded %+v, %v", req, e)
	}
	multi := []converseBlock{{Text: ptr("a")}, {}, {Text: ptr("b")}}
	if got := converseText(multi); got != "a\nb" {
		t.Errorf("converseText = %q", got)
	}
}
