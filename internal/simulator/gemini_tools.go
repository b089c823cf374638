package simulator

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// Gemini's tools: tools [{"functionDeclarations":[{"name","parameters"
// or "parametersJsonSchema"}]}] and toolConfig.functionCallingConfig
// {"mode":"AUTO"|"ANY"|"NONE"|"VALIDATED","allowedFunctionNames"}, in
// either spelling; a conversation whose last content holds functionResponse
// parts is answered with text. The calls are functionCall parts {"name",
// "args"} with finishReason STOP and the finishMessage of the recorded
// answers; a stream sends them whole in its last chunk.

type GeminiToolFields struct {
	Tools           []geminiTool    `json:"tools"`
	ToolConfig      *geminiToolConf `json:"toolConfig"`
	ToolConfigSnake *geminiToolConf `json:"tool_config"`
}

type geminiTool struct {
	Decls      []geminiDecl `json:"functionDeclarations"`
	DeclsSnake []geminiDecl `json:"function_declarations"`
}

type geminiDecl struct {
	Name            string          `json:"name"`
	Parameters      json.RawMessage `json:"parameters"`
	ParamsJSON      json.RawMessage `json:"parametersJsonSchema"`
	ParamsJSONSnake json.RawMessage `json:"parameters_json_schema"`
}

type geminiToolConf struct {
	FC      *geminiFCConf `json:"functionCallingConfig"`
	FCSnake *geminiFCConf `json:"function_calling_config"`
}

type geminiFCConf struct {
	Mode         string   `json:"mode"`
	Allowed      []string `json:"allowedFunctionNames"`
	AllowedSnake []string `json:"allowed_function_names"`
}

// toolTurn checks the tools as Gemini does and returns them wire-neutral.
func (g *GeminiToolFields) toolTurn() (toolTurn, *apiError) {
	var tt toolTurn
	for _, tl := range g.Tools {
		for _, d := range slices.Concat(tl.Decls, tl.DeclsSnake) {
			if d.Name == "" {
				return tt, badGemini("* GenerateContentRequest.tools[0].function_declarations[0].name: Name cannot be empty.\n")
			}
			schema := d.Parameters
			for _, s := range []json.RawMessage{d.ParamsJSON, d.ParamsJSONSnake} {
				if len(schema) == 0 {
					schema = s
				}
			}
			tt.tools = append(tt.tools, toolSpec{name: d.Name, schema: schema})
		}
	}
	for _, c := range []*geminiToolConf{g.ToolConfig, g.ToolConfigSnake} {
		if c == nil {
			continue
		}
		for _, fc := range []*geminiFCConf{c.FC, c.FCSnake} {
			if fc == nil {
				continue
			}
			switch strings.ToUpper(fc.Mode) {
			case "", "AUTO", "MODE_UNSPECIFIED", "VALIDATED":
			case "ANY":
				tt.choice.mode = choiceRequired
				if allowed := slices.Concat(fc.Allowed, fc.AllowedSnake); len(allowed) > 0 {
					tt.allowed = allowed
				}
			case "NONE":
				tt.choice.mode = choiceNone
			default:
				return tt, badGemini("Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \"" +
					fc.Mode + "\"")
			}
		}
	}
	return tt, nil
}

// resultText is a functionResponse's response as text: its one string
// member ({"result":"40 C"} is "40 C"), else its JSON.
func resultText(raw json.RawMessage) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil && len(obj) == 1 {
		for _, v := range obj {
			var s string
			if json.Unmarshal(v, &s) == nil {
				return s
			}
		}
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// results returns the texts of the functionResponse parts of the last
// content, or nil when it has none.
func (r *geminiRequest) results() []string {
	last := r.Contents[len(r.Contents)-1]
	var out []string
	for _, p := range last.Parts {
		if p.FunctionResponse != nil {
			out = append(out, resultText(p.FunctionResponse.Response))
		}
	}
	return out
}

// appendGeminiCalls appends the functionCall parts, indented for the
// non-streamed answer when indent is set.
func appendGeminiCalls(b []byte, t *turn, indent bool) []byte {
	for i, c := range t.tool.calls {
		if i > 0 {
			b = append(b, ',')
		}
		if indent {
			b = append(b, "\n          {\n            \"functionCall\": {\n              \"name\": "...)
			b = appendJSONString(b, c.name)
			b = append(b, ",\n              \"args\": "...)
			b = append(b, c.args...)
			b = append(b, "\n            }\n          }"...)
			continue
		}
		b = append(b, `{"functionCall": {"name": `...)
		b = appendJSONString(b, c.name)
		b = append(b, `,"args": `...)
		b = append(b, c.args...)
		b = append(b, "}}"...)
	}
	return b
}

// geminiCallsMessage is the finishMessage of an answer with calls.
const geminiCallsMessage = "Model generated function call(s)."

// The calls go whole into the stream's last chunk (appendEnd).
func (d *geminiDialect) appendCallStart(b []byte, _ *turn, _ int) []byte           { return b }
func (d *geminiDialect) appendCallDelta(b []byte, _ *turn, _ int, _ string) []byte { return b }
func (d *geminiDialect) appendCallEnd(b []byte, _ *turn, _ int) []byte             { return b }
