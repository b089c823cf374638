package provider

import (
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// ToolChecker is implemented by providers that can offer a model tools
// (Request.Tools, ToolChoice) and report the calls it makes
// (Response.ToolCalls). A provider that does not implement it takes no
// tools.
type ToolChecker interface {
	// CheckTools returns nil when the provider can send tools and choice
	// to its model, or an error saying why not.
	CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error
}

// ErrNoTools is wrapped by CheckTools' error for a provider without tool
// support.
var ErrNoTools = errors.New("this provider does not support tools")

// CheckTools reports, before any call is made, whether p can send tools
// and choice; nil when there are none.
func CheckTools(p Provider, tools []bench.Tool, choice *bench.ToolChoice) error {
	if len(tools) == 0 && choice == nil {
		return nil
	}
	tc, _ := As[ToolChecker](p)
	if tc == nil {
		return ErrNoTools
	}
	if err := tc.CheckTools(tools, choice); err != nil {
		return fmt.Errorf("tools: %w", err)
	}
	return nil
}
