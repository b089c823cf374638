package gemini

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func TestRegistered(t *testing.T) {
	t.Parallel()
	for _, name := range []string{Vendor, Alias} {
		v, ok := provider.Lookup(name)
		if !ok {
			t.Fatalf("vendor %q not registered", name)
		}
		if v.KeyEnv != "GEMINI_API_KEY" || v.DefaultBaseURL != "https://generativelanguage.googleapis.com" {
			t.Errorf("vendor %q = key %q base %q", name, v.KeyEnv, v.DefaultBaseURL)
		}
		p, err := provider.New(provider.Config{ID: name + ":gemini-2.5-flash", Vendor: name, Model: "gemini-2.5-flash"})
		if err != nil {
			t.Fatalf("provider.New(%s): %v", name, err)
		}
		if c, ok := p.(*Client); !ok || c.http == nil {
			t.Errorf("provider.New(%s) = %T, want *gemini.Client", name, p)
		}
	}
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		options map[string]any
		wantErr string
	}{
		{"none", nil, ""},
		{"api_version v1", map[string]any{"api_version": "v1"}, ""},
		{"thinking budget from TOML", map[string]any{"thinking_budget": int64(1024)}, ""},
		{"thinking budget from YAML", map[string]any{"thinking_budget": uint64(1024)}, ""},
		{"thinking budget from JSON", map[string]any{"thinking_budget": float64(-1)}, ""},
		{"unknown option", map[string]any{"organization": "x"}, "option organization: unknown"},
		{"bad api_version", map[string]any{"api_version": "latest"}, "option api_version"},
		{"fractional thinking budget", map[string]any{"thinking_budget": 1.5}, "option thinking_budget"},
		{"string thinking budget", map[string]any{"thinking_budget": "high"}, "option thinking_budget"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Model: "gemini-2.5-flash", Options: tt.options})
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("New error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestPaths checks the URL each configuration produces: the "models/"
// prefix is optional, a base URL may already end in the API version, and
// custom headers are sent.
func TestPaths(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, model string
		options           map[string]any
		wantPath          string
	}{
		{"plain", "", "gemini-2.5-flash", nil, "/v1beta/models/gemini-2.5-flash:generateContent"},
		{"models/ prefix", "", "models/gemini-2.5-flash", nil, "/v1beta/models/gemini-2.5-flash:generateContent"},
		{"base ends in version", "/v1beta/", "gemini-2.5-flash", nil, "/v1beta/models/gemini-2.5-flash:generateContent"},
		{"gateway prefix", "/gw/google-ai-studio", "gemini-2.5-flash", nil, "/gw/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent"},
		{"api_version option", "", "gemini-2.5-flash", map[string]any{"api_version": "v1"}, "/v1/models/gemini-2.5-flash:generateContent"},
		{"tuned model", "", "tunedModels/my-model-x1", nil, "/v1beta/tunedModels/my-model-x1:generateContent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.ServeCassette(t, replay.Load(t, "TestGoogleCommon/gemini-2.5-flash/simple.yaml"))
			c, err := New(provider.Config{Model: tt.model, BaseURL: srv.URL + tt.base, APIKey: testKey, Options: tt.options,
				Headers: map[string]string{"X-Goog-User-Project": "bench"}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			got := srv.Last(t)
			if got.Path != tt.wantPath || got.Header.Get("X-Goog-User-Project") != "bench" || got.Header.Get("X-Goog-Api-Key") != testKey {
				t.Errorf("sent %s with headers %v, want %s", got.Path, got.Header, tt.wantPath)
			}
		})
	}
}

func TestModels(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `{"models":[{"name":"models/gemini-2.5-flash","version":"001","displayName":"Gemini 2.5 Flash","inputTokenLimit":1048576,"outputTokenLimit":65536,"supportedGenerationMethods":["generateContent","countTokens","createCachedContent","batchGenerateContent"],"temperature":1,"topP":0.95,"topK":64,"maxTemperature":2,"thinking":true}],"nextPageToken":"Ch5tb2RlbHMv"}`},
		{Body: `{"models":[{"name":"models/gemini-embedding-001","supportedGenerationMethods":["embedContent"]},{"name":"models/gemini-2.5-pro"}]}`},
	})
	ids, err := newClient(t, srv.URL).Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"gemini-2.5-flash", "gemini-2.5-pro", "gemini-embedding-001"}, ids); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 pages", len(reqs))
	}
	for i, wantQuery := range []string{"pageSize=1000", "pageSize=1000&pageToken=Ch5tb2RlbHMv"} {
		r := reqs[i]
		if r.Method != "GET" || r.Path != "/v1beta/models" || r.RawQuery != wantQuery || r.Header.Get("X-Goog-Api-Key") != testKey {
			t.Errorf("request %d = %s %s?%s", i, r.Method, r.Path, r.RawQuery)
		}
	}
}

