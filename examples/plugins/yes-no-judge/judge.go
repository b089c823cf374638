// Command yes-no-judge is an example evaluator plugin that calls a model:
// it asks the run's judge (through the host service llm.complete, which
// its manifest's requires_llm grants) a yes/no question about the answer
// and scores 1 for yes, 0 for no.
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o main.wasm .
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"
)

type config struct {
	Question string `json:"question"`
}

// prompt is what the judge is asked.
func prompt(question, answer string) string {
	return fmt.Sprintf("%s\n\nAnswer to judge:\n<answer>\n%s\n</answer>\n\nReply with one word: yes or no.", question, answer)
}

// verdict reads the judge's reply: yes or no, anything else is an error.
func verdict(reply string) (ltbplugin.EvalResult, error) {
	word := strings.Trim(strings.ToLower(strings.TrimSpace(reply)), ".!\"' ")
	switch {
	case strings.HasPrefix(word, "yes"):
		return ltbplugin.EvalResult{Score: 1, Reason: "judge: yes"}, nil
	case strings.HasPrefix(word, "no"):
		return ltbplugin.EvalResult{Score: 0, Reason: "judge: no"}, nil
	}
	return ltbplugin.EvalResult{}, fmt.Errorf("the judge replied neither yes nor no: %.80q", reply)
}

// ask sends one request to llm.complete; it is replaced in tests.
var ask = func(req []byte) ([]byte, error) { return call("llm.complete", req) }

func evaluate(raw json.RawMessage, in ltbplugin.EvalInput) (ltbplugin.EvalResult, error) {
	var cfg config
	if err := json.Unmarshal(raw, &cfg); err != nil || cfg.Question == "" {
		return ltbplugin.EvalResult{}, ltbplugin.BadInput(fmt.Errorf("config: want {\"question\": TEXT}"))
	}
	req, err := json.Marshal(map[string]string{"prompt": prompt(cfg.Question, in.Response)})
	if err != nil {
		return ltbplugin.EvalResult{}, err
	}
	resp, err := ask(req)
	if err != nil {
		return ltbplugin.EvalResult{}, fmt.Errorf("llm.complete: %w", err)
	}
	var out struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		return ltbplugin.EvalResult{}, fmt.Errorf("llm.complete response: %w", err)
	}
	return verdict(out.Text)
}

func init() { ltbplugin.HandleEvaluator(evaluate) }

func main() {}
