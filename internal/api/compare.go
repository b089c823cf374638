package api

import (
	"context"
	"encoding/json"
	"fmt"
)

// compareTag marks the benchmarks Compare starts.
const compareTag = "compare"

// Compare runs one prompt, datasets or a suite on several providers as
// one benchmark owned by the caller; a single prompt becomes an inline
// suite with one case.
func (c *Core) Compare(ctx context.Context, req CompareRequest) (*Benchmark, error) {
	p, err := require(ctx, PermEvaluateRun)
	if err != nil {
		return nil, err
	}
	if len(req.Providers) < 2 {
		return nil, badField("providers", "compare at least two providers")
	}
	given := 0
	for _, ok := range []bool{req.Prompt != "", len(req.Datasets) > 0, len(req.Suite) > 0} {
		if ok {
			given++
		}
	}
	if given != 1 {
		return nil, badField("prompt", "give exactly one of prompt, datasets or suite")
	}
	suite := req.Suite
	if req.Prompt != "" {
		suite, err = promptSuite(req.Prompt)
		if err != nil {
			return nil, c.internal(ctx, "compare suite", err)
		}
	}
	cr := CreateBenchmark{Name: req.Name, Datasets: req.Datasets, Suite: suite, Providers: req.Providers, Tags: map[string]string{compareTag: "true"}}
	if cr.Name == "" {
		cr.Name = compareTag
	}
	if err := checkCreate(cr); err != nil {
		return nil, err
	}
	run, err := c.manager.Submit(ctx, p.UserID, SubmitRequest{
		Name: cr.Name, Datasets: cr.Datasets, Suite: cr.Suite, Providers: cr.Providers, Tags: cr.Tags,
	})
	if err != nil {
		return nil, c.passThrough(ctx, "submit compare", err)
	}
	b := c.submitted(run)
	return &b, nil
}

// promptSuite is the inline suite of one case asking prompt.
func promptSuite(prompt string) (json.RawMessage, error) {
	raw, err := json.Marshal(map[string]any{
		"name":       compareTag,
		"test_cases": []map[string]any{{"id": "prompt", "prompt": prompt}},
	})
	if err != nil {
		return nil, fmt.Errorf("encode the prompt's suite: %w", err)
	}
	return raw, nil
}
