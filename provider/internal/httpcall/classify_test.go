package httpcall

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

const testKey = "sk-test-1234567890abcdef"

var now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		header    http.Header
		body      string
		wantKind  provider.Kind
		wantRetry time.Duration
		wantIn    string
	}{
		{"openai invalid key", 401, nil, `{"error":{"message":"Incorrect API key provided: ` + testKey + `. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`, provider.KindAuth, 0, "Incorrect API key provided: [redacted]"},
		{"forbidden region", 403, nil, `{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}`, provider.KindAuth, 0, "Country, region"},
		{"context length", 400, nil, `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`, provider.KindContextLength, 0, "maximum context length"},
		{"anthropic prompt too long", 400, nil, `{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208423 tokens > 200000 maximum"}}`, provider.KindContextLength, 0, "prompt is too long"},
		{"llama.cpp context", 400, nil, `{"error":{"code":400,"message":"request (5827 tokens) exceeds the available context size (4096 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5827,"n_ctx":4096}}`, provider.KindContextLength, 0, "exceeds the available context size"},
		{"unsupported parameter", 400, nil, `{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}`, provider.KindBadRequest, 0, "unsupported_parameter"},
		{"model not found", 404, nil, "{\"error\":{\"message\":\"The model `gpt-9` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}", provider.KindBadRequest, 0, "gpt-9"},
		{"unprocessable", 422, nil, `{"detail":[{"msg":"field required"}]}`, provider.KindBadRequest, 0, "field required"},
		{"rate limit retry-after", 429, hdr("Retry-After", "7"), `{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}`, provider.KindRateLimited, 7 * time.Second, "Rate limit reached"},
		{"rate limit retry-after-ms preferred", 429, hdr("Retry-After", "7", "Retry-After-Ms", "1500"), `{"error":{"message":"slow down","type":"rate_limit_error"}}`, provider.KindRateLimited, 1500 * time.Millisecond, "slow down"},
		{"rate limit http date", 429, hdr("Retry-After", now.Add(30*time.Second).Format(http.TimeFormat)), `{}`, provider.KindRateLimited, 30 * time.Second, "openai"},
		{"rate limit reset tokens", 429, hdr("X-Ratelimit-Remaining-Requests", "10", "X-Ratelimit-Remaining-Tokens", "0", "X-Ratelimit-Reset-Requests", "6m0s", "X-Ratelimit-Reset-Tokens", "20ms"), `{"error":{"message":"Rate limit reached on tokens per min (TPM)","type":"tokens","code":"rate_limit_exceeded"}}`, provider.KindRateLimited, 20 * time.Millisecond, "TPM"},
		{"rate limit reset requests", 429, hdr("X-Ratelimit-Remaining-Requests", "0", "X-Ratelimit-Reset-Requests", "1s"), `{"error":{"message":"Rate limit reached on requests per min","type":"requests","code":"rate_limit_exceeded"}}`, provider.KindRateLimited, time.Second, "requests per min"},
		{"rate limit hint in message", 429, nil, `{"error":{"message":"Rate limit reached for gpt-4o in organization org-xxx on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 1.4s. Visit https://platform.openai.com/account/rate-limits to learn more.","type":"tokens","code":"rate_limit_exceeded"}}`, provider.KindRateLimited, 1400 * time.Millisecond, "try again"},
		{"quota is not retryable", 429, nil, `{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`, provider.KindAuth, 0, "quota"},
		{"server error", 500, nil, `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`, provider.KindTransient, 0, "Sorry about that"},
		{"server overloaded 503", 503, hdr("Retry-After", "2"), `{"error":{"message":"The engine is currently overloaded, please try again later","type":"service_unavailable_error","param":null,"code":"server_is_overloaded"}}`, provider.KindOverloaded, 2 * time.Second, "overloaded"},
		{"plain 503", 503, nil, `{"error":{"code":503,"message":"Loading model","type":"unavailable_error"}}`, provider.KindTransient, 0, "Loading model"},
		{"anthropic 529", 529, nil, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, provider.KindOverloaded, 0, "Overloaded"},
		{"html gateway error", 502, hdr("Content-Type", "text/html"), "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>", provider.KindTransient, 0, `non-JSON response body (text/html, 76 bytes): "<html> <head><title>502 Bad Gateway`},
		{"empty body", 500, nil, "", provider.KindTransient, 0, "empty response body"},
		{"ollama string error", 400, nil, `{"error":"model 'x' not found"}`, provider.KindBadRequest, 0, "model 'x' not found"},
		{"gemini bad key on 400", 400, nil, `{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}`, provider.KindAuth, 0, "API key not valid"},
		{"azure string code 429", 429, hdr("retry-after", "6"), `{"error":{"code":"429","message":"Requests have exceeded token rate limit. Please retry after 6 seconds."}}`, provider.KindRateLimited, 6 * time.Second, "429"},
		{"request timeout", 408, nil, `{}`, provider.KindTransient, 0, "without an error message"},
		{"bearer token in body", 400, nil, `{"error":{"message":"bad header Authorization: Bearer abc.def"}}`, provider.KindBadRequest, 0, "Bearer [redacted]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			pe := Classify("openai", tt.status, h, []byte(tt.body), now, testKey)
			got := struct {
				Kind   provider.Kind
				Status int
				Retry  time.Duration
			}{pe.Kind, pe.StatusCode, pe.RetryAfter}
			want := struct {
				Kind   provider.Kind
				Status int
				Retry  time.Duration
			}{tt.wantKind, tt.status, tt.wantRetry}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Classify (-want +got):\n%s", diff)
			}
			msg := pe.Error()
			if !strings.Contains(msg, tt.wantIn) {
				t.Errorf("error %q does not contain %q", msg, tt.wantIn)
			}
			if strings.Contains(msg, testKey) || strings.Contains(msg, "abc.def") {
				t.Errorf("error %q leaks a secret", msg)
			}
		})
	}
}

