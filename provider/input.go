package provider

import (
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// InputChecker is implemented by providers that take images or audio. A
// provider that does not implement it takes text only.
type InputChecker interface {
	// CheckInput returns nil when the provider can send p to its model, or an
	// error saying why not (kind, media type or remote URL not supported).
	CheckInput(p bench.Part) error
}

// CheckInputs reports, before any call is made, the first input in msgs that
// p cannot send. The error names the input.
func CheckInputs(p Provider, msgs []bench.Message) error {
	ic, _ := As[InputChecker](p)
	for _, m := range msgs {
		for _, part := range m.Parts {
			name := part.Name
			if name == "" {
				name = part.MediaType
			}
			if ic == nil {
				return fmt.Errorf("input %s: this provider takes text only, not %s", name, part.Type)
			}
			if err := ic.CheckInput(part); err != nil {
				return fmt.Errorf("input %s: %w", name, err)
			}
		}
	}
	return nil
}

// Unsupported is the error a CheckInput returns for an input it cannot send.
func Unsupported(vendor string, p bench.Part) error {
	what := p.Type + " " + p.MediaType
	if p.URL != "" {
		what += " by URL"
	}
	return fmt.Errorf("%s does not accept %s input", vendor, what)
}
