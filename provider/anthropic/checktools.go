package anthropic

import "github.com/llm-test-bench/llm-test-bench/bench"

// CheckTools reports whether tools and choice can be sent in Anthropic's
// Messages format (Bedrock's InvokeModel shares it).
func CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	_, _, err := encodeTools(tools, choice)
	return err
}

// CheckTools implements provider.ToolChecker.
func (c *Client) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	return CheckTools(tools, choice)
}
