package anthropic

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/replay"
)

func TestRegistered(t *testing.T) {
	t.Parallel()
	v, ok := provider.Lookup(Vendor)
	if !ok || v.KeyEnv != "ANTHROPIC_API_KEY" || v.DefaultBaseURL != "https://api.anthropic.com" {
		t.Fatalf("Lookup(%q) = %+v, %v", Vendor, v, ok)
	}
}

func TestNewOptionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opts   map[string]any
		wantIn string
	}{
		{"unknown", map[string]any{"betas": []any{"x"}}, "option betas: unknown to the anthropic provider (known: beta, max_tokens)"},
		{"max_tokens not a number", map[string]any{"max_tokens": "lots"}, "option max_tokens: want a whole number"},
		{"max_tokens zero", map[string]any{"max_tokens": 0}, "from 1 to"},
		{"max_tokens fraction", map[string]any{"max_tokens": 1.5}, "from 1 to"},
		{"beta not a list", map[string]any{"beta": 3}, "option beta: want a list of strings"},
		{"beta item not a string", map[string]any{"beta": []any{"a", 2}}, "got an item 2"},
		{"beta empty item", map[string]any{"beta": "a,,b"}, "empty item"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(provider.Config{Model: "m", Options: tt.opts})
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("New error = %v, want one mentioning %q", err, tt.wantIn)
			}
		})
	}
}

// TestConfigReachesTheWire checks options, custom headers, a base URL
// ending in /v1 and a missing key against what the server receives.
func TestConfigReachesTheWire(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       provider.Config
		suffix    string
		wantHead  map[string]string
		wantMax   float64
		wantNoKey bool
	}{
		{"beta list and max_tokens", provider.Config{APIKey: testKey, Options: map[string]any{"beta": []any{"prompt-caching-2024-07-31", "output-128k-2025-02-19"}, "max_tokens": int64(1024)}}, "",
			map[string]string{"Anthropic-Beta": "prompt-caching-2024-07-31,output-128k-2025-02-19", "X-Api-Key": testKey}, 1024, false},
		{"beta string", provider.Config{APIKey: testKey, Options: map[string]any{"beta": " a , b "}}, "",
			map[string]string{"Anthropic-Beta": "a,b"}, DefaultMaxTokens, false},
		{"custom headers win", provider.Config{APIKey: testKey, Headers: map[string]string{"anthropic-version": "2023-01-01", "X-Gateway": "g1"}}, "/v1",
			map[string]string{"Anthropic-Version": "2023-01-01", "X-Gateway": "g1"}, DefaultMaxTokens, false},
		{"no key", provider.Config{}, "/v1/", map[string]string{"Anthropic-Version": APIVersion}, DefaultMaxTokens, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{{Body: recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml")}})
			cfg := tt.cfg
			cfg.Model, cfg.BaseURL = "claude-sonnet-4-20250514", srv.URL+tt.suffix
			c, err := New(cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
				t.Fatalf("Generate: %v", err)
			}
			got := srv.Last(t)
			if got.Path != "/v1/messages" {
				t.Errorf("path %q, want /v1/messages", got.Path)
			}
			for k, v := range tt.wantHead {
				if g := got.Header.Get(k); g != v {
					t.Errorf("header %s = %q, want %q", k, g, v)
				}
			}
			if _, has := got.Header["X-Api-Key"]; has == tt.wantNoKey {
				t.Errorf("x-api-key sent: %v, want %v", has, !tt.wantNoKey)
			}
			body, ok := asJSON(t, got.Body).(map[string]any)
			if !ok || body["max_tokens"] != tt.wantMax {
				t.Errorf("max_tokens = %v, want %v", body["max_tokens"], tt.wantMax)
			}
		})
	}
}

func TestGenerateRequestModelWins(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: `{"type":"message","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn"}`}})
	resp, err := newClient(t, srv.URL).Generate(t.Context(), provider.Request{Model: "claude-haiku-4-5", Messages: hello}, discard)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Model != "claude-haiku-4-5" {
		t.Errorf("Model = %q, want the requested one when the answer names none", resp.Model)
	}
	if m := asJSON(t, srv.Last(t).Body).(map[string]any)["model"]; m != "claude-haiku-4-5" {
		t.Errorf("sent model %v", m)
	}
}

