package httpcall

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestClientDo(t *testing.T) {
	t.Parallel()
	var gotAuth, gotCT, gotAccept, gotPath, gotBody string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotCT, gotAccept, gotPath = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.URL.Path
		b, _ := io.ReadAll(r.Body)
		gotBody = string(b)
		w.Header().Set("X-Ratelimit-Remaining-Requests", "99")
		w.Header().Set("X-Ratelimit-Reset-Tokens", "6m0s")
		if r.URL.Path == "/v1/fail" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided: `+testKey+`","code":"invalid_api_key"}}`)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	c := New(Options{Vendor: "openai", BaseURL: srv.URL + "/v1/", Header: http.Header{"Authorization": {"Bearer " + testKey}}, Secrets: []string{testKey}})
	if _, ok := c.RateLimits(); ok {
		t.Fatal("RateLimits reported before any call")
	}
	resp, err := c.Do(t.Context(), http.MethodPost, "/chat/completions", []byte(`{"a":1}`), "text/event-stream")
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	resp.Body.Close()
	want := []string{"Bearer " + testKey, "application/json", "text/event-stream", "/v1/chat/completions", `{"a":1}`}
	if diff := cmp.Diff(want, []string{gotAuth, gotCT, gotAccept, gotPath, gotBody}); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	rl, ok := c.RateLimits()
	if diff := cmp.Diff(provider.RateLimits{RemainingRequests: 99, RemainingTokens: -1, ResetTokens: 6 * time.Minute}, rl); !ok || diff != "" {
		t.Errorf("RateLimits ok=%v (-want +got):\n%s", ok, diff)
	}

	_, err = c.Do(t.Context(), http.MethodGet, "/fail", nil, "") //nolint:bodyclose // a failed call returns no response
	pe := provider.AsError(err)
	if pe == nil || pe.Kind != provider.KindAuth || pe.StatusCode != 401 {
		t.Fatalf("Do error = %v, want auth 401", err)
	}
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("error leaks the key: %v", err)
	}
}

func TestClientTransportErrors(t *testing.T) {
	t.Parallel()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	closed := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	closedURL := closed.URL
	closed.Close()

	tests := []struct {
		name     string
		base     string
		ctx      func(t *testing.T) context.Context
		wantKind provider.Kind
		wantIs   error
	}{
		{"deadline", slow.URL, func(t *testing.T) context.Context {
			ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
			t.Cleanup(cancel)
			return ctx
		}, provider.KindTimeout, context.DeadlineExceeded},
		{"cancelled", slow.URL, func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(20*time.Millisecond, cancel)
			return ctx
		}, provider.KindTransient, context.Canceled},
		{"connection refused", closedURL, func(t *testing.T) context.Context { return t.Context() }, provider.KindTransient, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New(Options{Vendor: "openai", BaseURL: tt.base})
			_, err := c.Do(tt.ctx(t), http.MethodGet, "/models", nil, "") //nolint:bodyclose // a failed call returns no response
			pe := provider.AsError(err)
			if pe == nil || pe.Kind != tt.wantKind {
				t.Fatalf("Do error = %v, want kind %s", err, tt.wantKind)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v does not wrap %v", err, tt.wantIs)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		h      http.Header
		want   time.Duration
	}{
		{"seconds", 429, hdr("Retry-After", "3"), 3 * time.Second},
		{"fractional seconds", 503, hdr("Retry-After", "0.5"), 500 * time.Millisecond},
		{"ms wins", 429, hdr("Retry-After", "3", "Retry-After-Ms", "250"), 250 * time.Millisecond},
		{"date in past", 429, hdr("Retry-After", now.Add(-time.Minute).Format(http.TimeFormat)), 0},
		{"garbage", 429, hdr("Retry-After", "soon"), 0},
		{"reset only on 429", 500, hdr("X-Ratelimit-Reset-Requests", "1s"), 0},
		{"longer reset when unknown", 429, hdr("X-Ratelimit-Reset-Requests", "2m59.56s", "X-Ratelimit-Reset-Tokens", "7.66s"), 2*time.Minute + 59560*time.Millisecond},
		{"none", 429, http.Header{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := RetryAfter(tt.status, tt.h, now); got != tt.want {
				t.Errorf("RetryAfter = %v, want %v", got, tt.want)
			}
		})
	}
}
