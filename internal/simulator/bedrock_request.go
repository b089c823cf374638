package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// converseRequest is the part of a Converse request the simulator reads
// (the model is in the path). Content blocks other than text (images,
// documents, tool use and results, reasoning) are ignored, and so are the
// tool and guardrail configurations and the other inference settings.
type converseRequest struct {
	Messages        []converseMessage   `json:"messages"`
	System          []converseBlock     `json:"system"`
	InferenceConfig *converseInference  `json:"inferenceConfig"`
	ToolConfig      *converseToolConfig `json:"toolConfig"`
}

type converseMessage struct {
	Role    string          `json:"role"`
	Content []converseBlock `json:"content"`
}

// converseBlock is one member of Converse's ContentBlock union; only text
// is read.
type converseBlock struct {
	Text       *string `json:"text"`
	ToolResult *struct {
		Content []struct {
			Text *string         `json:"text"`
			JSON json.RawMessage `json:"json"`
		} `json:"content"`
	} `json:"toolResult"`
}

type converseInference struct {
	MaxTokens     *int     `json:"maxTokens"`
	StopSequences []string `json:"stopSequences"`
}

// converseText joins the text blocks with newlines.
func converseText(blocks []converseBlock) string {
	if len(blocks) == 1 && blocks[0].Text != nil {
		return *blocks[0].Text
	}
	var sb strings.Builder
	first := true
	for _, bl := range blocks {
		if bl.Text == nil {
			continue
		}
		if !first {
			sb.WriteByte('\n')
		}
		sb.WriteString(*bl.Text)
		first = false
	}
	return sb.String()
}

func (d *bedrockDialect) parseConverse(body []byte, t *turn) *apiError {
	req, e := parseConverseRequest(body)
	if e != nil {
		return e
	}
	msgs := make([]chatMessage, len(req.Messages))
	for i := range req.Messages {
		msgs[i] = chatMessage{Role: req.Messages[i].Role, Content: textContent(converseText(req.Messages[i].Content))}
	}
	t.prompt = lastUserText(msgs)
	t.promptTokens = conversationTokens(converseText(req.System), msgs)
	if c := req.InferenceConfig; c != nil {
		if c.MaxTokens != nil {
			t.maxTokens = *c.MaxTokens
		}
		t.stops = c.StopSequences
	}
	t.stream = d.stream
	if t.tool, e = req.ToolConfig.toolTurn(); e != nil {
		return e
	}
	t.setResults(converseResults(req.Messages))
	return nil
}

// coralViolation words one failed constraint the way AWS's request
// validation does; member is the path of the value, Coral style.
func coralViolation(value, member, constraint string) *apiError {
	return badBedrock("1 validation error detected: Value " + value + " at '" + member +
		"' failed to satisfy constraint: Member must " + constraint)
}

// parseConverseRequest decodes and checks a Converse body the way Bedrock
// does: Coral's constraint messages for the members, then Bedrock's
// conversation rules (a first user message, alternating roles, content in
// every message).
func parseConverseRequest(body []byte) (converseRequest, *apiError) {
	var req converseRequest
	if !fastParseConverse(body, &req) {
		req = converseRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, badBedrock("Malformed input request: " + jsonProblem(err) + ", please reformat your input and try again.")
		}
	}
	if req.Messages == nil {
		return req, coralViolation("null", "messages", "not be null")
	}
	for i, m := range req.Messages {
		switch {
		case m.Role != "user" && m.Role != "assistant":
			return req, coralViolation("'"+m.Role+"'", fmt.Sprintf("messages.%d.member.role", i+1),
				"satisfy enum value set: [user, assistant]")
		case m.Content == nil:
			return req, coralViolation("null", fmt.Sprintf("messages.%d.member.content", i+1), "not be null")
		}
	}
	if c := req.InferenceConfig; c != nil && c.MaxTokens != nil && *c.MaxTokens < 1 {
		return req, coralViolation(fmt.Sprintf("'%d'", *c.MaxTokens), "inferenceConfig.maxTokens",
			"have value greater than or equal to 1")
	}
	if len(req.Messages) == 0 || req.Messages[0].Role != "user" {
		return req, badBedrock("A conversation must start with a user message. Try again with a conversation that starts with a user message.")
	}
	for i, m := range req.Messages {
		if i > 0 && m.Role == req.Messages[i-1].Role {
			return req, badBedrock("A conversation must alternate between user and assistant roles. " +
				"Make sure the conversation alternates between user and assistant roles and try again.")
		}
		if len(m.Content) == 0 {
			return req, badBedrock(fmt.Sprintf("The content field in the Message object at messages.%d is empty. "+
				"Add a ContentBlock object to the content field and try again.", i))
		}
	}
	return req, nil
}