func TestModels(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{
		{Body: `{"data":[{"type":"model","id":"claude-sonnet-4-20250514","display_name":"Claude Sonnet 4","created_at":"2025-05-22T00:00:00Z","max_input_tokens":200000,"max_tokens":64000,"capabilities":{}},
			{"type":"model","id":"claude-opus-4-20250514","display_name":"Claude Opus 4","created_at":"2025-05-22T00:00:00Z"}],"has_more":true,"first_id":"claude-sonnet-4-20250514","last_id":"claude-opus-4-20250514"}`},
		{Body: `{"data":[{"type":"model","id":"claude-3-5-haiku-20241022","display_name":"Claude Haiku 3.5","created_at":"2024-10-22T00:00:00Z"}],"has_more":false,"first_id":"claude-3-5-haiku-20241022","last_id":"claude-3-5-haiku-20241022"}`},
	})
	ids, err := newClient(t, srv.URL).Models(t.Context())
	if err != nil {
		t.Fatalf("Models: %v", err)
	}
	if diff := cmp.Diff([]string{"claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-3-5-haiku-20241022"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	reqs := srv.Requests()
	var got [][]string
	for _, r := range reqs {
		got = append(got, []string{r.Method, r.Path, r.RawQuery, r.Header.Get("X-Api-Key"), r.Header.Get("Anthropic-Version")})
	}
	want := [][]string{
		{"GET", "/v1/models", "limit=1000", testKey, APIVersion},
		{"GET", "/v1/models", "after_id=claude-opus-4-20250514&limit=1000", testKey, APIVersion},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestModelsStopsOnARepeatedPage(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: `{"data":[{"id":"a"}],"has_more":true,"last_id":"a"}`}})
	ids, err := newClient(t, srv.URL).Models(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || len(srv.Requests()) != 2 {
		t.Errorf("ids %v after %d requests, want the loop to stop on the repeated last_id", ids, len(srv.Requests()))
	}
}

func TestModelsAndHealthErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		resp     replay.Response
		wantKind provider.Kind
	}{
		{"bad key", replay.Error(401, anthropicError("authentication_error", "invalid x-api-key")), provider.KindAuth},
		{"overloaded", replay.Error(529, anthropicError("overloaded_error", "Overloaded")), provider.KindOverloaded},
		{"not JSON", replay.Response{Body: "<html>ok</html>"}, provider.KindTransient},
		{"no data", replay.Response{Body: `{"has_more":false}`}, provider.KindTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := replay.Serve(t, []replay.Response{tt.resp})
			c := newClient(t, srv.URL)
			_, err := c.Models(t.Context())
			if pe := provider.AsError(err); pe == nil || pe.Kind != tt.wantKind {
				t.Errorf("Models error = %v, want %s", err, tt.wantKind)
			}
			if tt.name == "no data" {
				return // Health reads only that the page is JSON
			}
			if pe := provider.AsError(c.Health(t.Context())); pe == nil || pe.Kind != tt.wantKind {
				t.Errorf("Health error = %v, want %s", pe, tt.wantKind)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	srv := replay.Serve(t, []replay.Response{{Body: `{"data":[{"id":"claude-sonnet-4-20250514"}],"has_more":true,"last_id":"claude-sonnet-4-20250514"}`}})
	if err := newClient(t, srv.URL).Health(t.Context()); err != nil {
		t.Fatalf("Health: %v", err)
	}
	if r := srv.Last(t); r.Path != "/v1/models" || r.RawQuery != "limit=1" || len(srv.Requests()) != 1 {
		t.Errorf("Health sent %s?%s (%d requests), want one GET /v1/models?limit=1", r.Path, r.RawQuery, len(srv.Requests()))
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	resp := replay.Response{Body: recordedBody(t, "TestAnthropicCommon/claude-sonnet-4/simple.yaml"), Headers: map[string][]string{
		"Anthropic-Ratelimit-Requests-Limit": {"50"}, "Anthropic-Ratelimit-Requests-Remaining": {"49"}, "Anthropic-Ratelimit-Requests-Reset": {"2025-01-01T00:00:01Z"},
		"Anthropic-Ratelimit-Tokens-Limit": {"30000"}, "Anthropic-Ratelimit-Tokens-Remaining": {"29000"}, "Anthropic-Ratelimit-Tokens-Reset": {"2025-01-01T00:00:02Z"},
		"Anthropic-Ratelimit-Input-Tokens-Remaining": {"29000"}, "Anthropic-Ratelimit-Output-Tokens-Remaining": {"8000"},
	}}
	srv := replay.Serve(t, []replay.Response{resp})
	c := newClient(t, srv.URL)
	if _, ok := c.RateLimits(); ok {
		t.Fatal("RateLimits reported before any call")
	}
	if _, err := c.Generate(t.Context(), provider.Request{Messages: hello}, discard); err != nil {
		t.Fatal(err)
	}
	rl, ok := c.RateLimits()
	want := provider.RateLimits{RemainingRequests: 49, RemainingTokens: 29000, ResetRequests: time.Second, ResetTokens: 2 * time.Second}
	if diff := cmp.Diff(want, rl); !ok || diff != "" {
		t.Errorf("RateLimits ok=%v (-want +got):\n%s", ok, diff)
	}
}

func TestParseRateLimits(t *testing.T) {
	t.Parallel()
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		header http.Header
		want   provider.RateLimits
		ok     bool
	}{
		{"none", h(), provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}, false},
		{"openai headers are not anthropic's", h("X-Ratelimit-Remaining-Requests", "3"), provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}, false},
		{"requests only", h("Anthropic-Ratelimit-Requests-Remaining", "0", "Anthropic-Ratelimit-Requests-Reset", "2025-01-01T00:01:00Z"),
			provider.RateLimits{RemainingRequests: 0, RemainingTokens: -1, ResetRequests: time.Minute}, true},
		{"input and output without tokens: the lower", h(
			"Anthropic-Ratelimit-Input-Tokens-Remaining", "5000", "Anthropic-Ratelimit-Input-Tokens-Reset", "2025-01-01T00:00:10Z",
			"Anthropic-Ratelimit-Output-Tokens-Remaining", "700", "Anthropic-Ratelimit-Output-Tokens-Reset", "2025-01-01T00:00:20Z"),
			provider.RateLimits{RemainingRequests: -1, RemainingTokens: 700, ResetTokens: 20 * time.Second}, true},
		{"reset in the past", h("Anthropic-Ratelimit-Tokens-Reset", "2024-12-31T23:59:00Z"), provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}, true},
		{"garbage", h("Anthropic-Ratelimit-Tokens-Remaining", "many", "Anthropic-Ratelimit-Tokens-Reset", "soon"), provider.RateLimits{RemainingRequests: -1, RemainingTokens: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseRateLimits(tt.header, clock)
			if diff := cmp.Diff(tt.want, got); ok != tt.ok || diff != "" {
				t.Errorf("ok=%v want %v (-want +got):\n%s", ok, tt.ok, diff)
			}
		})
	}
}
