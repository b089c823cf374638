// Command length-band is an example batch evaluator plugin: it checks that
// an answer's length in words lies within the configured band. Its
// manifest says supports_batch, so the host sends every length-band
// assertion of one answer in one evaluate_batch call.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// config is one assertion's band; the host checked it against plugin.toml's schema.
type config struct {
	Min int  `json:"min_words"`
	Max *int `json:"max_words"`
}

// score scores one item: 1 inside the band, falling off in proportion outside it.
func score(it ltbplugin.BatchItem) ltbplugin.BatchResult {
	var cfg config
	if err := json.Unmarshal(it.Config, &cfg); err != nil {
		return ltbplugin.BatchResult{Error: "config: " + err.Error()}
	}
	n := len(strings.Fields(it.Input.Response))
	s := 1.0
	switch {
	case n < cfg.Min:
		s = float64(n) / float64(cfg.Min)
	case cfg.Max != nil && n > *cfg.Max:
		s = float64(*cfg.Max) / float64(n)
	}
	band := fmt.Sprintf("[%d, ", cfg.Min)
	if cfg.Max != nil {
		band += fmt.Sprintf("%d]", *cfg.Max)
	} else {
		band += "any]"
	}
	passed := s == 1
	return ltbplugin.BatchResult{EvalResult: ltbplugin.EvalResult{
		Score: s, Passed: &passed, Reason: fmt.Sprintf("%d words, band %s", n, band),
		Metrics: map[string]float64{"words": float64(n)},
	}}
}

func evaluate(items []ltbplugin.BatchItem) ([]ltbplugin.BatchResult, error) {
	out := make([]ltbplugin.BatchResult, len(items))
	for i, it := range items {
		out[i] = score(it)
	}
	return out, nil
}

func init() { ltbplugin.HandleEvaluatorBatch(evaluate) }

func main() {}
