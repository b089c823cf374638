package cli

import (
	"errors"
	"fmt"
)

// Exit codes (the README's "Exit codes"). This package is the only place they are chosen.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitRegression  = 2
	ExitConfig      = 3
	ExitInput       = 4
	ExitProvider    = 5
	ExitCostLimit   = 6
	ExitCasesFailed = 100
)

// exitError carries an exit code with the error that caused it.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode marks err with an exit code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

func configErr(format string, args ...any) error {
	return withCode(ExitConfig, fmt.Errorf(format, args...))
}

func inputErr(err error) error { return withCode(ExitInput, err) }

// codeOf returns the exit code for err: the one it was marked with, else 1.
func codeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitError
}

// silentExit ends a command with a code and no message (the command already
// reported, e.g. a run whose cases failed).
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", int(s)) }
