package dataset

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/media"
)

// InputKind is one kind of non-text input a suite's cases carry, with the
// first case that carries it, so a provider that cannot take it is named
// before any call. Part is that case's input, data included: one per kind,
// so a handful at most.
type InputKind struct {
	Part   bench.Part
	CaseID string
	Source bench.Location
}

// SetMediaLimits sets the bounds every input is checked against; call it
// before Validate and Render.
func (s *Suite) SetMediaLimits(l media.Limits) { s.media = l }

// InputKinds lists the kinds of input (image or audio, media type, inline or
// by URL) the last Validate saw, in the order first seen.
func (s *Suite) InputKinds() []InputKind { return s.inputKinds }

func inputKey(p bench.Part) string {
	return fmt.Sprintf("%s|%s|%t", p.Type, p.MediaType, p.URL != "")
}

// checkInputs resolves a case's inputs once, reporting each that cannot be
// used, and notes the kinds seen, keeping the first input of each kind.
func (v *validation) checkInputs(c *bench.Case, p func(format string, args ...any)) {
	for i, ref := range c.Inputs {
		if msg := checkTemplate(ref, c.Variables); msg != "" {
			p("inputs[%d]: %s", i, msg)
			continue
		}
		part, err := resolveInput(v.suite, c, ref)
		if err != nil {
			p("inputs[%d]: %v", i, err)
			continue
		}
		key := inputKey(part)
		if _, seen := v.kinds[key]; seen {
			continue
		}
		v.kinds[key] = struct{}{}
		v.suite.inputKinds = append(v.suite.inputKinds, InputKind{Part: part, CaseID: c.ID, Source: c.Source})
	}
}

// resolveInput renders one input reference with the case's variables and
// reads it; file:// paths are relative to the case's file.
func resolveInput(s *Suite, c *bench.Case, ref string) (bench.Part, error) {
	ref, err := renderString(ref, c.Variables)
	if err != nil {
		return bench.Part{}, err
	}
	base := "."
	if f := c.Source.File; f != "" && !strings.HasPrefix(f, builtinPrefix) {
		base = filepath.Dir(f)
	}
	return media.Resolve(ref, base, s.media)
}

// attachInputs reads a case's inputs and attaches them to the last user
// message, adding an empty user message when there is none.
func (s *Suite) attachInputs(msgs []bench.Message, c *bench.Case) ([]bench.Message, error) {
	if len(c.Inputs) == 0 {
		return msgs, nil
	}
	parts := make([]bench.Part, 0, len(c.Inputs))
	for i, ref := range c.Inputs {
		p, err := resolveInput(s, c, ref)
		if err != nil {
			return nil, fmt.Errorf("inputs[%d]: %w", i, err)
		}
		parts = append(parts, p)
	}
	last := -1
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == bench.RoleUser {
			last = i
			break
		}
	}
	if last < 0 {
		msgs = append(msgs, bench.Message{Role: bench.RoleUser})
		last = len(msgs) - 1
	}
	msgs[last].Parts = append(msgs[last].Parts, parts...)
	return msgs, nil
}
