package ollama

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func TestModels(t *testing.T) {
	t.Parallel()
	srv := fixedOK(t, "tags.json")
	got, err := newClient(t, srv.URL, testKey).Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"llama3.2:latest"}, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	seen := srv.Last(t)
	if seen.Method != "GET" || seen.Path != "/api/tags" || seen.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("request = %s %s auth %q", seen.Method, seen.Path, seen.Header.Get("Authorization"))
	}
}

func TestModelsSortedAndEmpty(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `{"models":[{"name":"qwen3:8b"},{"model":"gemma3:4b"},{"name":"all-minilm:latest"}]}`},
		{Body: `{"models":[]}`},
	})
	c := newClient(t, srv.URL, "")
	got, err := c.Models(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"all-minilm:latest", "gemma3:4b", "qwen3:8b"}, got); diff != "" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	if got, err := c.Models(t.Context()); err != nil || len(got) != 0 {
		t.Errorf("empty server: Models = %v, %v", got, err)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	version := replay.Response{Body: `{"version":"0.12.3"}`}
	tests := []struct {
		name      string
		resps     []replay.Response
		wantPaths []string
		wantErr   string
		wantKind  provider.Kind
	}{
		{"banner", []replay.Response{{Body: "Ollama is running"}}, []string{"/"}, "", ""},
		{"version when / is a web page", []replay.Response{{Body: "<html>ollama.com</html>"}, version}, []string{"/", "/api/version"}, "", ""},
		{"version when / is 404", []replay.Response{replay.Error(404, "404 page not found"), version}, []string{"/", "/api/version"}, "", ""},
		{"not ollama", []replay.Response{{Body: `{"status":"ok"}`}}, []string{"/", "/api/version"}, "is base_url an Ollama server", provider.KindTransient},
		{"html everywhere", []replay.Response{{Body: "<html>hello</html>"}}, []string{"/", "/api/version"}, "malformed /api/version response JSON", provider.KindTransient},
		{"404 everywhere", []replay.Response{replay.Error(404, "404 page not found")}, []string{"/", "/api/version"}, "is base_url an Ollama server", provider.KindBadRequest},
		{"401 at once", []replay.Response{replay.Error(401, `{"error":"unauthorized"}`)}, []string{"/"}, "unauthorized", provider.KindAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, tt.resps)
			err := newClient(t, srv.URL, testKey).Health(t.Context())
			var paths []string
			for _, r := range srv.Requests() {
				paths = append(paths, r.Method+" "+r.Path)
			}
			var want []string
			for _, p := range tt.wantPaths {
				want = append(want, "GET "+p)
			}
			if diff := cmp.Diff(want, paths); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Health: %v", err)
				}
				return
			}
			pe := provider.AsError(err)
			if pe == nil || pe.Kind != tt.wantKind || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Health error = %v, want %s containing %q", err, tt.wantKind, tt.wantErr)
			}
		})
	}
}

func TestHealthUnreachable(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: "Ollama is running"}})
	base := srv.URL
	srv.Close()
	err := newClient(t, base, "").Health(t.Context())
	if pe := provider.AsError(err); pe == nil || pe.Kind != provider.KindTransient {
		t.Fatalf("Health error = %v, want transient", err)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: `{"version":"0.12.3"}`}})
	v, err := newClient(t, srv.URL, "").Version(t.Context())
	if err != nil || v != "0.12.3" {
		t.Fatalf("Version = %q, %v", v, err)
	}
}

func TestEmbed(t *testing.T) {
	t.Parallel()
	srv := fixedOK(t, "embed.json")
	c, err := New(provider.Config{Model: "llama3.2", BaseURL: srv.URL, Options: map[string]any{
		"dimensions": 2, "truncate": false, "keep_alive": "1m", "num_ctx": 512,
	}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Embed(t.Context(), "all-minilm", []string{"Why is the sky blue?"})
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	want := provider.Embeddings{Vectors: [][]float64{{0.0100, -0.0017}}, Model: "all-minilm", Usage: bench.Usage{Prompt: 8, Total: 8}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("embeddings (-want +got):\n%s", diff)
	}
	seen := srv.Last(t)
	if seen.Method != "POST" || seen.Path != "/api/embed" {
		t.Errorf("request = %s %s, want POST /api/embed", seen.Method, seen.Path)
	}
	var body map[string]any
	if err := json.Unmarshal(seen.Body, &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{"model": "all-minilm", "input": []any{"Why is the sky blue?"}, "dimensions": float64(2),
		"truncate": false, "keep_alive": "1m", "options": map[string]any{"num_ctx": float64(512)}}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("embed body (-want +got):\n%s", diff)
	}
}

func TestEmbedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		model    string
		inputs   []string
		resp     replay.Response
		wantKind provider.Kind
		wantIn   string
	}{
		{"context length 400", "all-minilm", []string{"x"}, replay.Error(400, `{"error":"the input length exceeds the context length"}`), provider.KindContextLength, "context length"},
		{"context length 500", "all-minilm", []string{"x"}, replay.Error(500, `{"error":"the input length exceeds the context length"}`), provider.KindContextLength, "context length"},
		{"unknown model", "nomic", []string{"x"}, replay.Error(404, `{"error":"model \"nomic\" not found, try pulling it first"}`), provider.KindBadRequest, "ollama pull nomic"},
		{"count mismatch", "all-minilm", []string{"a", "b"}, replay.Response{Body: `{"model":"all-minilm","embeddings":[[1]]}`}, provider.KindTransient, "1 embeddings for 2 inputs"},
		{"malformed", "all-minilm", []string{"a"}, replay.Response{Body: `{"embeddings":[[1,`}, provider.KindTransient, "malformed embed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			_, err := newClient(t, srv.URL, testKey).Embed(t.Context(), tt.model, tt.inputs)
			if pe := provider.AsError(err); pe == nil || pe.Kind != tt.wantKind || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("Embed error = %v, want %s containing %q", err, tt.wantKind, tt.wantIn)
			}
		})
	}
}

func TestEmbedNoCall(t *testing.T) {
	t.Parallel()
	c, err := New(provider.Config{BaseURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(t.Context(), "", []string{"x"}); provider.AsError(err) == nil {
		t.Errorf("Embed without a model = %v, want bad_request", err)
	}
	got, err := c.Embed(t.Context(), "all-minilm", nil)
	if err != nil || len(got.Vectors) != 0 || got.Model != "all-minilm" {
		t.Errorf("Embed of nothing = %+v, %v", got, err)
	}
}
