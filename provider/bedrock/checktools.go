package bedrock

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/anthropic"
)

// CheckTools implements provider.ToolChecker for the client's API:
// Converse's toolConfig, or Anthropic's format under InvokeModel.
func (c *Client) CheckTools(tools []bench.Tool, choice *bench.ToolChoice) error {
	if c.api == APIInvoke {
		return anthropic.CheckTools(tools, choice)
	}
	_, err := converseTools(tools, choice)
	return err
}
