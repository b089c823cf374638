package session

import (
	"errors"
	"fmt"
)

// Kind classifies a session error so each front end can answer in its own
// terms (the CLI's exit codes, the server's HTTP statuses).
type Kind int

// Error kinds.
const (
	// KindConfig is a bad option, flag, provider or key.
	KindConfig Kind = iota + 1
	// KindInput is a bad dataset, template or assertion.
	KindInput
	// KindNotFound is a run reference that matches no run.
	KindNotFound
)

// Error is a classified session error.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns err's kind, 0 when it has none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func configErr(format string, args ...any) error {
	return &Error{Kind: KindConfig, Err: fmt.Errorf(format, args...)}
}

func inputErr(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: KindInput, Err: err}
}
