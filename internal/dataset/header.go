package dataset

import (
	"fmt"
	"io"
	"maps"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/template"
)

var suiteKeys = []string{"name", "description", "version", "prompts", "providers", "defaults", "test_cases", "metadata", "transform"}

// decodeHeader reads a suite mapping: everything but the cases of a
// referenced file.
func (s *Suite) decodeHeader(fsys files, name string, root *node) error {
	d := &decoder{file: s.Path, refs: fsys, from: name}
	var cases *node
	casesLine := 0
	err := d.fields(root, "suite", suiteKeys, func(k string, v *node, line int) error {
		var err error
		switch k {
		case "name":
			s.Name, err = d.str(v, line, k)
		case "description":
			s.Description, err = d.str(v, line, k)
		case "version":
			s.Version, err = d.str(v, line, k)
		case "prompts":
			err = s.decodePrompts(d, v, line, func(rel string) (string, error) {
				return readText(fsys, fsys.resolve(name, rel))
			})
		case "providers":
			s.Providers, err = d.providers(v, line)
		case "defaults":
			s.defaultsLine = line
			s.Defaults, err = d.defaults(v, line)
		case "test_cases":
			cases, casesLine = v, line
		case "metadata":
			s.Metadata, err = d.freeMap(v, line, k)
		case "transform":
			s.Transform, err = d.transform(v, line)
		}
		return err
	})
	if err != nil {
		return err
	}
	if s.Name == "" {
		s.Name = baseName(name)
	}
	return s.decodeCasesRef(fsys, name, d, cases, casesLine, root.line)
}

// decodeCasesRef sets where the cases come from: an inline list, or a
// "file://PATH" reference relative to the suite file.
func (s *Suite) decodeCasesRef(fsys files, name string, d *decoder, v *node, line, rootLine int) error {
	switch {
	case v == nil:
		return d.errorf(rootLine, "suite has no test_cases: add an inline list or \"file://PATH\"")
	case v.kind == kindList:
		if len(v.items) == 0 {
			return d.errorf(line, "test_cases is empty")
		}
		s.src = &inlineSource{file: s.Path, base: baseName(name), items: v.items, fsys: fsys, name: name}
		return nil
	case v.kind == kindScalar:
		rel, isFile := strings.CutPrefix(v.text, "file://")
		if !v.isStr || !isFile || rel == "" {
			return d.errorf(line, "test_cases must be a list of cases or \"file://PATH\", not %q", v.text)
		}
		src, err := newFileSource(fsys, fsys.resolve(name, rel))
		if err != nil {
			return d.errorf(line, "test_cases: %v", err)
		}
		s.src = src
		return nil
	}
	return d.errorf(line, "test_cases must be a list of cases or \"file://PATH\", not %s", v.kind)
}

// compiledPrompt is a suite prompt with its templates parsed once.
type compiledPrompt struct {
	p    Prompt
	tpl  *template.Template   // for Template
	msgs []*template.Template // for Messages, one per message
}

// compilePrompt parses a prompt's templates.
func compilePrompt(p Prompt) (*compiledPrompt, error) {
	cp := &compiledPrompt{p: p}
	if p.Template != "" {
		t, err := template.Parse(p.Template)
		if err != nil {
			return nil, fmt.Errorf("prompt %q: %w", p.ID, err)
		}
		cp.tpl = t
		return cp, nil
	}
	for i, m := range p.Messages {
		t, err := template.Parse(m.Content)
		if err != nil {
			return nil, fmt.Errorf("prompt %q: messages[%d]: %w", p.ID, i, err)
		}
		cp.msgs = append(cp.msgs, t)
	}
	return cp, nil
}

// same reports whether cp was compiled from p.
func (cp *compiledPrompt) same(p Prompt) bool {
	if cp.p.ID != p.ID || cp.p.Template != p.Template || len(cp.p.Messages) != len(p.Messages) {
		return false
	}
	for i, m := range p.Messages {
		if cp.p.Messages[i].Role != m.Role || cp.p.Messages[i].Content != m.Content {
			return false
		}
	}
	return true
}

