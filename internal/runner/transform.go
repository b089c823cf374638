package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/tracing"
)

// Transform names a suite's transformer and its config; every job of the
// suite carries it.
type Transform struct {
	Plugin string         `json:"plugin"`
	Config map[string]any `json:"config,omitempty"`
}

// Transformer runs transforms: between rendering and the call, and
// between the call and the assertions. An error is recorded on the
// job's result (status error, kind "plugin"), never stops the run.
type Transformer interface {
	// Request returns the messages to send instead of j.Messages, and the
	// prompt the result shows ("" keeps j.Prompt).
	Request(ctx context.Context, tr *Transform, j *Job) ([]bench.Message, string, error)
	// Response returns the answer the assertions see and the result keeps.
	Response(ctx context.Context, tr *Transform, j *Job, response string) (string, error)
}

// ErrorKindPlugin is the error kind of a result whose transform failed.
const ErrorKindPlugin = "plugin"

// errNoTransformer: the job names a transform and the runner has none.
var errNoTransformer = errors.New("no transformer plugins are loaded here (enable [plugins])")

// transformRequest rewrites j's messages before its call; on failure it
// returns the job's error result, with no call made.
func (r *Runner) transformRequest(ctx context.Context, t *Target, j *Job) (bench.Result, bool) {
	var (
		msgs   []bench.Message
		prompt string
		err    = errNoTransformer
	)
	if r.Transformer != nil {
		msgs, prompt, err = r.Transformer.Request(ctx, j.Transform, j)
	}
	if err != nil {
		res := bench.Result{
			ID: uuid.Must(uuid.NewV7()).String(), RunID: j.RunID,
			CaseID: j.Key.CaseID, PromptID: j.Key.PromptID, Provider: t.ID, Model: t.Model,
			Repetition: j.Key.Repetition, Prompt: j.Prompt,
			Scores: map[string]bench.Score{}, Tags: j.Case.Tags, Metadata: j.Case.Metadata,
			Status: bench.StatusError, Error: transformError("request", j.Transform, err),
		}
		tracing.Stamp(ctx, &res)
		res.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
		return res, true
	}
	j.Messages = msgs
	if prompt != "" {
		j.Prompt = prompt
	}
	return bench.Result{}, false
}

// transformResponse rewrites a successful answer before its assertions;
// on failure the result keeps the model's answer and becomes an error.
func (r *Runner) transformResponse(ctx context.Context, j *Job, res *bench.Result) {
	out, err := "", errNoTransformer
	if r.Transformer != nil {
		out, err = r.Transformer.Response(ctx, j.Transform, j, res.Response)
	}
	if err != nil {
		res.Status, res.Error = bench.StatusError, transformError("response", j.Transform, err)
		return
	}
	res.Response = out
}

// transformError is a failed transform's error record; the message names
// the plugin (a plugin's own errors already do).
func transformError(stage string, tr *Transform, err error) *bench.ErrorInfo {
	msg := err.Error()
	if named := fmt.Sprintf("plugin %q", tr.Plugin); !strings.Contains(msg, named) {
		msg = named + ": " + msg
	}
	return &bench.ErrorInfo{Kind: ErrorKindPlugin, Message: "transform " + stage + ": " + msg}
}
