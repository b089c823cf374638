package cohere

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/providertest"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

// PROVIDER_FACTS.md has no Cohere embed exchange; these bodies follow the
// EmbedByTypeResponse of Cohere's OpenAPI description of POST /v2/embed
// (id, embeddings by type, texts echoed, meta with api_version and
// billed_units, response_type).

// embedBody is the answer for texts ["hello","goodbye"].
const embedBody = `{"id":"da6e531f-54c6-4a73-bf92-f60566d8d753","embeddings":{"float":[[0.016296387,-0.008354187,-0.04699707],[-0.038146973,0.0031471252,0.0027675629]]},` +
	`"texts":["hello","goodbye"],"meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":2}},"response_type":"embeddings_by_type"}`

// embedAnswer builds an answer in the same shape for texts, each vector
// [position of the text in the whole list, its length].
func embedAnswer(texts []string, first, tokens int) string {
	vecs := make([][]float64, len(texts))
	for i, s := range texts {
		vecs[i] = []float64{float64(first + i), float64(len(s))}
	}
	data, _ := json.Marshal(map[string]any{
		"id": "da6e531f-54c6-4a73-bf92-f60566d8d753", "embeddings": map[string]any{"float": vecs}, "texts": texts,
		"meta": map[string]any{"api_version": map[string]any{"version": "2"}, "billed_units": map[string]any{"input_tokens": tokens}}, "response_type": "embeddings_by_type",
	})
	return string(data)
}

