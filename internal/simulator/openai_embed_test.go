package simulator

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/openai"
)

func TestOpenAIEmbedShape(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 91})
	resp, body := ts.post(t, "/embeddings", `{"model":"text-embedding-3-small","input":"The quick brown fox","dimensions":16,"user":"u1"}`)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(resp.Header.Get("X-Request-Id"), "req_") {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Header, body)
	}
	var r openAIEmbeddings[[]float64]
	decodeStrict(t, body, &r)
	if r.Object != "list" || r.Model != "text-embedding-3-small" || len(r.Data) != 1 || r.Data[0].Object != "embedding" || r.Data[0].Index != 0 ||
		len(r.Data[0].Embedding) != 16 || r.Usage.PromptTokens != 4 || r.Usage.TotalTokens != 4 {
		t.Errorf("response %+v", r)
	}
	_, body = ts.post(t, "/embeddings", `{"model":"m","input":[[1,2,3],[4]]}`)
	decodeStrict(t, body, &r)
	if len(r.Data) != 2 || r.Data[1].Index != 1 || r.Usage.PromptTokens != 4 {
		t.Errorf("token ids: %+v", r)
	}
	if diff := cmp.Diff(wantVectors([]string{"1 2 3", "4"}, 0), asFloat32([][]float64{r.Data[0].Embedding, r.Data[1].Embedding})); diff != "" {
		t.Errorf("token ids embed as their numbers (-want +got):\n%s", diff)
	}
}

func TestOpenAIEmbedBadRequests(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 92})
	long := strings.Repeat("word ", openAIMaxInputTokens+1)
	many := `["` + strings.Repeat(`a","`, openAIMaxInputs) + `a"]`
	const invalid = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."
	tests := []struct {
		name, body  string
		param, code string // "" means null
		message     string // a substring
	}{
		{"no model", `{"input":"x"}`, "", "", "you must provide a model parameter"},
		{"empty model", `{"model":"","input":"x"}`, "", "", "you must provide a model parameter"},
		{"no input", `{"model":"m"}`, "input", "missing_required_parameter", "Missing required parameter: 'input'."},
		{"null input", `{"model":"m","input":null}`, "input", "missing_required_parameter", "Missing required parameter: 'input'."},
		{"empty string", `{"model":"m","input":""}`, "", "", invalid},
		{"empty array", `{"model":"m","input":[]}`, "", "", invalid},
		{"empty element", `{"model":"m","input":["a",""]}`, "", "", invalid},
		{"empty token list", `{"model":"m","input":[[]]}`, "", "", invalid},
		{"number", `{"model":"m","input":5}`, "", "", invalid},
		{"mixed array", `{"model":"m","input":["a",1]}`, "", "", invalid},
		{"too many", `{"model":"m","input":` + many + `}`, "input", "array_above_max_length", "maximum length 2048, but got an array with length 2049"},
		{"too long", `{"model":"m","input":"` + long + `"}`, "", "", "maximum context length is 8192 tokens, however you requested 8193 tokens"},
		{"bad format", `{"model":"m","input":"x","encoding_format":"int8"}`, "encoding_format", "invalid_value", "Invalid value: 'int8'. Supported values are: 'float' and 'base64'."},
		{"zero dimensions", `{"model":"m","input":"x","dimensions":0}`, "dimensions", "integer_below_min_value", "Expected a value >= 1, but got 0 instead."},
		{"big dimensions", `{"model":"m","input":"x","dimensions":5000}`, "dimensions", "integer_above_max_value", "Expected a value <= 4096, but got 5000 instead."},
		{"ada dimensions", `{"model":"text-embedding-ada-002","input":"x","dimensions":8}`, "", "", "This model does not support specifying dimensions."},
		{"wrong type", `{"model":"m","input":"x","dimensions":"8"}`, "dimensions", "", "Invalid type for 'dimensions'"},
		{"not json", `{"model":`, "", "", "We could not parse the JSON body of your request."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := ts.post(t, "/embeddings", tt.body)
			var e wireError
			decodeStrict(t, body, &e)
			if resp.StatusCode != 400 || e.Error.Type != "invalid_request_error" || !strings.Contains(e.Error.Message, tt.message) {
				t.Errorf("%d %+v, want 400 invalid_request_error with %q", resp.StatusCode, e.Error, tt.message)
			}
			if got := deref(e.Error.Param); got != tt.param {
				t.Errorf("param %q, want %q", got, tt.param)
			}
			if got := deref(e.Error.Code); got != tt.code {
				t.Errorf("code %q, want %q", got, tt.code)
			}
		})
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestOpenAIEmbedClient drives the project's OpenAI client (provider/openai)
// against the route, as an embedding-similarity assertion does.
func TestOpenAIEmbedClient(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 93})
	for _, opts := range []map[string]any{nil, {"dimensions": 32}} {
		c, err := openai.New(provider.Config{Vendor: "openai", Model: "text-embedding-3-small", APIKey: "sk-simulated", BaseURL: ts.url, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{"The cat sat on the mat", "A dog barked"}
		got, err := c.Embed(t.Context(), "", texts)
		if err != nil {
			t.Fatalf("Embed: %v", err)
		}
		dim := 0
		if opts != nil {
			dim = 32
		}
		if diff := cmp.Diff(wantVectors(texts, dim), asFloat32(got.Vectors)); diff != "" {
			t.Errorf("vectors (-want +got):\n%s", diff)
		}
		if got.Model != "text-embedding-3-small" || got.Usage != (bench.Usage{Prompt: 9, Total: 9}) {
			t.Errorf("model %q usage %+v", got.Model, got.Usage)
		}
	}
}

// TestOpenAIEmbedClientErrors checks that the client sees the route's
// errors as the provider error kinds it retries or not.
func TestOpenAIEmbedClientErrors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Errors: ErrorRates{RateLimit: 1}, Seed: 94})
	c, err := openai.New(provider.Config{Vendor: "openai", Model: "text-embedding-3-small", APIKey: "sk-simulated", BaseURL: ts.url})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Embed(t.Context(), "", []string{"x"})
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindRateLimited || pe.StatusCode != http.StatusTooManyRequests {
		t.Errorf("Embed error %v, want a rate limit", err)
	}
}
