package ollama

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// notFoundModel matches Ollama's unknown-model message,
// `model "llama9" not found, try pulling it first`.
var notFoundModel = regexp.MustCompile(`model ["']([^"']+)["'] not found`)

// refine applies Ollama's rules on top of httpcall.Classify, whose bodies
// ({"error":"..."}) it already reads. It is httpcall's Options.Refine and
// is also used for an error line in a stream (status 0):
//   - 503 is overloaded: Ollama's queue is full ("server busy, please try
//     again.  maximum pending requests exceeded");
//   - a context-length message is context_length whatever the status (the
//     embed route answers "the input length exceeds the context length"
//     with a 500 on some versions);
//   - a 404 for an unknown model says how to get it; a 404 without an
//     Ollama error body means base_url does not point at an Ollama server;
//   - an error whose message is itself a JSON error (the runner's, passed
//     through when "truncate" is false) is reported by its inner message.
func (c *Client) refine(pe *provider.Error, status int, _ http.Header, body []byte) {
	ve, isJSON := httpcall.ParseVendorError(body)
	msg := ve.Message
	if inner, ok := innerError(msg); ok {
		msg = inner
		pe.Err = fmt.Errorf("ollama: %s", httpcall.Redact(inner, c.secrets...))
	}
	low := strings.ToLower(msg)
	switch {
	case isContextLength(low):
		pe.Kind, pe.RetryAfter = provider.KindContextLength, 0
		pe.Err = fmt.Errorf("%w [the prompt does not fit the model's context window: raise the num_ctx option or shorten the prompt]", pe.Err)
	case status == http.StatusServiceUnavailable:
		pe.Kind = provider.KindOverloaded
	case status == http.StatusNotFound && isJSON:
		if m := notFoundModel.FindStringSubmatch(msg); m != nil {
			pe.Err = fmt.Errorf("%w [pull the model on the server first: ollama pull %s]", pe.Err, httpcall.Redact(m[1], c.secrets...))
		}
	case status == http.StatusNotFound:
		pe.Err = fmt.Errorf("%w [no such route: is base_url an Ollama server, such as %s, without /v1 or /api?]", pe.Err, DefaultBaseURL)
	}
}

// isContextLength recognises Ollama's "prompt too long" messages (the
// runner's and the embed route's); httpcall knows the common ones but
// only for statuses below 500.
func isContextLength(low string) bool {
	for _, s := range []string{"exceeds the context length", "exceeds the available context size",
		"longer than the context length", "exceed_context_size", "context length exceeded"} {
		if strings.Contains(low, s) {
			return true
		}
	}
	return false
}

// innerError returns the message of a JSON error object found as the text
// of an Ollama error.
func innerError(msg string) (string, bool) {
	msg = strings.TrimSpace(msg)
	if !strings.HasPrefix(msg, "{") {
		return "", false
	}
	ve, ok := httpcall.ParseVendorError([]byte(msg))
	if !ok || ve.Message == "" {
		return "", false
	}
	if ve.Type != "" {
		return ve.Message + " (" + ve.Type + ")", true
	}
	return ve.Message, true
}

// streamError classifies an {"error":"..."} line received after the 200 (or
// in a 200 body). Its kind comes from the message; unknown is transient.
func (c *Client) streamError(payload []byte) *provider.Error {
	pe := httpcall.ClassifyStreamError(Vendor, bytes.TrimSpace(payload), c.secrets...)
	c.refine(pe, 0, nil, payload)
	return pe
}
