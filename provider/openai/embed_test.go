package openai

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestEmbed(t *testing.T) {
	t.Parallel()
	// The documented response shape (PROVIDER_FACTS §2), data out of order.
	const body = `{"object":"list","data":[{"object":"embedding","embedding":[0.5,-1],"index":1},{"object":"embedding","embedding":[0.0023064255,-0.009327292],"index":0}],` +
		`"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}`
	tests := []struct {
		name     string
		opts     map[string]any
		d        *Dialect
		model    string
		wantPath string
		wantBody map[string]any
	}{
		{"default model", nil, nil, "", "/embeddings", map[string]any{
			"model": "text-embedding-3-small", "input": []any{"a", "b"}, "encoding_format": "float"}},
		{"model argument and dimensions", map[string]any{"dimensions": 256}, nil, "text-embedding-3-large", "/embeddings", map[string]any{
			"model": "text-embedding-3-large", "input": []any{"a", "b"}, "encoding_format": "float", "dimensions": float64(256)}},
		{"dialect path and dimensions field", map[string]any{"dimensions": 512}, &Dialect{Vendor: "v", DimensionsField: "output_dimension",
			EmbedPath: func(m string) string { return "/deployments/" + m + "/embeddings?api-version=1" }}, "", "/deployments/text-embedding-3-small/embeddings", map[string]any{
			"model": "text-embedding-3-small", "input": []any{"a", "b"}, "encoding_format": "float", "output_dimension": float64(512)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, 200, nil, body)
			cfg := provider.Config{Model: "text-embedding-3-small", BaseURL: srv.URL, APIKey: testKey, Options: tt.opts}
			var c *Client
			var err error
			if tt.d != nil {
				c, err = NewCompatible(cfg, *tt.d)
			} else {
				c, err = New(cfg)
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got, err := c.Embed(t.Context(), tt.model, []string{"a", "b"})
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			want := provider.Embeddings{Vectors: [][]float64{{0.0023064255, -0.009327292}, {0.5, -1}}, Model: "text-embedding-3-small", Usage: bench.Usage{Prompt: 8, Total: 8}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("embeddings (-want +got):\n%s", diff)
			}
			seen := srv.Last(t)
			if seen.Path != tt.wantPath || seen.Method != "POST" {
				t.Errorf("request %s %s, want POST %s", seen.Method, seen.Path, tt.wantPath)
			}
			var gotBody map[string]any
			if err := json.Unmarshal(seen.Body, &gotBody); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantBody, gotBody); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		d        Dialect
		model    string
		wantKind provider.Kind
	}{
		{"count mismatch", 200, `{"data":[{"embedding":[1],"index":0}]}`, Dialect{}, "m", provider.KindTransient},
		{"malformed", 200, `{"data":[`, Dialect{}, "m", provider.KindTransient},
		{"auth", 401, `{"error":{"message":"Incorrect API key provided: ` + testKey + `","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, Dialect{}, "m", provider.KindAuth},
		{"no embeddings route", 200, `{}`, Dialect{NoEmbeddings: true}, "m", provider.KindBadRequest},
		{"no model", 200, `{}`, Dialect{}, "", provider.KindBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fixed(t, tt.status, nil, tt.body)
			c, err := NewCompatible(provider.Config{Model: tt.model, BaseURL: srv.URL, APIKey: testKey}, tt.d)
			if err != nil {
				t.Fatalf("NewCompatible: %v", err)
			}
			_, err = c.Embed(t.Context(), "", []string{"a", "b"})
			if pe := provider.AsError(err); pe == nil || pe.Kind != tt.wantKind {
				t.Fatalf("Embed error = %v, want %s", err, tt.wantKind)
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error leaks the key: %v", err)
			}
		})
	}
}
