package openai_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
	"github.com/llm-test-bench/llm-test-bench/provider/mistral"
)

// These tests run the openai client through the Mistral dialect as the
// registry builds it, against fakes in Mistral's shapes (PROVIDER_FACTS §6:
// embeddings are OpenAI-shaped; Mistral's usage also counts
// completion_tokens, 0 for embeddings).

const mistralKey = "mistral-test-key-0123456789"

func newMistral(t *testing.T, base, model string) provider.Provider {
	t.Helper()
	p, err := provider.New(provider.Config{ID: "mistral:" + model, Vendor: mistral.Vendor, Model: model, BaseURL: base, APIKey: mistralKey})
	if err != nil {
		t.Fatalf("provider.New: %v", err)
	}
	return p
}

func TestMistralEmbed(t *testing.T) {
	t.Parallel()
	const body = `{"id":"embd-aad6fc62b17349b192ef09225058bc45","object":"list","data":[{"object":"embedding","embedding":[-0.0165,0.0714,0.0315],"index":0},{"object":"embedding","embedding":[-0.0235,0.0493,0.0517],"index":1}],"model":"mistral-embed","usage":{"prompt_tokens":15,"total_tokens":15,"completion_tokens":0}}`
	srv := replay.Serve(t, []replay.Response{{Body: body, Headers: map[string][]string{"Content-Type": {"application/json"}}}})
	emb, ok := newMistral(t, srv.URL+"/v1", "mistral-embed").(provider.Embedder)
	if !ok {
		t.Fatal("the mistral provider is not a provider.Embedder")
	}
	got, err := emb.Embed(t.Context(), "", []string{"Embed this sentence.", "As well as this one."})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	want := provider.Embeddings{Vectors: [][]float64{{-0.0165, 0.0714, 0.0315}, {-0.0235, 0.0493, 0.0517}}, Model: "mistral-embed", Usage: bench.Usage{Prompt: 15, Total: 15}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embeddings (-want +got):\n%s", diff)
	}
	seen := srv.Requests()[0]
	var sent map[string]any
	if err := json.Unmarshal(seen.Body, &sent); err != nil {
		t.Fatal(err)
	}
	wantSent := map[string]any{"model": "mistral-embed", "input": []any{"Embed this sentence.", "As well as this one."}, "encoding_format": "float"}
	if diff := cmp.Diff(wantSent, sent); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	if seen.Path != "/v1/embeddings" || seen.Header.Get("Authorization") != "Bearer "+mistralKey {
		t.Errorf("request to %s with Authorization %q", seen.Path, seen.Header.Get("Authorization"))
	}
}

func TestMistralEmbedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		resp replay.Response
		kind provider.Kind
		in   string
	}{
		{"gateway 401", replay.Error(401, `{"message":"Unauthorized","request_id":"5d8a1c"}`), provider.KindAuth, "Unauthorized"},
		{"422 validation", replay.Error(422, `{"detail":[{"type":"string_type","loc":["body","input",0],"msg":"Input should be a valid string","input":42}]}`), provider.KindBadRequest, "Input should be a valid string at body.input.0"},
		{"429", replay.Error(429, `{"message":"Requests rate limit exceeded"}`), provider.KindRateLimited, "Requests rate limit exceeded"},
		{"fewer vectors than inputs", replay.Response{Body: `{"id":"embd-1","object":"list","data":[{"object":"embedding","embedding":[0.1],"index":0}],"model":"mistral-embed","usage":{"prompt_tokens":3,"total_tokens":3,"completion_tokens":0}}`}, provider.KindTransient, "1 embeddings for 2 inputs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			_, err := newMistral(t, srv.URL, "mistral-embed").(provider.Embedder).Embed(t.Context(), "", []string{"a", "b"})
			pe := provider.AsError(err)
			if pe == nil || pe.Kind != tt.kind || !strings.Contains(err.Error(), tt.in) {
				t.Fatalf("Embed error = %v, want %s containing %q", err, tt.kind, tt.in)
			}
			if strings.Contains(err.Error(), mistralKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}

// TestMistralNoLogprobs checks that Mistral, whose chat takes no logprobs,
// is not sent them when a judge asks for alternatives per token.
func TestMistralNoLogprobs(t *testing.T) {
	t.Parallel()
	const answer = `{"id":"cmpl-1","object":"chat.completion","created":1711929600,"model":"mistral-small-latest","choices":[{"index":0,"message":{"role":"assistant","content":"7","tool_calls":null,"prefix":false},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}}`
	srv := replay.Serve(t, []replay.Response{{Body: answer}})
	resp, err := newMistral(t, srv.URL, "mistral-small-latest").Generate(t.Context(), provider.Request{
		Messages: []bench.Message{{Role: bench.RoleUser, Content: "Score 1-10"}}, Sampling: provider.Sampling{TopLogprobs: 20},
	}, func(provider.Chunk) error { return nil })
	if err != nil || resp.Text != "7" || resp.TopLogprobs != nil || resp.Logprobs != nil {
		t.Fatalf("Generate = %+v, %v", resp, err)
	}
	var sent map[string]any
	if err := json.Unmarshal(srv.Requests()[0].Body, &sent); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"logprobs", "top_logprobs"} {
		if _, ok := sent[k]; ok {
			t.Errorf("request sends %s: %v", k, sent)
		}
	}
}

// TestMistralTools: Mistral takes OpenAI's tools and tool_choice and
// answers with whole calls (its documented function-calling response).
func TestMistralTools(t *testing.T) {
	t.Parallel()
	const body = `{"id":"cmpl-1","object":"chat.completion","model":"mistral-large-latest","choices":[{"index":0,"message":{"role":"assistant","content":"","tool_calls":[{"id":"D681PevKs","function":{"name":"retrieve_payment_status","arguments":"{\"transaction_id\": \"T1001\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":167,"completion_tokens":25,"total_tokens":192}}`
	srv := replay.Serve(t, []replay.Response{{Body: body}})
	tool := bench.Tool{Name: "retrieve_payment_status", Description: "Get payment status of a transaction",
		Parameters: map[string]any{"type": "object", "properties": map[string]any{"transaction_id": map[string]any{"type": "string"}}, "required": []any{"transaction_id"}}}
	p := newMistral(t, srv.URL+"/v1", "mistral-large-latest")
	if err := provider.CheckTools(p, []bench.Tool{tool}, &bench.ToolChoice{Mode: bench.ToolChoiceRequired}); err != nil {
		t.Fatalf("CheckTools: %v", err)
	}
	resp, err := p.Generate(t.Context(), provider.Request{Messages: []bench.Message{{Role: bench.RoleUser, Content: "What's the status of my transaction T1001?"}},
		Tools: []bench.Tool{tool}, ToolChoice: &bench.ToolChoice{Mode: bench.ToolChoiceRequired}}, func(provider.Chunk) error { return nil })
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	want := []bench.ToolCall{{ID: "D681PevKs", Name: "retrieve_payment_status", Arguments: `{"transaction_id": "T1001"}`}}
	if diff := cmp.Diff(want, resp.ToolCalls); diff != "" || resp.FinishReason != provider.FinishToolCalls {
		t.Errorf("finish %q, tool calls (-want +got):\n%s", resp.FinishReason, diff)
	}
	var sent map[string]any
	if err := json.Unmarshal(srv.Last(t).Body, &sent); err != nil {
		t.Fatal(err)
	}
	wantTools := []any{map[string]any{"type": "function", "function": map[string]any{"name": tool.Name, "description": tool.Description, "parameters": tool.Parameters}}}
	var gotTools any
	b, _ := json.Marshal(wantTools)
	var wantJSON any
	_ = json.Unmarshal(b, &wantJSON)
	gotTools = sent["tools"]
	if diff := cmp.Diff(wantJSON, gotTools); diff != "" || sent["tool_choice"] != "required" {
		t.Errorf("tool_choice %v, tools (-want +got):\n%s", sent["tool_choice"], diff)
	}
}
