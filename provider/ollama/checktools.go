package ollama

import "github.com/llm-test-bench/llm-test-bench/bench"

// CheckTools implements provider.ToolChecker: tools and choice can be sent
// when they encode in Ollama's format (which has no tool choice to force a
// call, so required and a named tool are refused here, before any call).
func (c *Client) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	_, err := encodeTools(tools, choice)
	return err
}
