package simulator

import (
	"bytes"
	"net/http"
	"testing"
)

func TestOpenAIRouteUnderAnyPrefix(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 1, Policy: PolicyEcho})
	body := chatBody(t, "hello there", nil)
	for _, path := range []string{
		"/../chat/completions",                         // DeepSeek, Perplexity
		"/../openai/v1/chat/completions",               // Groq, Azure's v1 route
		"/../api/v1/chat/completions",                  // OpenRouter (not Ollama's /api)
		"/../openai/deployments/gpt4/chat/completions", // Azure deployments
		"/../vendor/groq/openai/v1/chat/completions",   // bench --simulate
		"/../vendor/anthropic/v1/chat/completions",     // any flavour, any wire
	} {
		resp, b := ts.post(t, path, body)
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"chat.completion"`)) || !bytes.Contains(b, []byte("hello there")) {
			t.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
	}
	for _, path := range []string{"/../openai/v1/models", "/../vendor/xai/v1/models"} {
		resp, b := ts.do(t, http.MethodGet, path, "")
		if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"object":"list"`)) {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, b)
		}
	}
}

func TestVendorPrefixServesThatWire(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 1, Policy: PolicyEcho})
	resp, b := ts.post(t, "/../vendor/gemini/v1beta/models/gemini-2.5-flash:generateContent",
		`{"contents":[{"role":"user","parts":[{"text":"hi gemini"}]}]}`)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"usageMetadata"`)) {
		t.Errorf("gemini under /vendor: %d %s", resp.StatusCode, b)
	}
	resp, b = ts.post(t, "/../vendor/ollama/api/chat", `{"model":"llama3.2","stream":false,"messages":[{"role":"user","content":"hi ollama"}]}`)
	if resp.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(`"done":true`)) {
		t.Errorf("ollama under /vendor: %d %s", resp.StatusCode, b)
	}
}

func TestMistralStreamsCarryUsageUnasked(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 1, Policy: PolicyEcho})
	body := chatBody(t, "count me", map[string]any{"stream": true})
	_, plain := ts.post(t, "/../v1/chat/completions", body)
	_, mistral := ts.post(t, "/../vendor/mistral/v1/chat/completions", body)
	if bytes.Contains(plain, []byte(`"prompt_tokens"`)) {
		t.Error("OpenAI stream without include_usage carries usage")
	}
	if !bytes.Contains(mistral, []byte(`"prompt_tokens"`)) || bytes.Contains(mistral, []byte(`"obfuscation"`)) {
		t.Errorf("Mistral stream: want usage and no obfuscation:\n%s", mistral)
	}
}
