// Command keyword-coverage is an example evaluator plugin: it scores the
// share of the configured keywords an answer mentions, case-insensitively,
// and passes when that share reaches the configured threshold (default 1).
//
// Build it as a WASI reactor and install it (see the README's "Plugins"):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

// config is the assertion's config, checked by the host against plugin.toml's schema.
type config struct {
	Keywords  []string
	Threshold *float64
}

// parseConfig reads the config with the SDK's JSON decoder, which needs
// no reflection (encoding/json would double the plugin's time per call).
func parseConfig(raw json.RawMessage) (config, error) {
	v, err := ltbplugin.DecodeJSON(raw)
	if err != nil {
		return config{}, err
	}
	m, _ := v.(map[string]any)
	var cfg config
	kws, _ := m["keywords"].([]any)
	for _, k := range kws {
		s, ok := k.(string)
		if !ok {
			return config{}, errors.New("keywords: want strings")
		}
		cfg.Keywords = append(cfg.Keywords, s)
	}
	if t, ok := m["threshold"].(float64); ok {
		cfg.Threshold = &t
	}
	if len(cfg.Keywords) == 0 {
		return config{}, errors.New("no keywords")
	}
	return cfg, nil
}

// evaluate scores one answer.
func evaluate(raw json.RawMessage, in ltbplugin.EvalInput) (ltbplugin.EvalResult, error) {
	cfg, err := parseConfig(raw)
	if err != nil {
		return ltbplugin.EvalResult{}, ltbplugin.BadInput(fmt.Errorf("config: %w", err))
	}
	answer := strings.ToLower(in.Response)
	var missing []string
	for _, k := range cfg.Keywords {
		if !strings.Contains(answer, strings.ToLower(k)) {
			missing = append(missing, k)
		}
	}
	found := len(cfg.Keywords) - len(missing)
	score := float64(found) / float64(len(cfg.Keywords))
	threshold := 1.0
	if cfg.Threshold != nil {
		threshold = *cfg.Threshold
	}
	passed := score >= threshold
	reason := strconv.Itoa(found) + " of " + strconv.Itoa(len(cfg.Keywords)) + " keywords"
	if len(missing) > 0 {
		reason += "; missing: " + strings.Join(missing, ", ")
	}
	return ltbplugin.EvalResult{
		Score: score, Passed: &passed, Reason: reason,
		Metrics: map[string]float64{"keywords_found": float64(found)},
	}, nil
}

func init() { ltbplugin.HandleEvaluator(evaluate) }

// main is not called in a reactor (-buildmode=c-shared); the host calls
// the SDK's exports after _initialize has run init.
func main() {}
