package providertest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// BodyTransport answers every request with a 200 and Body, without a
// network. ContentType, when set, is the answer's Content-Type.
type BodyTransport struct {
	Body        []byte
	ContentType string
}

// RoundTrip implements http.RoundTripper.
func (b BodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{}
	if b.ContentType != "" {
		h.Set("Content-Type", b.ContentType)
	}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(bytes.NewReader(b.Body)), Request: r}, nil
}

// CheckGenerate calls p.Generate with req and checks what must hold
// whatever the vendor answered: the call fails only with a
// *provider.Error, which does not show key (when set); a call that
// succeeds passes CheckAnswer. It returns the response and whether the
// call succeeded, for the caller's own checks.
func CheckGenerate(t *testing.T, p provider.Provider, req provider.Request, key string) (provider.Response, bool) {
	t.Helper()
	var emitted strings.Builder
	resp, err := p.Generate(t.Context(), req, func(ch provider.Chunk) error {
		emitted.WriteString(ch.Text)
		return nil
	})
	if err != nil {
		if provider.AsError(err) == nil {
			t.Fatalf("error is not a *provider.Error: %v", err)
		}
		if key != "" && strings.Contains(err.Error(), key) {
			t.Fatalf("error leaks the key: %v", err)
		}
		return resp, false
	}
	CheckAnswer(t, emitted.String(), resp)
	return resp, true
}

// CheckAnswer checks an answer against what was emitted for it: exactly
// its text, and a mapped finish reason only with the vendor's own.
func CheckAnswer(t *testing.T, emitted string, resp provider.Response) {
	t.Helper()
	if emitted != resp.Text {
		t.Fatalf("emitted %q but response text is %q", emitted, resp.Text)
	}
	if resp.FinishReason != "" && resp.RawFinishReason == "" {
		t.Fatalf("mapped finish %q without a raw one", resp.FinishReason)
	}
}
