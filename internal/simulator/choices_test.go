package simulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestOpenAIChoices checks that n asks for n choices, streamed or not,
// each the answer with its index, and that usage bills them all.
func TestOpenAIChoices(t *testing.T) {
	t.Parallel()
	ts := startServer(t, Config{Seed: 190})
	const prompt = "one two three"
	_, body := ts.send(t, http.MethodPost, "/v1/chat/completions", `{"model":"m","n":3,"messages":[{"role":"user","content":"`+prompt+`"}]}`, nil)
	var c wireCompletion
	decodeStrict(t, body, &c)
	if len(c.Choices) != 3 || c.Usage.CompletionTokens != 9 || c.Usage.TotalTokens != c.Usage.PromptTokens+9 {
		t.Fatalf("completion %s", body)
	}
	for i, ch := range c.Choices {
		if ch.Index != i || ch.Message.Content != prompt || ch.FinishReason != "stop" {
			t.Errorf("choice %d: %+v", i, ch)
		}
	}

	_, body = ts.send(t, http.MethodPost, "/v1/chat/completions",
		`{"model":"m","n":2,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"`+prompt+`"}]}`, nil)
	s := parseSSE(t, body)
	texts := map[int]*strings.Builder{}
	finishes := map[int]string{}
	var usage *wireUsage
	for _, raw := range s.chunks {
		var ch wireChunk
		decodeStrict(t, raw, &ch)
		if ch.Usage != nil {
			usage = ch.Usage
		}
		for _, choice := range ch.Choices {
			if texts[choice.Index] == nil {
				texts[choice.Index] = &strings.Builder{}
			}
			if choice.Delta.Content != nil {
				texts[choice.Index].WriteString(*choice.Delta.Content)
			}
			if choice.FinishReason != nil {
				finishes[choice.Index] = *choice.FinishReason
			}
		}
	}
	if !s.done || len(texts) != 2 || texts[0].String() != prompt || texts[1].String() != prompt || finishes[0] != "stop" || finishes[1] != "stop" {
		t.Errorf("stream texts %v finishes %v", texts, finishes)
	}
	if usage == nil || usage.CompletionTokens != 6 {
		t.Errorf("stream usage %+v, want 6 completion tokens", usage)
	}

	for _, tt := range []struct{ n, code string }{{"0", "integer_below_min_value"}, {"129", "integer_above_max_value"}} {
		resp, body := ts.send(t, http.MethodPost, "/v1/chat/completions", `{"model":"m","n":`+tt.n+`,"messages":[{"role":"user","content":"x"}]}`, nil)
		if resp.StatusCode != 400 || !strings.Contains(string(body), tt.code) || !strings.Contains(string(body), `"param": "n"`) {
			t.Errorf("n=%s: %d %s", tt.n, resp.StatusCode, body)
		}
	}
}
