package simulator

import (
	"encoding/json"
	"strings"
)

// Bedrock's tools. InvokeModel with Anthropic's body reads Anthropic's
// tools (anthropic_tools.go) and answers with its tool_use blocks in
// Bedrock's relay (ids toolu_bdrk_…, no caller). Converse reads
// toolConfig {"tools":[{"toolSpec":{"name","inputSchema":{"json":…}}}],
// "toolChoice":{"auto":{}}|{"any":{}}|{"tool":{"name"}}} and answers with
// toolUse blocks {"input","name","toolUseId"}; a stream opens each with
// contentBlockStart {"start":{"toolUse":{"name","toolUseId"}}} and sends
// its input as string pieces in contentBlockDelta {"delta":{"toolUse":
// {"input"}}}, stopReason tool_use. A conversation whose last user
// message holds toolResult blocks is answered with text.

var esBlockStart = eventHeaders("contentBlockStart")

type converseToolConfig struct {
	Tools []struct {
		ToolSpec *struct {
			Name        string `json:"name"`
			InputSchema struct {
				JSON json.RawMessage `json:"json"`
			} `json:"inputSchema"`
		} `json:"toolSpec"`
	} `json:"tools"`
	ToolChoice *struct {
		Auto *struct{} `json:"auto"`
		Any  *struct{} `json:"any"`
		Tool *struct {
			Name string `json:"name"`
		} `json:"tool"`
	} `json:"toolChoice"`
}

// toolTurn checks the tool configuration as Bedrock does and returns it
// wire-neutral.
func (c *converseToolConfig) toolTurn() (toolTurn, *apiError) {
	var tt toolTurn
	if c == nil {
		return tt, nil
	}
	for i, tl := range c.Tools {
		if tl.ToolSpec == nil {
			continue // a cache point or a system tool
		}
		if tl.ToolSpec.Name == "" {
			return tt, coralViolation("null", "toolConfig.tools."+itoa(i+1)+".member.toolSpec.name", "not be null")
		}
		tt.tools = append(tt.tools, toolSpec{name: tl.ToolSpec.Name, schema: tl.ToolSpec.InputSchema.JSON})
	}
	if len(c.Tools) == 0 {
		return tt, coralViolation("'[]'", "toolConfig.tools", "have length greater than or equal to 1")
	}
	if ch := c.ToolChoice; ch != nil {
		switch {
		case ch.Tool != nil:
			tt.choice = toolChoice{mode: choiceNamed, name: ch.Tool.Name}
		case ch.Any != nil:
			tt.choice.mode = choiceRequired
		}
	}
	return tt, nil
}

func itoa(i int) string { return string(appendInt(nil, int64(i))) }

// converseResults returns the texts of the toolResult blocks of the last
// message when it is a user message holding any, else nil; a JSON result
// counts as its JSON text.
func converseResults(msgs []converseMessage) []string {
	if len(msgs) == 0 || msgs[len(msgs)-1].Role != "user" {
		return nil
	}
	var out []string
	for _, bl := range msgs[len(msgs)-1].Content {
		if bl.ToolResult == nil {
			continue
		}
		var parts []string
		for _, c := range bl.ToolResult.Content {
			switch {
			case c.Text != nil:
				parts = append(parts, *c.Text)
			case len(c.JSON) > 0:
				parts = append(parts, string(c.JSON))
			}
		}
		out = append(out, strings.Join(parts, "\n"))
	}
	return out
}

// appendConverseToolUse appends call c as a toolUse block, keys in
// Bedrock's alphabetical order.
func appendConverseToolUse(b []byte, c *toolCall) []byte {
	b = append(b, `{"toolUse":{"input":`...)
	b = append(b, c.args...)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, c.name)
	b = append(b, `,"toolUseId":`...)
	b = appendJSONString(b, c.id)
	return append(b, "}}"...)
}

func (d *bedrockDialect) appendCallStart(b []byte, t *turn, i int) []byte {
	c := &t.tool.calls[i]
	if d.invoke {
		d.tmp = appendAnthropicCallStart(d.tmp[:0], t, i, true)
		b = d.appendChunk(b, t)
		d.tmp = appendAnthropicJSONDelta(d.tmp, i, "")
		return d.appendChunk(b, t)
	}
	b, start := openFrame(b, esBlockStart)
	b = append(b, `{"contentBlockIndex":`...)
	b = appendInt(b, int64(i))
	b = append(b, ',')
	b = appendPadding(b, t)
	b = append(b, `,"start":{"toolUse":{"name":`...)
	b = appendJSONString(b, c.name)
	b = append(b, `,"toolUseId":`...)
	b = appendJSONString(b, c.id)
	b = append(b, "}}}"...)
	return closeFrame(b, start, esBlockStart)
}

func (d *bedrockDialect) appendCallDelta(b []byte, t *turn, i int, args string) []byte {
	if d.invoke {
		d.tmp = appendAnthropicJSONDelta(d.tmp[:0], i, args)
		return d.appendChunk(b, t)
	}
	b, start := openFrame(b, esBlockDelta)
	b = append(b, `{"contentBlockIndex":`...)
	b = appendInt(b, int64(i))
	b = append(b, `,"delta":{"toolUse":{"input":`...)
	b = appendJSONString(b, args)
	b = append(b, "}},"...)
	b = appendPadding(b, t)
	b = append(b, '}')
	return closeFrame(b, start, esBlockDelta)
}

func (d *bedrockDialect) appendCallEnd(b []byte, t *turn, i int) []byte {
	if d.invoke {
		d.tmp = appendAnthropicBlockStop(d.tmp[:0], i)
		return d.appendChunk(b, t)
	}
	return appendConverseBlockStop(b, t, i)
}

// appendConverseBlockStop appends contentBlockStop of block i.
func appendConverseBlockStop(b []byte, t *turn, i int) []byte {
	b, start := openFrame(b, esBlockStop)
	b = append(b, `{"contentBlockIndex":`...)
	b = appendInt(b, int64(i))
	b = append(b, ',')
	b = appendPadding(b, t)
	b = append(b, '}')
	return closeFrame(b, start, esBlockStop)
}
