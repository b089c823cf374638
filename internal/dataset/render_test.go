package dataset

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestRender(t *testing.T) {
	t.Parallel()
	const suite = `prompts:
  - id: terse
    template: "Answer in one word: {{question}}"
  - id: chat
    messages:
      - {role: system, content: "You are a {{role}}."}
      - {role: user, content: "{{question}}"}
      - {role: assistant, content: "Sure."}
  - "Plain {{question}}"
defaults:
  variables: {role: tutor}
test_cases:
  - id: c
    variables: {question: "Capital of France?"}
`
	dir := writeFiles(t, map[string]string{"s.yaml": suite})
	s, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	c := cases[0]
	if got := len(s.PromptList()); got != 3 {
		t.Fatalf("PromptList has %d prompts, want 3", got)
	}
	tests := []struct {
		name    string
		prompt  Prompt
		msgs    []bench.Message
		display string
	}{
		{"template", s.Prompts[0], []bench.Message{{Role: "user", Content: "Answer in one word: Capital of France?"}}, "Answer in one word: Capital of France?"},
		{"chat shows the last user message", s.Prompts[1], []bench.Message{
			{Role: "system", Content: "You are a tutor."}, {Role: "user", Content: "Capital of France?"}, {Role: "assistant", Content: "Sure."},
		}, "Capital of France?"},
		{"string prompt gets an id", s.Prompts[2], []bench.Message{{Role: "user", Content: "Plain Capital of France?"}}, "Plain Capital of France?"},
		{"prompt not from the suite is compiled on the fly", Prompt{ID: "terse", Template: "Other {{role}}"}, []bench.Message{{Role: "user", Content: "Other tutor"}}, "Other tutor"},
		{"system-only prompt joins the messages", Prompt{ID: "x", Messages: []bench.Message{{Role: "system", Content: "A {{role}}"}, {Role: "assistant", Content: "B"}}},
			[]bench.Message{{Role: "system", Content: "A tutor"}, {Role: "assistant", Content: "B"}}, "system: A tutor\n\nassistant: B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, display, err := s.Render(tt.prompt, &c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.msgs, msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if display != tt.display {
				t.Errorf("display = %q, want %q", display, tt.display)
			}
		})
	}
	if s.Prompts[2].ID != "prompt-3" {
		t.Errorf("string prompt id = %q, want prompt-3", s.Prompts[2].ID)
	}
}

func TestRenderOwnPrompt(t *testing.T) {
	t.Parallel()
	s := &Suite{}
	tests := []struct {
		name    string
		c       bench.Case
		msgs    []bench.Message
		display string
		err     string
	}{
		{"prompt", bench.Case{Prompt: "Hi {{who.name}}", Variables: map[string]any{"who": map[string]any{"name": "Ada"}}},
			[]bench.Message{{Role: "user", Content: "Hi Ada"}}, "Hi Ada", ""},
		{"literal braces-free prompt", bench.Case{Prompt: "no vars"}, []bench.Message{{Role: "user", Content: "no vars"}}, "no vars", ""},
		{"messages", bench.Case{Messages: []bench.Message{{Role: "system", Content: "S {{x}}"}, {Role: "user", Content: "U {{x}}"}}, Variables: map[string]any{"x": int64(1)}},
			[]bench.Message{{Role: "system", Content: "S 1"}, {Role: "user", Content: "U 1"}}, "U 1", ""},
		{"expected is not a variable", bench.Case{ID: "k", Prompt: "{{expected}}", Expected: "x", Source: bench.Location{File: "f.jsonl", Line: 3}},
			nil, "", `f.jsonl:3: case "k": prompt: template: missing variable "expected"`},
		{"no prompt", bench.Case{ID: "k"}, nil, "", `case "k": no prompt`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msgs, display, err := s.Render(Prompt{ID: "default"}, &tt.c)
			if tt.err != "" {
				var le *LoadError
				if !errors.As(err, &le) {
					t.Fatalf("error = %v, want *LoadError", err)
				}
				mustContain(t, err.Error(), tt.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.msgs, msgs); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
			if display != tt.display {
				t.Errorf("display = %q, want %q", display, tt.display)
			}
		})
	}
	if got := s.PromptList(); len(got) != 1 || got[0].ID != "default" || !got[0].IsZero() {
		t.Errorf("PromptList() = %+v, want one zero prompt with id default", got)
	}
}

func TestRenderSuitePromptMissingVariable(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"s.yaml": "prompts: [{id: p, template: '{{q}} {{r}}'}]\ntest_cases:\n  - id: a\n"})
	s, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Render(s.Prompts[0], &cases[0])
	mustContain(t, errString(err), "s.yaml:3: ", `case "a": prompt "p": template: missing variables "q", "r"`)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func BenchmarkRenderSuitePrompt(b *testing.B) {
	dir := writeFiles(b, map[string]string{"s.yaml": "prompts:\n  - id: chat\n    messages:\n      - {role: system, content: 'You are a {{role}}.'}\n      - {role: user, content: 'Question: {{question}}'}\ntest_cases:\n  - {id: a, variables: {role: tutor, question: What is the capital of France?}}\n"})
	s, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	cases, err := collect(b, s)
	if err != nil {
		b.Fatal(err)
	}
	p := s.Prompts[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Render(p, &cases[0]); err != nil {
			b.Fatal(err)
		}
	}
}

// Render is called from many workers at once.
func TestRenderConcurrent(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"s.yaml": "prompts: ['A {{x}}', {id: m, messages: [{role: user, content: 'B {{x}}'}]}]\ntest_cases:\n  - {id: a, variables: {x: 1}}\n  - {id: b, variables: {x: 2}}\n"})
	s, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cases, err := collect(t, s)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			c := cases[i%2]
			for _, p := range s.PromptList() {
				_, display, err := s.Render(p, &c)
				want := fmt.Sprint(c.Variables["x"])
				if err != nil || !strings.HasSuffix(display, want) {
					t.Errorf("Render(%s, %s) = %q, %v", p.ID, c.ID, display, err)
				}
			}
		})
	}
	wg.Wait()
}

func TestZeroSuite(t *testing.T) {
	t.Parallel()
	s := &Suite{Path: "x.yaml"}
	if cases, err := collect(t, s); len(cases) != 0 || err != nil {
		t.Errorf("Cases of a zero suite = %v, %v", cases, err)
	}
	mustContain(t, errString(s.Validate(t.Context())), "x.yaml: no test cases")
}