// templates lists the prompt's parsed templates.
func (cp *compiledPrompt) templates() []*template.Template {
	if cp.tpl != nil {
		return []*template.Template{cp.tpl}
	}
	return cp.msgs
}

// decodePrompts reads the prompts list: each a template string or an object
// {id, template} or {id, messages}. Missing ids become "prompt-N". A
// template "file://PATH" is read from that file (relative to the suite),
// without its final newline.
func (s *Suite) decodePrompts(d *decoder, v *node, line int, read func(rel string) (string, error)) error {
	if v.kind == kindNull {
		return nil
	}
	if v.kind != kindList {
		return d.errorf(line, "prompts must be a list, not %s", v.kind)
	}
	s.compiled = make(map[string]*compiledPrompt, len(v.items))
	for i, e := range v.items {
		eline := lineOr(e.line, line)
		p, err := d.prompt(e, eline, i)
		if err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = fmt.Sprintf("prompt-%d", i+1)
		}
		if rel, ok := strings.CutPrefix(p.Template, "file://"); ok {
			if p.Template, err = read(rel); err != nil {
				return d.errorf(eline, "prompt %q: %v", p.ID, err)
			}
			if p.Template == "" {
				return d.errorf(eline, "prompt %q: %s is empty", p.ID, rel)
			}
		}
		if _, dup := s.compiled[p.ID]; dup {
			return d.errorf(eline, "prompts: duplicate id %q", p.ID)
		}
		cp, err := compilePrompt(p)
		if err != nil {
			return d.errorf(eline, "%v", err)
		}
		s.compiled[p.ID] = cp
		s.Prompts = append(s.Prompts, p)
	}
	return nil
}

func (d *decoder) prompt(e *node, line, i int) (Prompt, error) {
	var p Prompt
	what := fmt.Sprintf("prompts[%d]", i)
	if e.kind == kindScalar {
		t, err := d.str(e, line, what)
		p.Template = t
		if err == nil && t == "" {
			err = d.errorf(line, "%s: empty template", what)
		}
		return p, err
	}
	err := d.fields(e, what, []string{"id", "template", "messages"}, func(k string, v *node, line int) error {
		var err error
		switch k {
		case "id":
			p.ID, err = d.str(v, line, what+".id")
		case "template":
			p.Template, err = d.str(v, line, what+".template")
		case "messages":
			p.Messages, err = d.messages(v, line)
		}
		return err
	})
	if err != nil {
		return p, err
	}
	if (p.Template == "") == (len(p.Messages) == 0) {
		return p, d.errorf(line, "%s: set exactly one of template or messages", what)
	}
	return p, nil
}

var providerKeys = []string{"id", "label", "base_url", "api_key_env", "headers", "config"}

// providers reads the providers list: "vendor:model" strings or objects.
func (d *decoder) providers(v *node, line int) ([]ProviderSpec, error) {
	if v.kind == kindNull {
		return nil, nil
	}
	if v.kind != kindList {
		return nil, d.errorf(line, "providers must be a list, not %s", v.kind)
	}
	out := make([]ProviderSpec, 0, len(v.items))
	labels := map[string]bool{}
	for i, e := range v.items {
		eline := lineOr(e.line, line)
		p, err := d.provider(e, eline, fmt.Sprintf("providers[%d]", i))
		if err != nil {
			return nil, err
		}
		if labels[p.Label] {
			return nil, d.errorf(eline, "providers: %q appears twice; give one a distinct label", p.Label)
		}
		labels[p.Label] = true
		out = append(out, p)
	}
	return out, nil
}