// jsonProblem words an encoding/json error without Go's type names, in
// the "#/path: …" style of Bedrock's schema messages.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "JSONObject"
		switch te.Type.Kind().String() {
		case "int", "int64":
			want = "Integer"
		case "string":
			want = "String"
		case "bool":
			want = "Boolean"
		case "slice":
			want = "JSONArray"
		}
		return "#/" + strings.ReplaceAll(te.Field, ".", "/") + ": expected type: " + want + ", found: " + te.Value
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// fastParseConverse decodes the common shape of a Converse request without
// reflection, like fastParseChat: on ok it yields what encoding/json would
// (FuzzFastParseConverse checks that), otherwise the caller falls back to
// encoding/json.
func fastParseConverse(b []byte, req *converseRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "messages":
			if req.Messages != nil { // see jsonParser.messages
				return false
			}
			msgs := make([]converseMessage, 0, 2)
			ok := p.array(func() bool {
				msgs = append(msgs, converseMessage{})
				return p.converseMessage(&msgs[len(msgs)-1])
			})
			req.Messages = msgs
			return ok
		case "system":
			return p.converseBlocks(&req.System)
		case "inferenceConfig":
			if req.InferenceConfig == nil { // encoding/json reuses a set pointer
				req.InferenceConfig = new(converseInference)
			}
			c := req.InferenceConfig
			return p.object(func(key []byte) bool {
				switch string(key) {
				case "maxTokens":
					return p.intPtr(&c.MaxTokens)
				case "stopSequences":
					return p.strList(&c.StopSequences)
				}
				return p.other(key, "maxTokens", "stopSequences")
			})
		case "toolConfig":
			return false // encoding/json reads tools
		}
		return p.other(key, "messages", "system", "inferenceConfig")
	})
	p.space()
	return ok && p.i == len(p.b)
}

func (p *jsonParser) converseMessage(m *converseMessage) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "role":
			return p.str(&m.Role)
		case "content":
			return p.converseBlocks(&m.Content)
		}
		return p.other(key, "role", "content")
	})
}

// converseBlocks reads an array of content blocks; null and a repeated key
// are left to encoding/json.
func (p *jsonParser) converseBlocks(dst *[]converseBlock) bool {
	if *dst != nil {
		return false
	}
	blocks := make([]converseBlock, 0, 1)
	ok := p.array(func() bool {
		var bl converseBlock
		ok := p.object(func(key []byte) bool {
			switch string(key) {
			case "text":
				if bl.Text == nil {
					bl.Text = new(string)
				}
				return p.str(bl.Text)
			case "toolResult":
				return false // encoding/json reads tool results
			}
			return p.other(key, "text")
		})
		blocks = append(blocks, bl)
		return ok
	})
	*dst = blocks
	return ok
}

// invokeRequest is the part of an InvokeModel body with Anthropic's
// Messages API the simulator reads. The model is in the path and the route
// says whether to stream, so Bedrock refuses both keys in the body; it
// requires anthropic_version instead.
type invokeRequest struct {
	AnthropicVersion *string         `json:"anthropic_version"`
	MaxTokens        *int            `json:"max_tokens"`
	Messages         []chatMessage   `json:"messages"`
	System           textContent     `json:"system"`
	Model            json.RawMessage `json:"model"`
	Stream           json.RawMessage `json:"stream"`
	StopSequences    []string        `json:"stop_sequences"`
	AnthropicToolFields
}

// malformedInput is Bedrock's 400 for a body its schema for the model
// refuses, listing every problem.
func malformedInput(problems ...string) *apiError {
	return badBedrock("Malformed input request: " + strings.Join(problems, ", ") + ", please reformat your input and try again.")
}

// parseBedrockInvoke decodes and checks an InvokeModel body with
// Anthropic's Messages API: Bedrock's schema first (required and
// extraneous keys), then the model's own checks, as the Anthropic wire
// makes them.
func parseBedrockInvoke(body []byte) (invokeRequest, *apiError) {
	var req invokeRequest
	if !fastParseInvoke(body, &req) {
		req = invokeRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, malformedInput(jsonProblem(err))
		}
	}
	var problems []string
	for _, k := range []struct {
		name    string
		present bool
	}{{"model", req.Model != nil}, {"stream", req.Stream != nil}} {
		if k.present {
			problems = append(problems, "#: extraneous key ["+k.name+"] is not permitted")
		}
	}
	for _, k := range []struct {
		name    string
		present bool
	}{{"anthropic_version", req.AnthropicVersion != nil}, {"max_tokens", req.MaxTokens != nil}, {"messages", req.Messages != nil}} {
		if !k.present {
			problems = append(problems, "#: required key ["+k.name+"] not found")
		}
	}
	if len(problems) > 0 {
		return req, malformedInput(problems...)
	}
	ar := anthropicRequest{Model: "in the path", MaxTokens: req.MaxTokens, Messages: req.Messages}
	if e := checkAnthropicRequest(&ar); e != nil {
		return req, badBedrock(e.message)
	}
	return req, nil
}

// fastParseInvoke decodes the common shape of an InvokeModel body without
// reflection, like fastParseChat: on ok it yields what encoding/json would
// (FuzzFastParseInvoke checks that), otherwise the caller falls back to
// encoding/json. A body with model or stream, which Bedrock refuses, takes
// the slow path.
func fastParseInvoke(b []byte, req *invokeRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "anthropic_version":
			if req.AnthropicVersion == nil {
				req.AnthropicVersion = new(string)
			}
			return p.str(req.AnthropicVersion)
		case "max_tokens":
			return p.intPtr(&req.MaxTokens)
		case "messages":
			return p.messages(&req.Messages)
		case "system":
			return p.content(&req.System)
		case "stop_sequences":
			return p.strList(&req.StopSequences)
		case "tools", "tool_choice":
			return false // encoding/json reads tools
		}
		return p.other(key, "anthropic_version", "max_tokens", "messages", "system", "model", "stream", "stop_sequences")
	})
	p.space()
	return ok && p.i == len(p.b)
}
