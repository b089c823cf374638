package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/judge"
)

// LLMRequest is what a plugin sends to llm.complete: a prompt, or
// messages. The host asks the assertion's judge (its provider, else the
// run's judge_provider) at temperature 0, through the run's call policy.
type LLMRequest struct {
	Prompt   string          `json:"prompt,omitempty"`
	Messages []bench.Message `json:"messages,omitempty"`
}

// LLMResponse is llm.complete's answer.
type LLMResponse struct {
	Text         string   `json:"text"`
	Model        string   `json:"model,omitempty"`
	FinishReason string   `json:"finish_reason,omitempty"`
	Usage        LLMUsage `json:"usage"`
}

// LLMUsage is the tokens an llm.complete call used.
type LLMUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// llmService serves llm.complete for one assertion: it opens the judge
// on the first call and keeps the verdict's record of calls and cost.
type llmService struct {
	in *eval.Input
	a  bench.Assertion
	v  *judge.Verdict
}

func (l *llmService) complete(ctx context.Context, raw []byte) ([]byte, error) {
	var req LLMRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, fmt.Errorf("llm.complete request: %w", err)
	}
	msgs := req.Messages
	if len(msgs) == 0 {
		if req.Prompt == "" {
			return nil, errors.New("llm.complete request: no prompt and no messages")
		}
		msgs = []bench.Message{{Role: "user", Content: req.Prompt}}
	}
	if l.v == nil {
		v, err := judge.Open(ctx, l.in, l.a, nil)
		if err != nil {
			return nil, err
		}
		l.v = v
	}
	r, err := l.v.AskMessages(ctx, msgs, 0)
	if err != nil {
		return nil, err
	}
	return json.Marshal(LLMResponse{
		Text: r.Text, Model: r.Model, FinishReason: r.FinishReason,
		Usage: LLMUsage{PromptTokens: r.Usage.Prompt, CompletionTokens: r.Usage.Completion},
	})
}

// judgeInfo is the record of the calls made, nil when none was.
func (l *llmService) judgeInfo() *bench.JudgeInfo {
	if l == nil || l.v == nil {
		return nil
	}
	return l.v.Info()
}
