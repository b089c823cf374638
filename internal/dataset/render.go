package dataset

import (
	"errors"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/template"
)

// Render produces the chat messages for one prompt and case, and a display
// string for the result record: the content of the last user message, or,
// when there is no user message, every message as "role: content" joined by
// blank lines. With a zero Prompt (no template, no messages) it uses the
// case's own prompt or messages. Templates see the case's variables only.
// Suite prompts are parsed once, at Load.
func (s *Suite) Render(p Prompt, c *bench.Case) ([]bench.Message, string, error) {
	msgs, err := s.render(p, c)
	if err == nil {
		msgs, err = s.attachInputs(msgs, c)
	}
	if err != nil {
		le := &LoadError{File: c.Source.File, Line: c.Source.Line, CaseID: c.ID, Err: err}
		if !p.IsZero() {
			le.Err = fmt.Errorf("prompt %q: %w", p.ID, err)
		}
		return nil, "", le
	}
	return msgs, display(msgs), nil
}

func (s *Suite) render(p Prompt, c *bench.Case) ([]bench.Message, error) {
	if p.IsZero() {
		return renderOwn(c)
	}
	cp := s.compiled[p.ID]
	if cp == nil || !cp.same(p) {
		var err error
		if cp, err = compilePrompt(p); err != nil {
			return nil, err
		}
	}
	if cp.tpl != nil {
		text, err := cp.tpl.Render(c.Variables)
		if err != nil {
			return nil, err
		}
		return []bench.Message{{Role: bench.RoleUser, Content: text}}, nil
	}
	out := make([]bench.Message, len(cp.msgs))
	for i, t := range cp.msgs {
		text, err := t.Render(c.Variables)
		if err != nil {
			return nil, fmt.Errorf("messages[%d]: %w", i, err)
		}
		out[i] = bench.Message{Role: p.Messages[i].Role, Content: text}
	}
	return out, nil
}

// renderOwn renders the case's own prompt or messages.
func renderOwn(c *bench.Case) ([]bench.Message, error) {
	if len(c.Messages) > 0 {
		out := make([]bench.Message, len(c.Messages))
		for i, m := range c.Messages {
			text, err := renderString(m.Content, c.Variables)
			if err != nil {
				return nil, fmt.Errorf("messages[%d]: %w", i, err)
			}
			out[i] = bench.Message{Role: m.Role, Content: text}
		}
		return out, nil
	}
	if c.Prompt == "" {
		return nil, errors.New("no prompt: the case has neither prompt nor messages and the suite has no prompts")
	}
	text, err := renderString(c.Prompt, c.Variables)
	if err != nil {
		return nil, fmt.Errorf("prompt: %w", err)
	}
	return []bench.Message{{Role: bench.RoleUser, Content: text}}, nil
}

// renderString parses and renders one template; text without "{{" is
// returned as is, without parsing.
func renderString(src string, vars map[string]any) (string, error) {
	if !strings.Contains(src, "{{") {
		return src, nil
	}
	t, err := template.Parse(src)
	if err != nil {
		return "", err
	}
	return t.Render(vars)
}

// display is the text shown for a rendered prompt; attached inputs show as
// "[image NAME]" before the text.
func display(msgs []bench.Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if m := msgs[i]; m.Role == bench.RoleUser {
			if len(m.Parts) == 0 {
				return m.Content
			}
			var b strings.Builder
			for _, p := range m.Parts {
				fmt.Fprintf(&b, "[%s %s] ", p.Type, p.Name)
			}
			b.WriteString(m.Content)
			return strings.TrimSpace(b.String())
		}
	}
	parts := make([]string, len(msgs))
	for i, m := range msgs {
		parts[i] = m.Role + ": " + m.Content
	}
	return strings.Join(parts, "\n\n")
}
