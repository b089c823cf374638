package provider

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind classifies a failed call so callers can decide whether to retry.
type Kind string

// Error kinds (the README's "Providers").
const (
	KindRateLimited   Kind = "rate_limited"
	KindOverloaded    Kind = "overloaded"
	KindAuth          Kind = "auth"
	KindBadRequest    Kind = "bad_request"
	KindContextLength Kind = "context_length"
	KindTransient     Kind = "transient"
	KindTimeout       Kind = "timeout"
)

// Retryable reports whether a call that failed with this kind may succeed if repeated.
func (k Kind) Retryable() bool {
	switch k {
	case KindRateLimited, KindOverloaded, KindTransient, KindTimeout:
		return true
	}
	return false
}

// Error is what a provider returns for a failed call, so callers can errors.As it.
type Error struct {
	Kind       Kind
	StatusCode int           // 0 when no HTTP response arrived
	RetryAfter time.Duration // from Retry-After or the body; 0 means "use backoff"
	Err        error
}

func (e *Error) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("%s (HTTP %d): %v", e.Kind, e.StatusCode, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain, or nil.
func AsError(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return nil
}

// KindOf names a failed call's kind for events and spans: the *Error's
// Kind, "cancelled" when the call's context was cancelled, else fallback.
func KindOf(err error, fallback string) string {
	if pe := AsError(err); pe != nil {
		return string(pe.Kind)
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return fallback
}