func TestClassifyTruncatesMessage(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 400)
	pe := Classify("openai", 400, http.Header{}, []byte(`{"error":{"message":"`+long+`"}}`), now)
	if n := len(pe.Err.Error()); n > maxMessage+40 {
		t.Errorf("message is %d bytes, want about %d", n, maxMessage)
	}
	if !strings.Contains(pe.Err.Error(), "…") {
		t.Errorf("truncated message lacks the cut mark: %q", pe.Err.Error())
	}
}

func TestClassifyStreamError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		payload  string
		wantKind provider.Kind
		wantCode int
	}{
		{"openai server error", `{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}`, provider.KindTransient, 0},
		{"openrouter upstream 502", `{"error":{"code":502,"message":"Provider returned error"}}`, provider.KindTransient, 502},
		{"openrouter 429", `{"error":{"code":429,"message":"Rate limit exceeded"}}`, provider.KindRateLimited, 429},
		{"rate limit without a code", `{"error":{"message":"Rate limit exceeded: free-models-per-min"}}`, provider.KindRateLimited, 0},
		{"anthropic overloaded", `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, provider.KindOverloaded, 0},
		{"context length", `{"error":{"message":"maximum context length exceeded","code":"context_length_exceeded"}}`, provider.KindContextLength, 0},
		{"unknown shape", `not json`, provider.KindTransient, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pe := ClassifyStreamError("openai", []byte(tt.payload))
			if pe.Kind != tt.wantKind || pe.StatusCode != tt.wantCode {
				t.Errorf("ClassifyStreamError = %s/%d, want %s/%d (%v)", pe.Kind, pe.StatusCode, tt.wantKind, tt.wantCode, pe)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"key sk-abcdef in text", "key [redacted] in text"},
		{"Authorization: Bearer tok1, bearer tok2", "Authorization: Bearer [redacted], bearer [redacted]"},
		{"nothing", "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Redact(tt.in, "sk-abcdef", ""); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	f.Add(400, []byte(`{"error":{"message":"x","type":"y","code":"context_length_exceeded"}}`))
	f.Add(429, []byte(`{"error":{"code":"429","message":"retry after 6 seconds"}}`))
	f.Add(500, []byte(`<html>oops</html>`))
	f.Add(0, []byte(`{"error":"x"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		pe := Classify("v", status, http.Header{}, body, now, testKey)
		if pe.Kind == "" || pe.Err == nil {
			t.Fatalf("incomplete error %+v", pe)
		}
		if strings.Contains(pe.Error(), testKey) {
			t.Fatalf("key leaked: %q", pe.Error())
		}
		if pe.RetryAfter < 0 {
			t.Fatalf("negative RetryAfter %v", pe.RetryAfter)
		}
		se := ClassifyStreamError("v", body, testKey)
		if se.Kind == "" || strings.Contains(se.Error(), testKey) {
			t.Fatalf("bad stream error %+v", se)
		}
	})
}