func (d *decoder) provider(e *node, line int, what string) (ProviderSpec, error) {
	var p ProviderSpec
	var err error
	if e.kind == kindScalar {
		p.ID, err = d.str(e, line, what)
	} else {
		err = d.fields(e, what, providerKeys, func(k string, v *node, line int) error {
			var err error
			switch k {
			case "id":
				p.ID, err = d.str(v, line, what+".id")
			case "label":
				p.Label, err = d.str(v, line, what+".label")
			case "base_url":
				p.BaseURL, err = d.str(v, line, what+".base_url")
			case "api_key_env":
				p.APIKeyEnv, err = d.str(v, line, what+".api_key_env")
			case "headers":
				p.Headers, err = d.stringMap(v, line, what+".headers")
			case "config":
				p.Config, err = d.configMap(v, line, what)
			}
			return err
		})
	}
	if err != nil {
		return p, err
	}
	if p.ID == "" || strings.ContainsAny(p.ID, " \t\r\n") {
		return p, d.errorf(line, "%s: id must be \"vendor:model\", not %q", what, p.ID)
	}
	if p.Label == "" {
		p.Label = p.ID
	}
	return p, nil
}

// samplingKeys may be given directly under defaults, as the upstream dataset
// format does (defaults: {temperature: 0.7, max_tokens: 500}); they go into
// Defaults.Config.
var samplingKeys = []string{
	"temperature", "max_tokens", "top_p", "top_k", "stop", "seed", "logprobs",
	"frequency_penalty", "presence_penalty",
}

var defaultsKeys = append([]string{"config", "assert", "threshold", "variables", "tags", "metadata", "provider", "embedding_provider", "tools", "tool_choice"}, samplingKeys...)

// defaults reads the suite's defaults.
func (d *decoder) defaults(v *node, line int) (Defaults, error) {
	var out Defaults
	if v.kind == kindNull {
		return out, nil
	}
	direct := map[string]any{}
	err := d.fields(v, "defaults", defaultsKeys, func(k string, v *node, line int) error {
		var err error
		switch k {
		case "config":
			out.Config, err = d.configMap(v, line, "defaults")
		case "assert":
			out.Assert, err = d.assertions(v, line)
		case "threshold":
			out.Threshold, err = d.number(v, line, "defaults.threshold")
		case "variables":
			out.Variables, err = d.freeMap(v, line, "defaults.variables")
		case "tags":
			out.Tags, err = d.strList(v, line, "defaults.tags")
		case "metadata":
			out.Metadata, err = d.freeMap(v, line, "defaults.metadata")
		case "provider":
			out.Provider, err = d.str(v, line, "defaults.provider")
		case "embedding_provider":
			out.EmbeddingProvider, err = d.str(v, line, "defaults.embedding_provider")
		case "tools":
			out.Tools, err = d.tools(v, line, "defaults.tools")
		case "tool_choice":
			out.ToolChoice, err = d.toolChoice(v, line, "defaults.tool_choice")
		default:
			if direct[k], err = v.toAny(); err != nil {
				err = d.errorf(line, "defaults.%s: %v", k, err)
			} else {
				err = d.checkSampling(k, direct[k], line, "defaults")
			}
		}
		return err
	})
	if err != nil || len(direct) == 0 {
		return out, err
	}
	for k := range direct {
		if _, both := out.Config[k]; both {
			return out, d.errorf(line, "defaults: %s is set both directly and under config", k)
		}
	}
	if out.Config == nil {
		out.Config = make(map[string]any, len(direct))
	}
	maps.Copy(out.Config, direct)
	return out, nil
}

// readText reads a whole (small) text file, such as a prompt template,
// dropping one final newline.
func readText(fsys files, name string) (string, error) {
	f, err := fsys.open(name)
	if err != nil {
		return "", fmt.Errorf("%s: %w", fsys.display(name), pathErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLine))
	if err != nil {
		return "", fmt.Errorf("%s: read: %w", fsys.display(name), pathErr(err))
	}
	if err := checkUTF8(fsys.display(name), data, 1); err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(data), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}
