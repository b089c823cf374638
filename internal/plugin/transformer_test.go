package plugin

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// TestExampleTransformer builds the Go example redact and runs both stages.
func TestExampleTransformer(t *testing.T) {
	t.Parallel()
	h := newGoHost(t)
	p, err := h.Load(context.Background(), installGoGuest(t, "examples/plugins/redact"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	img := []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: []byte{1}}}
	c := Call{CaseID: "c1", Provider: "openai:gpt-4o", Messages: []bench.Message{
		{Role: "system", Content: "Be brief."},
		{Role: "user", Content: "Mail bob@example.org the answer.", Parts: img},
	}}
	msgs, prompt, err := p.TransformRequest(ctx, map[string]any{"mask": "<hidden>"}, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[1].Content != "Mail <hidden> the answer." || len(msgs[1].Parts) != 1 || prompt != msgs[1].Content {
		t.Errorf("request stage: %+v, prompt %q", msgs, prompt)
	}
	got, err := p.TransformResponse(ctx, map[string]any{"strip_prefix": "Answer:"}, c, "Answer: 42\n")
	if err != nil || got != "42" {
		t.Errorf("response stage: %q, %v", got, err)
	}
	if _, err := p.TransformResponse(ctx, map[string]any{"mask": 7}, c, "x"); KindOf(err) != KindBadInput || !strings.Contains(err.Error(), `plugin "redact"`) {
		t.Errorf("bad config: %v, want a bad_input error naming the plugin", err)
	}
}

// TestTransformerWAT: a transformer written in WebAssembly text meets the
// ABI; what it leaves out stays as it was, and what it gets wrong is an
// output error naming it.
func TestTransformerWAT(t *testing.T) {
	t.Parallel()
	h := newTestHost(t, testLimits())
	c := Call{CaseID: "c", Messages: []bench.Message{{Role: "user", Content: "hi"}}, Prompt: "hi"}
	for _, tc := range []struct {
		name, data   string
		msgs, answer string
		err          string
	}{
		{"rewrites both", `{"messages":[{"role":"user","content":"HI"}],"response":"WAT"}`, "HI", "WAT", ""},
		{"leaves both", `{}`, "hi", "answer", ""},
		{"bad role", `{"messages":[{"role":"tool","content":"x"}]}`, "", "answer", `plugin "wat-tr": output: messages[0]: role "tool"`},
		{"no messages", `{"messages":[]}`, "", "answer", ""},
		{"not json", `{"messages":`, "", "", `plugin "wat-tr": output: output is not the transformer's JSON`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseManifest([]byte("[package]\nname = \"wat-tr\"\nversion = \"1\"\n[plugin]\ntype = \"transformer\"\nentry_point = \"main.wasm\"\n"))
			if err != nil {
				t.Fatal(err)
			}
			p, err := h.New(context.Background(), m, wat2wasm(t, watGuest{data: tc.data, body: okBody}.source()))
			if err != nil {
				t.Fatal(err)
			}
			msgs, _, err := p.TransformRequest(context.Background(), nil, c)
			switch {
			case tc.name == "no messages":
				if err == nil || !strings.Contains(err.Error(), "empty message list") {
					t.Errorf("request: %v, want an empty-list error", err)
				}
			case tc.msgs == "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("request: %v, want %q", err, tc.err)
				}
			case err != nil || len(msgs) != 1 || msgs[0].Content != tc.msgs:
				t.Errorf("request: %+v, %v", msgs, err)
			}
			got, err := p.TransformResponse(context.Background(), nil, c, "answer")
			if tc.answer == "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("response: %v, want %q", err, tc.err)
				}
			} else if err != nil || got != tc.answer {
				t.Errorf("response: %q, %v", got, err)
			}
		})
	}
}
