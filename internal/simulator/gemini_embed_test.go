package simulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/gemini"
)

func TestGeminiEmbedShape(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 101})
	resp, body := ts.send(t, http.MethodPost, "/v1beta/models/gemini-embedding-001:embedContent",
		`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a b"},{"text":"c"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":24}`, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
	}
	var one geminiEmbedding
	decodeStrict(t, body, &one)
	if diff := cmp.Diff(wantVectors([]string{"a b\nc"}, 24), asFloat32([][]float64{one.Embedding.Values})); diff != "" {
		t.Errorf("parts join with newlines (-want +got):\n%s", diff)
	}
	// Each request of a batch has its own size.
	_, body = ts.send(t, http.MethodPost, "/v1beta/models/gemini-embedding-001:batchEmbedContents",
		`{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"x"}]},"output_dimensionality":8},`+
			`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"y"}]}}]}`, nil)
	var batch geminiBatchEmbeddings
	decodeStrict(t, body, &batch)
	if len(batch.Embeddings) != 2 || len(batch.Embeddings[0].Values) != 8 || len(batch.Embeddings[1].Values) != EmbedDimensions {
		t.Errorf("batch %s", body)
	}
}

func TestGeminiEmbedBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 102})
	const one, batch = "/v1beta/models/m:embedContent", "/v1beta/models/m:batchEmbedContents"
	req := func(model string) string {
		return `{"model":"` + model + `","content":{"parts":[{"text":"x"}]}}`
	}
	tests := []struct {
		name, path, body, want string
	}{
		{"no content", one, `{}`, "* EmbedContentRequest.content: content is not specified\n"},
		{"no parts", one, `{"content":{"parts":[]}}`, "* EmbedContentRequest.content.parts: contents.parts must not be empty.\n"},
		{"empty part", one, `{"content":{"parts":[{"text":""}]}}`, "EmbedContentRequest.content contains an empty Part."},
		{"non-text part", one, `{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}`, "EmbedContentRequest.content contains an empty Part."},
		{"negative size", one, `{"content":{"parts":[{"text":"x"}]},"outputDimensionality":-1}`, "* EmbedContentRequest.output_dimensionality: must be between 1 and 4096, got -1\n"},
		{"wrong type", one, `{"content":{"parts":[{"text":1}]}}`, "Invalid value at 'content.parts.text' (TYPE_STRING), number"},
		{"no requests", batch, `{"requests":[]}`, "* BatchEmbedContentsRequest.requests: requests is not specified\n"},
		{"too many", batch, `{"requests":[` + strings.Repeat(req("models/m")+",", 100) + req("models/m") + `]}`,
			"* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n"},
		{"no model", batch, `{"requests":[` + req("models/m") + `,{"content":{"parts":[{"text":"x"}]}}]}`,
			"* BatchEmbedContentsRequest.requests[1].model: model is not specified\n"},
		{"bare model", batch, `{"requests":[` + req("m") + `]}`, "* BatchEmbedContentsRequest.requests[0].model: unexpected model name format\n"},
		{"empty part in batch", batch, `{"requests":[{"model":"models/m","content":{"parts":[{"text":""}]}}]}`,
			"BatchEmbedContentsRequest.requests[0].content contains an empty Part."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.send(t, http.MethodPost, tt.path, tt.body, nil)
			var e gemError
			decodeStrict(t, body, &e)
			if resp.StatusCode != 400 || e.Error.Code != 400 || e.Error.Status != "INVALID_ARGUMENT" || e.Error.Message != tt.want {
				t.Errorf("%d %+v, want 400 INVALID_ARGUMENT %q", resp.StatusCode, e.Error, tt.want)
			}
		})
	}
}

// TestGeminiEmbedClient drives the project's Gemini client (provider/gemini),
// which batches, against the route.
func TestGeminiEmbedClient(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 103})
	c, err := gemini.New(provider.Config{Vendor: "gemini", Model: "gemini-embedding-001", APIKey: "simulated",
		BaseURL: strings.TrimSuffix(ts.url, "/v1")})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"The cat sat on the mat", "A dog barked", "The cat sat on the mat"}
	got, err := c.Embed(t.Context(), "", texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if diff := cmp.Diff(wantVectors(texts, 0), asFloat32(got.Vectors)); diff != "" {
		t.Errorf("vectors (-want +got):\n%s", diff)
	}
	if got.Model != "gemini-embedding-001" {
		t.Errorf("model %q", got.Model)
	}
}
