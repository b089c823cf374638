package runner

import (
	"fmt"
	"iter"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Job is one unit of work: one case, rendered with one prompt, for one
// target and repetition. It is a plain serialisable value with its key, so
// a queue can carry it to a worker that runs Runner.Execute on it.
type Job struct {
	RunID string    `json:"run_id"`
	Key   bench.Key `json:"key"`
	// Case is shared by the jobs of one case; treat it as read-only.
	Case     *bench.Case     `json:"case"`
	Messages []bench.Message `json:"messages"`
	// Prompt is the rendered prompt as shown in results.
	Prompt string `json:"prompt"`
	// Transform is the suite's transform, shared by its jobs; nil for none.
	Transform *Transform `json:"transform,omitempty"`
}

// RenderFunc turns a prompt id and a case into chat messages and the text
// shown as the result's prompt.
type RenderFunc func(promptID string, c *bench.Case) ([]bench.Message, string, error)

// Matrix is the work of one suite: its cases, prompts and how to render them.
type Matrix struct {
	Cases iter.Seq2[bench.Case, error]
	// Prompts are the prompt ids to run each case with; empty means one, "default".
	Prompts []string
	Render  RenderFunc
	// Targets are the ids of the targets every job goes to.
	Targets []string
	// Repeat is how many times each call is made (at least 1).
	Repeat int
	// Transform is the suite's transform; nil for none.
	Transform *Transform
}

// Jobs expands the matrix lazily: each case is read, rendered once per
// prompt and fanned out to every target and repetition, in that order.
// Memory holds one case at a time.
func (m Matrix) Jobs(runID string) iter.Seq2[Job, error] {
	prompts := m.Prompts
	if len(prompts) == 0 {
		prompts = []string{"default"}
	}
	reps := max(m.Repeat, 1)
	return func(yield func(Job, error) bool) {
		for c, err := range m.Cases {
			if err != nil {
				yield(Job{}, fmt.Errorf("read cases: %w", err))
				return
			}
			c := c
			for _, p := range prompts {
				msgs, display, err := m.Render(p, &c)
				if err != nil {
					yield(Job{}, fmt.Errorf("render case %q prompt %q: %w", c.ID, p, err))
					return
				}
				for _, t := range m.Targets {
					for rep := range reps {
						j := Job{RunID: runID, Key: bench.Key{CaseID: c.ID, PromptID: p, Provider: t, Repetition: rep}, Case: &c, Messages: msgs, Prompt: display, Transform: m.Transform}
						if !yield(j, nil) {
							return
						}
					}
				}
			}
		}
	}
}

// Concat runs job streams one after the other, as one stream (the suites of
// a run go through one runner).
func Concat(streams ...iter.Seq2[Job, error]) iter.Seq2[Job, error] {
	return func(yield func(Job, error) bool) {
		for _, s := range streams {
			for j, err := range s {
				if !yield(j, err) || err != nil {
					return
				}
			}
		}
	}
}
