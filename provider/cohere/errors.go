package cohere

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// Cohere's non-standard statuses.
const (
	statusInvalidToken     = 498 // "invalid token", sent instead of 401 at times
	statusRequestCancelled = 499 // request cancelled, or a streaming error
)

// refine applies Cohere's rules on top of httpcall.Classify (it is
// httpcall's Options.Refine). Cohere's error body is flat,
// {"id":"<uuid>","message":"..."}, so most of the meaning is in the status
// and the message:
//   - 498 (invalid token) is auth, like 401;
//   - 499 (request cancelled, streaming error) and 500 are transient;
//   - 503 is overloaded, 504 is timeout;
//   - a 400 "too many tokens: max tokens must be ..." is a bad max_tokens
//     setting (bad_request), not a prompt too long for the context, which
//     the other "too many tokens" messages are;
//   - a 429 for a per-month trial limit is reported as auth, like other
//     vendors' billing errors, because retrying this month cannot help;
//     other 429s (per-minute request or token limits) are rate_limited,
//     with Retry-After when Cohere sends one (it documents none).
func refine(pe *provider.Error, status int, _ http.Header, body []byte) {
	ve, _ := httpcall.ParseVendorError(body)
	msg := strings.ToLower(ve.Message)
	switch {
	case status == statusInvalidToken:
		pe.Kind, pe.RetryAfter = provider.KindAuth, 0
	case status == statusRequestCancelled:
		pe.Kind = provider.KindTransient
	case status == http.StatusServiceUnavailable:
		pe.Kind = provider.KindOverloaded
	case status == http.StatusGatewayTimeout:
		pe.Kind = provider.KindTimeout
	case status == http.StatusBadRequest && strings.Contains(msg, "max tokens must be"):
		pe.Kind = provider.KindBadRequest
		pe.Err = fmt.Errorf("%w [lower max_tokens in the suite or case]", pe.Err)
	case status == http.StatusTooManyRequests && (strings.Contains(msg, "/ month") || strings.Contains(msg, "per month")):
		pe.Kind, pe.RetryAfter = provider.KindAuth, 0
		pe.Err = fmt.Errorf("%w [monthly limit reached: retrying before it resets cannot help]", pe.Err)
	}
}
