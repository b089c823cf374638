package bedrock

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// awsError is an AWS JSON error body: {"message":"…"} (some services and
// gateways send "Message", and "__type" or "code" with the type).
type awsError struct {
	Message string `json:"message"`
	Type    string `json:"__type"`
	Code    string `json:"code"`
	// ModelStreamErrorException carries the model's own status and message.
	OriginalStatusCode int    `json:"originalStatusCode"`
	OriginalMessage    string `json:"originalMessage"`
}

// errorType is the exception name of a failed response: the x-amzn-ErrorType
// header ("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")
// or the body's __type or code ("com.amazon.coral.service#UnrecognizedClientException"),
// without namespace and URL.
func errorType(h http.Header, e awsError) string {
	t := h.Get("X-Amzn-Errortype")
	if t == "" {
		t = e.Type
	}
	if t == "" {
		t = e.Code
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	return strings.TrimSpace(t)
}

// kindOf maps a Bedrock exception name (HTTP or in-stream, any case) and its
// message to a kind; ok is false for a name it does not know.
func kindOf(typ, message string) (kind provider.Kind, ok bool) {
	switch strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(typ, "Exception"), "exception")) {
	case "validation":
		if isContextLength(message) {
			return provider.KindContextLength, true
		}
		return provider.KindBadRequest, true
	case "accessdenied", "unrecognizedclient", "invalidsignature", "incompletesignature",
		"missingauthenticationtoken", "expiredtoken", "invalidclienttokenid", "signaturedoesnotmatch":
		return provider.KindAuth, true
	case "throttling", "servicequotaexceeded", "toomanyrequests":
		return provider.KindRateLimited, true
	case "serviceunavailable":
		return provider.KindOverloaded, true
	case "internalserver", "modelnotready", "modelerror", "modelstreamerror":
		return provider.KindTransient, true
	case "modeltimeout":
		return provider.KindTimeout, true
	case "resourcenotfound", "conflict":
		return provider.KindBadRequest, true
	}
	return "", false
}

// isContextLength recognises Bedrock's and its models' "prompt too long"
// messages ("Input is too long for requested model.", "Too many input
// tokens…", Anthropic's "prompt is too long: …" passed through).
func isContextLength(message string) bool {
	m := strings.ToLower(message)
	for _, s := range []string{
		"input is too long", "too many input tokens", "prompt is too long", "context window",
		"context length", "maximum context", "max input tokens", "input token count", "too many tokens",
	} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// refine is httpcall's Options.Refine: the exception type decides the kind
// (httpcall's status rules are the fallback for an unknown or missing type),
// and the message names it. Retry-After is honoured when a proxy sends one;
// Bedrock itself sends no retry hint, so RetryAfter is 0 ("use backoff").
func (c *Client) refine(pe *provider.Error, status int, h http.Header, body []byte) {
	var e awsError
	_ = json.Unmarshal(body, &e)
	typ := errorType(h, e)
	if typ == "" {
		return
	}
	if kind, ok := kindOf(typ, e.Message); ok {
		pe.Kind = kind
	}
	pe.RetryAfter = 0
	if pe.Kind.Retryable() {
		pe.RetryAfter = httpcall.RetryAfter(status, h, time.Now())
	}
	msg := strings.TrimSpace(e.Message)
	if msg == "" {
		msg = "no message"
	}
	pe.Err = fmt.Errorf("%s: %s (%s)", Vendor, httpcall.Redact(clip(msg), c.secrets...), typ)
}

// exception turns an in-stream exception message (":message-type"
// exception, its name in ":exception-type", {"message":…} as payload) into
// a *provider.Error. A modelStreamErrorException takes its kind from the
// model's original status when it has one.
func (c *Client) exception(typ string, payload []byte) *provider.Error {
	var e awsError
	_ = json.Unmarshal(payload, &e)
	kind, ok := kindOf(typ, e.Message)
	if !ok {
		kind = provider.KindTransient
	}
	msg := strings.TrimSpace(e.Message)
	if e.OriginalMessage != "" {
		msg = strings.TrimSpace(msg + " " + e.OriginalMessage)
	}
	switch s := e.OriginalStatusCode; {
	case s == http.StatusTooManyRequests:
		kind = provider.KindRateLimited
	case s == http.StatusServiceUnavailable || s == 529:
		kind = provider.KindOverloaded
	case s >= 400 && s < 500 && isContextLength(msg):
		kind = provider.KindContextLength
	}
	if msg == "" {
		msg = "no message"
	}
	return &provider.Error{Kind: kind,
		Err: fmt.Errorf("%s: stream exception %s: %s", Vendor, typ, httpcall.Redact(clip(msg), c.secrets...))}
}

// clip bounds a vendor message kept in an error.
func clip(s string) string {
	const limit = 300
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
