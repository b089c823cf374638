package gemini

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// googleError is the Google RPC error body:
// {"error":{"code":429,"message":"...","status":"RESOURCE_EXHAUSTED","details":[...]}}.
type googleError struct {
	Error *struct {
		Code    int           `json:"code"`
		Message string        `json:"message"`
		Status  string        `json:"status"`
		Details []errorDetail `json:"details"`
	} `json:"error"`
}

// errorDetail is one entry of details[]; only the fields of the types read
// here (ErrorInfo, RetryInfo, QuotaFailure) are decoded.
type errorDetail struct {
	Type       string `json:"@type"`
	Reason     string `json:"reason"`
	RetryDelay string `json:"retryDelay"`
	Violations []struct {
		QuotaID     string `json:"quotaId"`
		QuotaMetric string `json:"quotaMetric"`
	} `json:"violations"`
}

const (
	typeErrorInfo    = "type.googleapis.com/google.rpc.ErrorInfo"
	typeRetryInfo    = "type.googleapis.com/google.rpc.RetryInfo"
	typeQuotaFailure = "type.googleapis.com/google.rpc.QuotaFailure"
)

// refine applies Gemini's own rules on top of httpcall.Classify (it is
// httpcall's Options.Refine, and is also used for errors found in a 200
// body or stream):
//   - ErrorInfo reason API_KEY_INVALID (HTTP 400), PERMISSION_DENIED and
//     UNAUTHENTICATED are auth;
//   - RESOURCE_EXHAUSTED is rate_limited with RetryAfter from
//     RetryInfo.retryDelay ("34s"); a per-day quota (a QuotaFailure quotaId
//     containing "PerDay") is reported as auth, like other vendors' billing
//     errors, because retrying before the quota resets cannot help;
//   - UNAVAILABLE (503, "The model is overloaded") is overloaded;
//   - DEADLINE_EXCEEDED (504) is timeout; INTERNAL (500) stays transient.
func refine(pe *provider.Error, status int, _ http.Header, body []byte) {
	var ge googleError
	if json.Unmarshal(body, &ge) != nil || ge.Error == nil {
		return
	}
	e := ge.Error
	if status == 0 {
		status = e.Code
	}
	var keyInvalid, perDay bool
	var delay time.Duration
	for _, d := range e.Details {
		switch d.Type {
		case typeErrorInfo:
			keyInvalid = keyInvalid || strings.HasPrefix(d.Reason, "API_KEY_")
		case typeRetryInfo:
			if v, err := time.ParseDuration(strings.TrimSpace(d.RetryDelay)); err == nil && v > 0 {
				delay = v
			}
		case typeQuotaFailure:
			for _, v := range d.Violations {
				perDay = perDay || strings.Contains(v.QuotaID, "PerDay")
			}
		}
	}
	switch {
	case keyInvalid || e.Status == "PERMISSION_DENIED" || e.Status == "UNAUTHENTICATED":
		pe.Kind, pe.RetryAfter = provider.KindAuth, 0
	case e.Status == "RESOURCE_EXHAUSTED" || status == http.StatusTooManyRequests:
		if perDay {
			pe.Kind, pe.RetryAfter = provider.KindAuth, 0
			pe.Err = fmt.Errorf("%w [daily quota exhausted: retrying before it resets cannot help]", pe.Err)
			return
		}
		pe.Kind = provider.KindRateLimited
		if delay > 0 {
			pe.RetryAfter = delay
		}
	case e.Status == "UNAVAILABLE" || status == http.StatusServiceUnavailable:
		pe.Kind = provider.KindOverloaded
		if delay > 0 {
			pe.RetryAfter = delay
		}
	case e.Status == "DEADLINE_EXCEEDED" || status == http.StatusGatewayTimeout:
		pe.Kind = provider.KindTimeout
	}
}

// bodyError classifies an error object found in a 200 body or a stream event.
func (c *Client) bodyError(data []byte) *provider.Error {
	pe := httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
	refine(pe, pe.StatusCode, nil, data)
	return pe
}