func newEmbedClient(t testing.TB, base string, opts map[string]any) *Client {
	t.Helper()
	c, err := New(provider.Config{Vendor: Vendor, Model: "embed-v4.0", BaseURL: base, APIKey: testKey, Options: opts})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      map[string]any
		model     string
		wantModel string
		wantType  string
	}{
		{"configured model, documents", nil, "", "embed-v4.0", "search_document"},
		{"model argument", nil, "embed-english-v3.0", "embed-english-v3.0", "search_document"},
		{"input_type option", map[string]any{"input_type": "search_query"}, "", "embed-v4.0", "search_query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{jsonResponse(embedBody)})
			got, err := newEmbedClient(t, srv.URL, tt.opts).Embed(t.Context(), tt.model, []string{"hello", "goodbye"})
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			want := provider.Embeddings{
				Vectors: [][]float64{{0.016296387, -0.008354187, -0.04699707}, {-0.038146973, 0.0031471252, 0.0027675629}},
				Model:   tt.wantModel, Usage: bench.Usage{Prompt: 2, Total: 2},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("embeddings (-want +got):\n%s", diff)
			}
			seen := srv.Last(t)
			if seen.Method != http.MethodPost || seen.Path != "/v2/embed" || seen.Header.Get("Authorization") != "Bearer "+testKey {
				t.Errorf("request %s %s with Authorization %q", seen.Method, seen.Path, seen.Header.Get("Authorization"))
			}
			var body map[string]any
			if err := json.Unmarshal(seen.Body, &body); err != nil {
				t.Fatal(err)
			}
			wantBody := map[string]any{"model": tt.wantModel, "texts": []any{"hello", "goodbye"}, "input_type": tt.wantType, "embedding_types": []any{"float"}}
			if diff := cmp.Diff(wantBody, body); diff != "" {
				t.Errorf("request body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedBatches(t *testing.T) {
	t.Parallel()
	inputs := make([]string, 2*MaxEmbedBatch+8)
	for i := range inputs {
		inputs[i] = strings.Repeat("x", i%7+1)
	}
	var answers []replay.Response
	for start := 0; start < len(inputs); start += MaxEmbedBatch {
		end := min(start+MaxEmbedBatch, len(inputs))
		answers = append(answers, jsonResponse(embedAnswer(inputs[start:end], start, 10*(end-start))))
	}
	srv := replay.Serve(t, answers)
	got, err := newEmbedClient(t, srv.URL, nil).Embed(t.Context(), "", inputs)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	if len(got.Vectors) != len(inputs) {
		t.Fatalf("%d vectors for %d inputs", len(got.Vectors), len(inputs))
	}
	for i, v := range got.Vectors {
		if want := []float64{float64(i), float64(len(inputs[i]))}; !cmp.Equal(v, want) {
			t.Fatalf("vector %d = %v, want %v (out of order)", i, v, want)
		}
	}
	if want := (bench.Usage{Prompt: 10 * len(inputs), Total: 10 * len(inputs)}); got.Usage != want {
		t.Errorf("usage %+v, want %+v (summed over calls)", got.Usage, want)
	}
	reqs := srv.Requests()
	var sizes []int
	for _, r := range reqs {
		var body struct{ Texts []string }
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(body.Texts))
	}
	if diff := cmp.Diff([]int{MaxEmbedBatch, MaxEmbedBatch, 8}, sizes); diff != "" {
		t.Errorf("texts per call (-want +got):\n%s", diff)
	}
}

func TestEmbedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		model  string
		resp   replay.Response
		kind   provider.Kind
		status int
		retry  time.Duration
		in     string
	}{
		{"no model", "", jsonResponse(embedBody), provider.KindBadRequest, 0, 0, "name one in the provider id, such as cohere:embed-v4.0"},
		{"invalid api token", "embed-v4.0", replay.Error(401, badKeyBody), provider.KindAuth, 401, 0, "invalid api token"},
		{"498 invalid token", "embed-v4.0", replay.Error(498, badKeyBody), provider.KindAuth, 498, 0, "invalid api token"},
		{"429 per minute", "embed-v4.0", replay.Error(429, perMinuteBody, "Retry-After", "7"), provider.KindRateLimited, 429, 7 * time.Second, "per minute request limit"},
		{"429 trial per month", "embed-v4.0", replay.Error(429, trialMonthBody), provider.KindAuth, 429, 0, "monthly limit"},
		{"model not found", "embed-v4.0", replay.Error(404, notFoundBody), provider.KindBadRequest, 404, 0, "command-x"},
		{"503 overloaded", "embed-v4.0", replay.Error(503, unavailableBody), provider.KindOverloaded, 503, 0, "service unavailable"},
		{"error body with 200", "embed-v4.0", jsonResponse(internalBody), provider.KindTransient, 200, 0, "internal server error"},
		{"malformed", "embed-v4.0", jsonResponse(`{"id":"da6e531f","embeddings":{"float":[[0.01`), provider.KindTransient, 200, 0, "malformed embed response JSON"},
		{"no float embeddings", "embed-v4.0", jsonResponse(`{"id":"da6e531f","embeddings":{"int8":[[1],[2]]},"response_type":"embeddings_by_type"}`), provider.KindTransient, 200, 0, "no float embeddings"},
		{"fewer vectors than texts", "embed-v4.0", jsonResponse(embedAnswer([]string{"hello"}, 0, 1)), provider.KindTransient, 200, 0, "1 embeddings for 2 texts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			c, err := New(provider.Config{Vendor: Vendor, Model: tt.model, BaseURL: srv.URL, APIKey: testKey})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			_, err = c.Embed(t.Context(), "", []string{"hello", "goodbye"})
			pe := providertest.CheckError(t, err, tt.kind, tt.retry, tt.in, testKey)
			if pe.StatusCode != tt.status {
				t.Errorf("status %d, want %d", pe.StatusCode, tt.status)
			}
		})
	}
}

// TestEmbedLaterBatchFails: the error names the texts of the failed call,
// and the usage already billed comes back with it.
func TestEmbedLaterBatchFails(t *testing.T) {
	t.Parallel()
	inputs := make([]string, MaxEmbedBatch+4)
	for i := range inputs {
		inputs[i] = fmt.Sprint("text ", i)
	}
	srv := replay.Serve(t, []replay.Response{jsonResponse(embedAnswer(inputs[:MaxEmbedBatch], 0, 300)), replay.Error(429, perMinuteBody)})
	got, err := newEmbedClient(t, srv.URL, nil).Embed(t.Context(), "", inputs)
	providertest.CheckError(t, err, provider.KindRateLimited, 0, fmt.Sprintf("texts %d to %d of %d", MaxEmbedBatch+1, len(inputs), len(inputs)), testKey)
	if got.Vectors != nil || got.Usage.Prompt != 300 {
		t.Errorf("got %d vectors and usage %+v, want none and the 300 billed tokens", len(got.Vectors), got.Usage)
	}
}

func TestEmbedShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want provider.Embeddings
	}{
		{"embeddings_floats list", `{"id":"embed-v1-0001","embeddings":[[0.1,0.2],[0.3,0.4]],"texts":["hello","goodbye"],"meta":{"api_version":{"version":"1"},"billed_units":{"input_tokens":3}},"response_type":"embeddings_floats"}`,
			provider.Embeddings{Vectors: [][]float64{{0.1, 0.2}, {0.3, 0.4}}, Model: "embed-v4.0", Usage: bench.Usage{Prompt: 3, Total: 3}}},
		{"other types beside float", `{"id":"x","embeddings":{"float":[[0.1],[0.2]],"int8":[[1],[2]]},"response_type":"embeddings_by_type"}`,
			provider.Embeddings{Vectors: [][]float64{{0.1}, {0.2}}, Model: "embed-v4.0"}},
		{"tokens when nothing is billed", `{"id":"x","embeddings":{"float":[[0.1],[0.2]]},"meta":{"tokens":{"input_tokens":4}}}`,
			provider.Embeddings{Vectors: [][]float64{{0.1}, {0.2}}, Model: "embed-v4.0", Usage: bench.Usage{Prompt: 4, Total: 4}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{jsonResponse(tt.body)})
			got, err := newEmbedClient(t, srv.URL, nil).Embed(t.Context(), "", []string{"hello", "goodbye"})
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEmbedNothing(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{jsonResponse(embedBody)})
	got, err := newEmbedClient(t, srv.URL, nil).Embed(t.Context(), "", nil)
	if err != nil || got.Vectors != nil || got.Model != "embed-v4.0" || len(srv.Requests()) != 0 {
		t.Fatalf("Embed(nil) = %+v, %v after %d calls", got, err, len(srv.Requests()))
	}
}

// FuzzEmbed feeds arbitrary answers to the embed decoder: a call returns
// one vector per text, or fails with a *provider.Error that does not show
// the key; usage is never negative.
func FuzzEmbed(f *testing.F) {
	f.Add([]byte(embedBody), uint8(2))
	f.Add([]byte(embedAnswer([]string{"a"}, 0, 1)), uint8(1))
	f.Add([]byte(`{"embeddings":[[0.1],[0.2]],"meta":{"billed_units":{"input_tokens":-3},"tokens":{"input_tokens":1e300}}}`), uint8(2))
	f.Add([]byte(`{"embeddings":null,"message":"x"}`), uint8(1))
	f.Add([]byte(`{"embeddings":{"float":null}}`), uint8(0))
	f.Add([]byte(internalBody), uint8(3))
	f.Fuzz(func(t *testing.T, body []byte, n uint8) {
		c, err := New(provider.Config{Model: "embed-v4.0", APIKey: testKey, BaseURL: "http://fuzz.invalid", HTTPClient: &http.Client{Transport: providertest.BodyTransport{Body: body}}})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		inputs := make([]string, int(n)%(2*MaxEmbedBatch))
		got, err := c.Embed(t.Context(), "", inputs)
		if got.Usage.Prompt < 0 || got.Usage.Total != got.Usage.Prompt || got.Usage.Completion != 0 {
			t.Fatalf("usage %+v", got.Usage)
		}
		if err != nil {
			if provider.AsError(err) == nil || strings.Contains(err.Error(), testKey) {
				t.Fatalf("error %v is not a *provider.Error or shows the key", err)
			}
			return
		}
		if len(got.Vectors) != len(inputs) {
			t.Fatalf("%d vectors for %d inputs", len(got.Vectors), len(inputs))
		}
	})
}

func BenchmarkEmbed(b *testing.B) {
	srv := providertest.Server(b, "application/json", embedBody)
	c := newEmbedClient(b, srv.URL, nil)
	inputs := []string{"hello", "goodbye"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Embed(b.Context(), "", inputs); err != nil {
			b.Fatal(err)
		}
	}
}
