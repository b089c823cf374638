package session

import (
	"context"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
	"github.com/llm-test-bench/llm-test-bench/internal/runner"
)

// checkTransform checks a suite's transform when the run is planned: its
// plugin is loaded, is a transformer and takes the config.
func checkTransform(s *dataset.Suite) error {
	t := s.Transform
	if t == nil {
		return nil
	}
	p, err := plugin.ActiveOfType(t.PluginName(), plugin.TypeTransformer)
	if err == nil {
		err = p.Manifest.ValidateConfig(t.Config)
	}
	if err != nil {
		return fmt.Errorf("%s:%d: transform: %w", s.Path, t.Line, err)
	}
	return nil
}

// runnerTransform is a suite's transform as its jobs carry it.
func runnerTransform(s *dataset.Suite) *runner.Transform {
	if s.Transform == nil {
		return nil
	}
	return &runner.Transform{Plugin: s.Transform.PluginName(), Config: s.Transform.Config}
}

// pluginTransformer runs transforms with the loaded transformer plugins.
type pluginTransformer struct{}

var _ runner.Transformer = pluginTransformer{}

func (pluginTransformer) Request(ctx context.Context, tr *runner.Transform, j *runner.Job) ([]bench.Message, string, error) {
	p, err := plugin.ActiveOfType(tr.Plugin, plugin.TypeTransformer)
	if err != nil {
		return nil, "", err
	}
	return p.TransformRequest(ctx, tr.Config, callOf(j))
}

func (pluginTransformer) Response(ctx context.Context, tr *runner.Transform, j *runner.Job, response string) (string, error) {
	p, err := plugin.ActiveOfType(tr.Plugin, plugin.TypeTransformer)
	if err != nil {
		return "", err
	}
	return p.TransformResponse(ctx, tr.Config, callOf(j), response)
}

// callOf is what a transformer sees of a job.
func callOf(j *runner.Job) plugin.Call {
	c := plugin.Call{CaseID: j.Key.CaseID, PromptID: j.Key.PromptID, Provider: j.Key.Provider, Messages: j.Messages, Prompt: j.Prompt}
	if j.Case != nil {
		c.Variables, c.Metadata = j.Case.Variables, j.Case.Metadata
	}
	return c
}
