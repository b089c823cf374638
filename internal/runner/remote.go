package runner

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Remote executes a job somewhere else (a worker process) and returns its
// scored result. It must return exactly one result per call, failures and
// a cancelled ctx included, as a local call does.
type Remote interface {
	Execute(ctx context.Context, j Job) bench.Result
}

// ErrorResult is the record of a job that produced no answer of its own:
// the worker running it was lost, or the run was cancelled while it waited.
func ErrorResult(j *Job, st bench.Status, info *bench.ErrorInfo) bench.Result {
	res := bench.Result{
		ID: uuid.Must(uuid.NewV7()).String(), RunID: j.RunID,
		CaseID: j.Key.CaseID, PromptID: j.Key.PromptID, Provider: j.Key.Provider,
		Repetition: j.Key.Repetition, Prompt: j.Prompt, Status: st, Error: info,
		Scores:    map[string]bench.Score{},
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond),
	}
	if j.Case != nil {
		res.Tags, res.Metadata = j.Case.Tags, j.Case.Metadata
	}
	return res
}
