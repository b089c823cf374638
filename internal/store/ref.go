package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// MinPrefix is the shortest run id prefix GetRun resolves. Run ids are
// UUIDv7s, whose first characters are a timestamp: runs made within hours
// share 8 or more of them, so the run number is the short reference that
// always works.
const MinPrefix = 6

// Sentinels a RefError wraps, for callers that branch on the kind of
// failure.
var (
	// ErrAmbiguous means a prefix matches several runs.
	ErrAmbiguous = errors.New("ambiguous run reference")
	// ErrRefTooShort means a reference is neither a run number nor long
	// enough to be an id prefix.
	ErrRefTooShort = errors.New("run reference too short")
)

// RefError says plainly why a run reference does not name one run. It
// wraps ErrNotFound, ErrAmbiguous or ErrRefTooShort; a reference too short
// is also ErrNotFound (no run has it as its id).
type RefError struct {
	Ref    string
	Reason string
	Err    error
}

func (e *RefError) Error() string { return fmt.Sprintf("run reference %q: %s", e.Ref, e.Reason) }

// Unwrap returns the sentinels.
func (e *RefError) Unwrap() []error {
	if errors.Is(e.Err, ErrRefTooShort) {
		return []error{e.Err, ErrNotFound}
	}
	return []error{e.Err}
}

// RunFinder is what a backend provides for ResolveRun. Each method returns
// nil (and no error) when nothing matches.
type RunFinder interface {
	// RunByID returns the run with exactly this id.
	RunByID(ctx context.Context, id string) (*bench.Run, error)
	// RunBySeq returns the run with this number.
	RunBySeq(ctx context.Context, seq int64) (*bench.Run, error)
	// RunsByPrefix returns up to limit runs whose id starts with prefix
	// (compared literally: no wildcards), ordered by id.
	RunsByPrefix(ctx context.Context, prefix string, limit int) ([]bench.Run, error)
}

// maxListed is how many matches an ambiguity error names.
const maxListed = 3

// ResolveRun finds the one run that ref names, in this order: a run whose
// id is ref; a run number written "#12", or "12" when it has fewer than
// MinPrefix digits; a unique id prefix of at least MinPrefix characters (a
// longer number is tried as a run number when no id starts with it).
// Errors that concern the reference itself are *RefError; errors from the
// finder are returned as they are.
func ResolveRun(ctx context.Context, ref string, f RunFinder) (*bench.Run, error) {
	if n, ok := strings.CutPrefix(ref, "#"); ok {
		seq, err := strconv.ParseInt(n, 10, 64)
		if err != nil || seq <= 0 {
			return nil, &RefError{Ref: ref, Reason: "not a run number (want #1, #2, ...)", Err: ErrNotFound}
		}
		return bySeq(ctx, ref, seq, f)
	}
	run, err := f.RunByID(ctx, ref)
	if err != nil || run != nil {
		return run, err
	}
	seq, numErr := strconv.ParseInt(ref, 10, 64)
	isNum := numErr == nil && seq > 0
	if isNum && len(ref) < MinPrefix {
		return bySeq(ctx, ref, seq, f)
	}
	if len(ref) < MinPrefix {
		return nil, &RefError{Ref: ref, Reason: fmt.Sprintf("too short (at least %d characters or a run number)", MinPrefix), Err: ErrRefTooShort}
	}
	found, err := f.RunsByPrefix(ctx, ref, maxListed+1)
	if err != nil {
		return nil, err
	}
	switch {
	case len(found) == 1:
		return &found[0], nil
	case len(found) > 1:
		return nil, &RefError{Ref: ref, Reason: ambiguity(found), Err: ErrAmbiguous}
	case isNum:
		return bySeq(ctx, ref, seq, f)
	}
	return nil, &RefError{Ref: ref, Reason: "not found", Err: ErrNotFound}
}

func bySeq(ctx context.Context, ref string, seq int64, f RunFinder) (*bench.Run, error) {
	run, err := f.RunBySeq(ctx, seq)
	if err != nil || run != nil {
		return run, err
	}
	return nil, &RefError{Ref: ref, Reason: fmt.Sprintf("no run #%d", seq), Err: ErrNotFound}
}

// ambiguity names the matches: "ambiguous: matches ID (#3), ID (#4)".
func ambiguity(found []bench.Run) string {
	var b strings.Builder
	b.WriteString("ambiguous: matches ")
	for i, r := range found[:min(len(found), maxListed)] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (#%d)", r.ID, r.Seq)
	}
	if len(found) > maxListed {
		b.WriteString(" and more")
	}
	b.WriteString("; give more characters or the run number")
	return b.String()
}

// GetRun is a backend's GetRun: the run ref names through f, with its
// derived status; a reference error passes through as it is, any other is
// wrapped with what (e.g. "sqlite get run").
func GetRun(ctx context.Context, ref string, f RunFinder, what string) (*bench.Run, error) {
	now := time.Now()
	run, err := ResolveRun(ctx, ref, f)
	if err != nil {
		var re *RefError
		if errors.As(err, &re) {
			return nil, err
		}
		return nil, fmt.Errorf("%s %s: %w", what, ref, err)
	}
	DeriveStatus(run, now)
	return run, nil
}
