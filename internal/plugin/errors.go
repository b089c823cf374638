package plugin

import (
	"errors"
	"fmt"
	"log/slog"
)

// Kind classifies a failed plugin call.
type Kind string

// Kinds of plugin failure.
const (
	// KindTimeout: the call ran past its timeout; the instance was closed.
	KindTimeout Kind = "timeout"
	// KindTrap: the guest trapped (out of memory, unreachable, out of bounds).
	KindTrap Kind = "trap"
	// KindLimit: the guest went past a cap on input, output, error or logs.
	KindLimit Kind = "limit"
	// KindABI: the guest broke the ABI (bad status, no output, bad pointer).
	KindABI Kind = "abi"
	// KindOutput: the output is not the JSON its type requires.
	KindOutput Kind = "output"
	// KindPlugin: the plugin reported an error with set_error (status 1).
	KindPlugin Kind = "plugin"
	// KindBadInput: the plugin rejected its input (status 2).
	KindBadInput Kind = "bad_input"
)

// Error is a failed plugin call. Its message names the plugin, so a
// recorded verdict says which plugin failed and why.
type Error struct {
	Plugin string
	Kind   Kind
	Err    error
	// Stderr is the tail of what the guest wrote to stdout and stderr
	// during the call (a Go guest's panic text), cut to the cap.
	Stderr string
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("plugin %q: %s: %v", e.Plugin, e.Kind, e.Err)
	if e.Stderr != "" {
		msg += " (guest output: " + e.Stderr + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of a plugin error, "" for other errors.
func KindOf(err error) Kind {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Kind
	}
	return ""
}

// levelOf is the log level of a failure: the plugin's own errors are
// ordinary, the sandbox stopping a plugin is a warning.
func levelOf(k Kind) slog.Level {
	if k == KindPlugin || k == KindBadInput {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}

func logAttrs(e *Error) []slog.Attr {
	return []slog.Attr{slog.String("plugin", e.Plugin), slog.String("kind", string(e.Kind)), slog.String("err", e.Err.Error())}
}

// refusedError marks a plugin refused for what it is (its archive,
// manifest, grants, module or ABI), as opposed to a failure of the host
// (the disk, the store).
type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

func refused(err error) error {
	if err == nil {
		return nil
	}
	return refusedError{err}
}

// IsRefused reports whether err refuses a plugin for what it is: the
// caller's to fix, not the host's.
func IsRefused(err error) bool { return errors.As(err, new(refusedError)) }
