package store

import (
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// MinPrefix is the shortest run id prefix GetRun resolves.
const MinPrefix = 6

// ErrAmbiguous is returned by GetRun when a prefix matches several runs.
var ErrAmbiguous = errors.New("ambiguous run id prefix")

// PickPrefix turns the runs matching prefix (backends fetch at most two)
// into GetRun's answer: the run, ErrNotFound or ErrAmbiguous.
func PickPrefix(prefix string, found []bench.Run) (*bench.Run, error) {
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("run %s: %w", prefix, ErrNotFound)
	case 1:
		return &found[0], nil
	default:
		return nil, fmt.Errorf("run %s matches %s, %s, ...: %w", prefix, found[0].ID, found[1].ID, ErrAmbiguous)
	}
}
