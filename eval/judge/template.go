package judge

import (
	"fmt"
	"strings"
	"text/template"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Template is one versioned judge prompt: a system and a user message,
// each a text/template over string variables ({{.output}}, {{.rubric}}).
// A change to a prompt's wording is a new version, so a cached or stored
// verdict always names the exact prompt that produced it.
type Template struct {
	Name    string
	Version int
	system  *template.Template
	user    *template.Template
}

// NewTemplate parses a template; it fails on a syntax error or an empty user message.
func NewTemplate(name string, version int, system, user string) (*Template, error) {
	if strings.TrimSpace(user) == "" {
		return nil, fmt.Errorf("judge template %s/v%d: empty user message", name, version)
	}
	t := &Template{Name: name, Version: version}
	var err error
	if system != "" {
		if t.system, err = template.New(name + ".system").Option("missingkey=error").Parse(system); err != nil {
			return nil, fmt.Errorf("judge template %s/v%d: %w", name, version, err)
		}
	}
	if t.user, err = template.New(name + ".user").Option("missingkey=error").Parse(user); err != nil {
		return nil, fmt.Errorf("judge template %s/v%d: %w", name, version, err)
	}
	return t, nil
}

// MustTemplate is NewTemplate for the templates built into the program.
func MustTemplate(name string, version int, system, user string) *Template {
	t, err := NewTemplate(name, version, system, user)
	if err != nil {
		panic(err)
	}
	return t
}

// ID is the template's name and version, "llm-rubric/v1", recorded with
// every verdict it produced.
func (t *Template) ID() string { return fmt.Sprintf("%s/v%d", t.Name, t.Version) }

// Render fills the template. Every value is escaped (Escape) first: values
// are the text being judged and must not be able to end their delimiters.
func (t *Template) Render(vars map[string]string) ([]bench.Message, error) {
	esc := make(map[string]string, len(vars))
	for k, v := range vars {
		esc[k] = Escape(v)
	}
	var msgs []bench.Message
	for _, part := range []struct {
		role string
		t    *template.Template
	}{{bench.RoleSystem, t.system}, {bench.RoleUser, t.user}} {
		if part.t == nil {
			continue
		}
		var b strings.Builder
		if err := part.t.Execute(&b, esc); err != nil {
			return nil, fmt.Errorf("judge template %s: %w", t.ID(), err)
		}
		msgs = append(msgs, bench.Message{Role: part.role, Content: b.String()})
	}
	return msgs, nil
}

// escaper turns the characters that make markup into entities, and the
// OpenAI-evals data markers into harmless look-alikes.
var escaper = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	"[BEGIN DATA]", "[BEGIN-DATA]", "[END DATA]", "[END-DATA]",
	"[begin data]", "[begin-data]", "[end data]", "[end-data]",
)

// Escape makes untrusted text safe to place between a template's
// delimiters: "&", "<" and ">" become "&amp;", "&lt;" and "&gt;", so the
// text can close no <tag> and open none, and the "[BEGIN DATA]" and
// "[END DATA]" markers of the OpenAI-evals style prompts become
// "[BEGIN-DATA]" and "[END-DATA]". Judge models read entities as the
// characters they stand for; nothing else is changed.
func Escape(s string) string {
	if !strings.ContainsAny(s, "&<>[") {
		return s
	}
	return escaper.Replace(s)
}
