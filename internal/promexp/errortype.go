package promexp

import "github.com/llm-test-bench/llm-test-bench/provider"

// The closed set of error_type label values. Every failure maps to one of
// them, so a vendor's new error kind cannot grow the label set.
const (
	ErrRateLimit      = "rate_limit"
	ErrTimeout        = "timeout"
	ErrServer         = "server"
	ErrAuth           = "auth"
	ErrInvalidRequest = "invalid_request"
	ErrContentFilter  = "content_filter"
	ErrNetwork        = "network"
	ErrCanceled       = "canceled"
	ErrOther          = "other"
)

// ErrorTypes lists the closed set, in the order of the docs.
var ErrorTypes = []string{
	ErrRateLimit, ErrTimeout, ErrServer, ErrAuth, ErrInvalidRequest,
	ErrContentFilter, ErrNetwork, ErrCanceled, ErrOther,
}

// StatusUnknown is the status to give ErrorType when no HTTP status is
// known (call attempts carry only the kind).
const StatusUnknown = -1

// ErrorType maps a failure's kind (provider.Kind, "cancelled" from the
// runner, or a finish reason of content_filter) and its HTTP status (0 when
// no response arrived, StatusUnknown when not recorded) to the closed set.
// A transient failure is a server error when the status is 5xx and a
// network error when no response arrived or a stream broke after 200;
// anything unknown is "other".
func ErrorType(kind string, status int) string {
	switch provider.Kind(kind) {
	case provider.KindRateLimited:
		return ErrRateLimit
	case provider.KindOverloaded:
		return ErrServer
	case provider.KindAuth:
		return ErrAuth
	case provider.KindBadRequest, provider.KindContextLength:
		return ErrInvalidRequest
	case provider.KindTimeout:
		return ErrTimeout
	case provider.KindTransient:
		switch {
		case status >= 500:
			return ErrServer
		case status == 0 || status == 200:
			return ErrNetwork
		}
		return ErrOther
	}
	switch kind {
	case "cancelled", "canceled":
		return ErrCanceled
	case provider.FinishContentFilter:
		return ErrContentFilter
	}
	return ErrOther
}