func TestModelsEndlessPages(t *testing.T) {
	t.Parallel()
	pages := make([]replay.Response, maxPages+1)
	for i := range pages {
		pages[i] = replay.Response{Body: fmt.Sprintf(`{"models":[{"name":"models/m%d"}],"nextPageToken":"t%d"}`, i, i)}
	}
	srv := replay.Serve(t, pages)
	_, err := newClient(t, srv.URL).Models(t.Context())
	if pe := provider.AsError(err); pe == nil || !strings.Contains(err.Error(), "pages") {
		t.Fatalf("Models error = %v, want a page limit error", err)
	}
	if n := len(srv.Requests()); n != maxPages {
		t.Errorf("%d requests, want %d", n, maxPages)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	ok := replay.Serve(t, []replay.Response{{Body: `{"models":[{"name":"models/gemini-2.5-flash"}],"nextPageToken":"x"}`}})
	if err := newClient(t, ok.URL).Health(t.Context()); err != nil {
		t.Fatalf("Health: %v", err)
	}
	if r := ok.Last(t); r.Path != "/v1beta/models" || r.RawQuery != "pageSize=1" {
		t.Errorf("health sent %s?%s", r.Path, r.RawQuery)
	}
	bad := replay.Serve(t, []replay.Response{replay.Error(400, badKeyBody)})
	err := newClient(t, bad.URL).Health(t.Context())
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindAuth {
		t.Fatalf("Health error = %v, want auth", err)
	}
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: `{"embeddings":[{"values":[0.1,-0.2]},{"values":[0.3,0.4]}]}`}})
	c, err := New(provider.Config{Model: "gemini-embedding-001", BaseURL: srv.URL, APIKey: testKey})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	got, err := c.Embed(t.Context(), "", []string{"a", "b"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	want := provider.Embeddings{Vectors: [][]float64{{0.1, -0.2}, {0.3, 0.4}}, Model: "gemini-embedding-001"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embeddings (-want +got):\n%s", diff)
	}
	r := srv.Last(t)
	var body any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"requests": []any{
		map[string]any{"model": "models/gemini-embedding-001", "content": map[string]any{"parts": []any{map[string]any{"text": "a"}}}},
		map[string]any{"model": "models/gemini-embedding-001", "content": map[string]any{"parts": []any{map[string]any{"text": "b"}}}},
	}}
	if diff := cmp.Diff(wantBody, body); diff != "" || r.Path != "/v1beta/models/gemini-embedding-001:batchEmbedContents" {
		t.Errorf("sent %s, body (-want +got):\n%s", r.Path, diff)
	}

	short := replay.Serve(t, []replay.Response{{Body: `{"embeddings":[{"values":[0.1]}]}`}})
	c2 := newClient(t, short.URL)
	if _, err := c2.Embed(t.Context(), "models/gemini-embedding-001", []string{"a", "b"}); provider.AsError(err) == nil {
		t.Errorf("Embed with one vector for two inputs: error = %v, want a *provider.Error", err)
	}
}
