package auth

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Errors callers branch on (with errors.Is). Their text is safe to show:
// it never names the reason a credential was refused.
var (
	// ErrUnauthenticated: no credential, or one that is invalid, expired,
	// revoked or of a disabled user (401).
	ErrUnauthenticated = errors.New("authentication required")
	// ErrForbidden: the principal lacks a permission (403).
	ErrForbidden = errors.New("permission denied")
	// ErrNotFound: no such object the principal may see (404).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the object exists already, such as a username (409).
	ErrConflict = errors.New("already exists")
	// ErrNoSigningKey: the service was built without signing secrets
	// (NewAccounts) and cannot issue or check tokens.
	ErrNoSigningKey = errors.New("no signing secret configured")
)

// unauthenticated returns ErrUnauthenticated with the reason for the log.
// The reason must never hold a credential.
func unauthenticated(reason string) error { return fmt.Errorf("%w: %s", ErrUnauthenticated, reason) }

// expiredError is an ErrUnauthenticated whose credential has expired:
// live connections close with 4401 (log in again) rather than 4403.
type expiredError struct{ reason string }

func (e *expiredError) Error() string { return ErrUnauthenticated.Error() + ": " + e.reason }
func (e *expiredError) Unwrap() error { return ErrUnauthenticated }

// Expired marks the error for wsapi and graphqlapi (their IsExpired).
func (e *expiredError) Expired() bool { return true }

// InputError is a bad request member (400).
type InputError struct {
	Field string
	Msg   string
}

func (e *InputError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// ThrottledError refuses a login while too many recent attempts failed
// (429); RetryAfter says when to try again.
type ThrottledError struct{ RetryAfter time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; retry in %d s", retrySeconds(e.RetryAfter))
}

func retrySeconds(d time.Duration) int64 {
	s := int64((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

// StatusOf maps an error of this package to its HTTP status: 500 for any
// other error (a store failure).
func StatusOf(err error) int {
	var in *InputError
	var th *ThrottledError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound), errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.As(err, &in):
		return http.StatusBadRequest
	case errors.As(err, &th):
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
