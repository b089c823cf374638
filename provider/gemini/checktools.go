package gemini

import "github.com/llm-test-bench/llm-test-bench/bench"

// CheckTools implements provider.ToolChecker: tools and choice can be sent
// when they encode in the vendor's format.
func (c *Client) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	_, _, err := encodeTools(tools, choice)
	return err
}
