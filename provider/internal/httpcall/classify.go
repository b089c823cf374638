package httpcall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

// maxMessage bounds how much of a vendor's error message reaches our errors.
const maxMessage = 300

// VendorError is the part of a vendor's error body we keep: it covers
// OpenAI's {"error":{message,type,code,param}}, Anthropic's
// {"type":"error","error":{type,message}}, Gemini's {"error":{code,message,
// status}}, Ollama's {"error":"..."} and flat {"message":...} bodies.
type VendorError struct {
	Message string
	Type    string
	// Code is the vendor's code as text ("context_length_exceeded", "429").
	Code string
	// Status is Gemini's status name, such as "RESOURCE_EXHAUSTED".
	Status string
}

type errFields struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Code    json.RawMessage `json:"code"`
	Status  json.RawMessage `json:"status"`
}

type errEnvelope struct {
	Error json.RawMessage `json:"error"`
	errFields
}

// ParseVendorError extracts the vendor's error from a JSON body; ok is false
// when the body is not a JSON object with an error message or type.
func ParseVendorError(body []byte) (ve VendorError, ok bool) {
	var env errEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		return VendorError{}, false
	}
	f := env.errFields
	if raw := bytes.TrimSpace(env.Error); len(raw) > 0 && raw[0] == '{' {
		var inner errFields
		if json.Unmarshal(raw, &inner) == nil {
			f = inner
		}
	} else if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			f = errFields{Message: s}
		}
	}
	ve = VendorError{Message: f.Message, Type: f.Type, Code: rawText(f.Code), Status: rawText(f.Status)}
	return ve, ve.Message != "" || ve.Type != "" || ve.Code != ""
}

// rawText renders a JSON string or number as text.
func rawText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') {
		return string(raw)
	}
	return ""
}

// Classify turns a failed HTTP response into a *provider.Error. vendor names
// the service in the message; secrets (API keys) are removed from anything
// taken from the body.
func Classify(vendor string, status int, h http.Header, body []byte, now time.Time, secrets ...string) *provider.Error {
	ve, isJSON := ParseVendorError(body)
	pe := &provider.Error{StatusCode: status, Kind: kindFor(status, ve)}
	if pe.Kind == provider.KindRateLimited || pe.Kind == provider.KindOverloaded || pe.Kind == provider.KindTransient {
		pe.RetryAfter = RetryAfter(status, h, now)
		if pe.RetryAfter == 0 && pe.Kind == provider.KindRateLimited {
			pe.RetryAfter = messageRetryAfter(ve.Message)
		}
	}
	var detail string
	switch {
	case isJSON:
		detail = describe(ve)
	case json.Valid(body):
		detail = fmt.Sprintf("response body without an error message: %q", Truncate(string(bytes.TrimSpace(body)), 120))
	default:
		detail = summarise(h.Get("Content-Type"), body)
	}
	pe.Err = fmt.Errorf("%s: %s", vendor, Redact(detail, secrets...))
	return pe
}

// ClassifyStreamError turns an error object found inside a stream (after an
// HTTP 200) into a *provider.Error. Its kind comes from the object's numeric
// code when that is an HTTP status, else from its type; unknown is transient.
func ClassifyStreamError(vendor string, payload []byte, secrets ...string) *provider.Error {
	ve, ok := ParseVendorError(payload)
	if !ok {
		ve = VendorError{Message: summarise("", payload)}
	}
	status := 0
	if n, err := strconv.Atoi(ve.Code); err == nil && n >= 400 && n <= 599 {
		status = n
	}
	kind := kindFor(status, ve)
	if status == 0 && kind == provider.KindBadRequest {
		kind = provider.KindTransient
	}
	return &provider.Error{Kind: kind, StatusCode: status, RetryAfter: messageRetryAfter(ve.Message),
		Err: fmt.Errorf("%s: stream error: %s", vendor, Redact(describe(ve), secrets...))}
}

// kindFor maps a status and vendor error to a kind. Status 0 means the kind
// must come from the body alone.
func kindFor(status int, ve VendorError) provider.Kind {
	text := strings.ToLower(ve.Message + " " + ve.Type + " " + ve.Code + " " + ve.Status)
	switch {
	case status != 401 && status != 403 && status != 429 && status < 500 && isContextLength(text):
		return provider.KindContextLength
	case strings.Contains(text, "api_key_invalid") || strings.Contains(text, "api key not valid"):
		return provider.KindAuth
	case status == 401 || status == 403 || strings.Contains(text, "authentication_error") || strings.Contains(text, "permission_error"):
		return provider.KindAuth
	case strings.Contains(text, "insufficient_quota") || strings.Contains(text, "credit_balance_exhausted") || status == 402:
		return provider.KindAuth // billing: retrying cannot help
	case status == 529 || strings.Contains(text, "overloaded"):
		return provider.KindOverloaded
	case status == 429 || strings.Contains(text, "rate_limit") || strings.Contains(text, "rate limit") || strings.Contains(text, "resource_exhausted"):
		return provider.KindRateLimited
	case status == 408 || status == 409 || status >= 500:
		return provider.KindTransient
	case status == 0 && (strings.Contains(text, "server_error") || strings.Contains(text, "api_error") || strings.Contains(text, "unavailable")):
		return provider.KindTransient
	}
	return provider.KindBadRequest
}

// isContextLength recognises the vendors' "prompt too long" errors.
func isContextLength(text string) bool {
	for _, s := range []string{
		"context_length_exceeded", "maximum context length", "context length", "context window",
		"prompt is too long", "exceed_context_size", "exceeds the available context size",
		"input is too long", "exceeds the maximum number of tokens", "too many tokens",
		"context_window_exceeded",
	} {
		if strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// describe renders a vendor error as "message (type, code)".
func describe(ve VendorError) string {
	msg := Truncate(strings.TrimSpace(ve.Message), maxMessage)
	if msg == "" {
		msg = "no message"
	}
	var tags []string
	for _, t := range []string{ve.Type, ve.Code, ve.Status} {
		if t != "" && t != msg {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		return msg + " (" + strings.Join(tags, ", ") + ")"
	}
	return msg
}

// summarise describes a body that is not a JSON error: its type, size and a
// short whitespace-collapsed prefix.
func summarise(contentType string, body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty response body"
	}
	prefix := Truncate(strings.Join(strings.Fields(string(body)), " "), 120)
	if contentType == "" {
		contentType = "unknown type"
	}
	return fmt.Sprintf("non-JSON response body (%s, %d bytes): %q", contentType, len(body), prefix)
}

// Truncate cuts s to at most n bytes on a rune boundary, marking the cut
// with "…".
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Redact removes every secret, and any bearer token, from s.
func Redact(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	for _, p := range []string{"Bearer ", "bearer "} {
		for i := strings.Index(s, p); i >= 0; {
			j := i + len(p)
			end := j
			for end < len(s) && s[end] != ' ' && s[end] != '"' && s[end] != ',' {
				end++
			}
			s = s[:j] + "[redacted]" + s[end:]
			next := strings.Index(s[j+len("[redacted]"):], p)
			if next < 0 {
				break
			}
			i = j + len("[redacted]") + next
		}
	}
	return s
}

// ErrStreamTruncated is wrapped by errors for streams that ended before the
// vendor's terminator.
var ErrStreamTruncated = errors.New("stream truncated")
