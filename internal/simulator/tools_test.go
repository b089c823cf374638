package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// toolReq is a tool-calling request in wire-neutral form.
type toolReq struct {
	choice     string   // "", "none", "required" or "named" (calls weather)
	noParallel bool     // forbid parallel calls
	results    []string // the follow-up carrying these tool results
}

// The tools of the cross-wire tests.
var (
	weatherSchema = map[string]any{"type": "object", "required": []string{"location", "days"}, "properties": map[string]any{
		"location": map[string]any{"type": "string", "description": "the city"},
		"days":     map[string]any{"type": "integer", "minimum": 1, "maximum": 7},
		"unit":     map[string]any{"type": "string", "enum": []string{"C", "F"}},
	}}
	addSchema = map[string]any{"type": "object", "required": []string{"a", "b"}, "properties": map[string]any{
		"a": map[string]any{"type": "integer"}, "b": map[string]any{"type": "integer"}}}
)

type toolDef struct {
	name   string
	schema map[string]any
}

var testTools = []toolDef{{"add", addSchema}, {"weather", weatherSchema}}

// toolRequest builds wire's request for r with the prompt "hello".
func toolRequest(t testing.TB, wire string, r toolReq, stream bool) wireRequest {
	t.Helper()
	const prompt = "hello"
	var body map[string]any
	path, hdr := "", map[string]string(nil)
	openAITools := func(flat bool) []any {
		var out []any
		for _, d := range testTools {
			if flat {
				out = append(out, map[string]any{"type": "function", "name": d.name, "parameters": d.schema})
			} else {
				out = append(out, map[string]any{"type": "function", "function": map[string]any{"name": d.name, "parameters": d.schema}})
			}
		}
		return out
	}
	switch wire {
	case "openai", "ollama", "cohere":
		msgs := []any{map[string]any{"role": "user", "content": prompt}}
		if r.results != nil {
			msgs = append(msgs, map[string]any{"role": "assistant", "tool_calls": []any{}})
			for i, res := range r.results {
				msgs = append(msgs, map[string]any{"role": "tool", "tool_call_id": "c" + strconv.Itoa(i), "content": res})
			}
		}
		body = map[string]any{"model": "m", "messages": msgs, "tools": openAITools(false), "stream": stream}
		switch wire {
		case "openai":
			path = "/v1/chat/completions"
			switch r.choice {
			case "named":
				body["tool_choice"] = map[string]any{"type": "function", "function": map[string]any{"name": "weather"}}
			case "none", "required":
				body["tool_choice"] = r.choice
			}
			if r.noParallel {
				body["parallel_tool_calls"] = false
			}
		case "ollama":
			path = "/api/chat"
		case "cohere":
			path = "/v2/chat"
			if r.choice == "none" || r.choice == "required" {
				body["tool_choice"] = strings.ToUpper(r.choice)
			}
		}
	case "responses":
		input := []any{map[string]any{"role": "user", "content": prompt}}
		for i, res := range r.results {
			input = append(input, map[string]any{"type": "function_call", "call_id": "c" + strconv.Itoa(i), "name": "add", "arguments": "{}"},
				map[string]any{"type": "function_call_output", "call_id": "c" + strconv.Itoa(i), "output": res})
		}
		body = map[string]any{"model": "m", "input": input, "tools": openAITools(true), "stream": stream}
		path = "/v1/responses"
		switch r.choice {
		case "named":
			body["tool_choice"] = map[string]any{"type": "function", "name": "weather"}
		case "none", "required":
			body["tool_choice"] = r.choice
		}
		if r.noParallel {
			body["parallel_tool_calls"] = false
		}
	case "anthropic", "invoke":
		msgs := []any{map[string]any{"role": "user", "content": prompt}}
		if r.results != nil {
			var blocks []any
			for i, res := range r.results {
				blocks = append(blocks, map[string]any{"type": "tool_result", "tool_use_id": "t" + strconv.Itoa(i), "content": res})
			}
			msgs = append(msgs, map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": "t0", "name": "add", "input": map[string]any{}}}},
				map[string]any{"role": "user", "content": blocks})
		}
		var tools []any
		for _, d := range testTools {
			tools = append(tools, map[string]any{"name": d.name, "input_schema": d.schema})
		}
		body = map[string]any{"max_tokens": 100, "messages": msgs, "tools": tools}
		choice := map[string]any{"type": "auto"}
		switch r.choice {
		case "named":
			choice = map[string]any{"type": "tool", "name": "weather"}
		case "none":
			choice = map[string]any{"type": "none"}
		case "required":
			choice = map[string]any{"type": "any"}
		}
		if r.noParallel {
			choice["disable_parallel_tool_use"] = true
		}
		body["tool_choice"] = choice
		if wire == "anthropic" {
			path, hdr = "/v1/messages", anthropicHeaders
			body["model"], body["stream"] = "claude-sonnet-4-5", stream
		} else {
			path, hdr = haikuPath+opInvoke, bedrockAuth
			if stream {
				path = haikuPath + opInvokeStream
			}
			body["anthropic_version"] = "bedrock-2023-05-31"
		}
	case "gemini":
		contents := []any{map[string]any{"role": "user", "parts": []any{map[string]any{"text": prompt}}}}
		if r.results != nil {
			var parts []any
			for _, res := range r.results {
				parts = append(parts, map[string]any{"functionResponse": map[string]any{"name": "add", "response": map[string]any{"result": res}}})
			}
			contents = append(contents, map[string]any{"role": "model", "parts": []any{map[string]any{"functionCall": map[string]any{"name": "add", "args": map[string]any{}}}}},
				map[string]any{"role": "user", "parts": parts})
		}
		var decls []any
		for _, d := range testTools {
			decls = append(decls, map[string]any{"name": d.name, "parameters": d.schema})
		}
		body = map[string]any{"contents": contents, "tools": []any{map[string]any{"functionDeclarations": decls}}}
		switch r.choice {
		case "named":
			body["toolConfig"] = map[string]any{"functionCallingConfig": map[string]any{"mode": "ANY", "allowedFunctionNames": []string{"weather"}}}
		case "none", "required":
			mode := map[string]string{"none": "NONE", "required": "ANY"}[r.choice]
			body["toolConfig"] = map[string]any{"functionCallingConfig": map[string]any{"mode": mode}}
		}
		path = "/v1beta/models/gemini-2.5-flash:generateContent"
		if stream {
			path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
		}
	case "converse":
		msgs := []any{map[string]any{"role": "user", "content": []any{map[string]any{"text": prompt}}}}
		if r.results != nil {
			var blocks []any
			for i, res := range r.results {
				blocks = append(blocks, map[string]any{"toolResult": map[string]any{"toolUseId": "t" + strconv.Itoa(i), "content": []any{map[string]any{"text": res}}}})
			}
			msgs = append(msgs, map[string]any{"role": "assistant", "content": []any{map[string]any{"toolUse": map[string]any{"toolUseId": "t0", "name": "add", "input": map[string]any{}}}}},
				map[string]any{"role": "user", "content": blocks})
		}
		var tools []any
		for _, d := range testTools {
			tools = append(tools, map[string]any{"toolSpec": map[string]any{"name": d.name, "inputSchema": map[string]any{"json": d.schema}}})
		}
		cfg := map[string]any{"tools": tools}
		switch r.choice {
		case "named":
			cfg["toolChoice"] = map[string]any{"tool": map[string]any{"name": "weather"}}
		case "required":
			cfg["toolChoice"] = map[string]any{"any": map[string]any{}}
		}
		body = map[string]any{"messages": msgs, "toolConfig": cfg}
		path, hdr = haikuPath+opConverse, bedrockAuth
		if stream {
			path = haikuPath + opConverseStream
		}
	default:
		t.Fatalf("unknown wire %s", wire)
	}
	if wire == "ollama" {
		body["stream"] = stream
	}
	return wireRequest{http.MethodPost, path, hdr, jsonBody(t, body)}
}

// toolWires are the wires with tool calls, and each one's finish reason
// for an answer with calls and for a text answer.
var toolWires = []struct{ name, calls, text string }{
	{"openai", "tool_calls", "stop"}, {"responses", "completed", "completed"}, {"anthropic", "tool_use", "end_turn"},
	{"gemini", "STOP", "STOP"}, {"ollama", "stop", "stop"}, {"cohere", "TOOL_CALL", "COMPLETE"},
	{"converse", "tool_use", "end_turn"}, {"invoke", "tool_use", "end_turn"},
}

func TestToolCallsEveryWire(t *testing.T) {
	t.Parallel()
	script := []ToolCall{{Name: "weather", Arguments: `{"location": "Florence"}`}, {Name: "add"}, {Name: "absent", Arguments: `{}`}}
	generatedAdd := genArguments(json.RawMessage(jsonBody(t, addSchema)), 81, "add")
	cases := []struct {
		name  string
		cfg   []ToolCall
		req   toolReq
		calls []gotCall // nil: a text answer
		text  string
	}{
		{"first tool, generated arguments", nil, toolReq{}, []gotCall{{Name: "add", Args: generatedAdd}}, ""},
		{"scripted, parallel", script, toolReq{}, []gotCall{{Name: "weather", Args: `{"location":"Florence"}`}, {Name: "add", Args: generatedAdd}}, ""},
		{"required", nil, toolReq{choice: "required"}, []gotCall{{Name: "add", Args: generatedAdd}}, ""},
		{"named", nil, toolReq{choice: "named"}, []gotCall{{Name: "weather"}}, ""},
		{"named, scripted", script, toolReq{choice: "named"}, []gotCall{{Name: "weather", Args: `{"location":"Florence"}`}}, ""},
		{"no parallel calls", script, toolReq{noParallel: true}, []gotCall{{Name: "weather", Args: `{"location":"Florence"}`}}, ""},
		{"none", script, toolReq{choice: "none"}, nil, "hello"},
		{"results answered with text", script, toolReq{results: []string{"5", "6"}}, nil, "5\n6"},
	}
	for _, w := range toolWires {
		for _, c := range cases {
			for _, stream := range []bool{false, true} {
				t.Run(w.name+"/"+c.name+"/stream="+strconv.FormatBool(stream), func(t *testing.T) {
					t.Parallel()
					if c.req.choice == "none" && (w.name == "ollama" || w.name == "converse") {
						t.Skip("the wire has no way to refuse tools")
					}
					if c.req.choice == "named" && (w.name == "ollama" || w.name == "cohere") {
						t.Skip("the wire cannot name a tool")
					}
					if c.req.noParallel && w.name != "openai" && w.name != "responses" && w.name != "anthropic" && w.name != "invoke" {
						t.Skip("the wire cannot forbid parallel calls")
					}
					ts := startServer(t, Config{Seed: 81, ToolCalls: c.cfg})
					req := toolRequest(t, w.name, c.req, stream)
					resp, body := ts.send(t, http.MethodPost, req.path, req.body, req.hdr)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("status %d: %s", resp.StatusCode, body)
					}
					got := decodeToolAnswer(t, w.name, body, stream)
					if c.calls == nil {
						if len(got.calls) != 0 || got.text != c.text || got.finish != w.text {
							t.Errorf("calls %+v finish %q text %q, want the text %q with %q", got.calls, got.finish, got.text, c.text, w.text)
						}
						return
					}
					wantFinish := w.calls
					if w.name == "openai" && c.req.choice == "named" {
						wantFinish = "stop" // OpenAI finishes a forced call with stop
					}
					if got.finish != wantFinish || got.text != "" {
						t.Errorf("finish %q text %q, want %q and no text", got.finish, got.text, wantFinish)
					}
					for i, call := range got.calls {
						if (call.ID == "") != (w.name == "gemini") {
							t.Errorf("call %d id %q", i, call.ID)
						}
						if c.calls[min(i, len(c.calls)-1)].Args == "" { // generated: check against the schema
							checkWeatherArgs(t, call.Args)
							got.calls[i].Args = ""
						}
					}
					if diff := cmp.Diff(names(c.calls), names(got.calls)); diff != "" {
						t.Errorf("calls (-want +got):\n%s", diff)
					}
				})
			}
		}
	}
}

// checkWeatherArgs checks generated arguments of the weather tool against
// its schema: both required properties, a string and an integer in 1..7.
func checkWeatherArgs(t *testing.T, args string) {
	t.Helper()
	var a struct {
		Location *string `json:"location"`
		Days     *int    `json:"days"`
	}
	if err := json.Unmarshal([]byte(args), &a); err != nil || a.Location == nil || *a.Location == "" || a.Days == nil || *a.Days < 1 || *a.Days > 7 {
		t.Errorf("generated weather arguments %s do not fit the schema (%v)", args, err)
	}
}

// TestToolCallsTruncatedStream checks that a cut stream of tool calls,
// cleanly ended, lacks the events that end it and the calls' ends.
func TestToolCallsTruncatedStream(t *testing.T) {
	t.Parallel()
	for _, w := range toolWires {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t, Config{Seed: 82, Errors: ErrorRates{Truncate: 1}, TruncateMode: TruncateClean,
				ToolCalls: []ToolCall{{Name: "weather", Arguments: `{"location":"a b c d e f g h"}`}}})
			req := toolRequest(t, w.name, toolReq{}, true)
			resp, body := ts.send(t, http.MethodPost, req.path, req.body, req.hdr)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if w.name == "converse" || w.name == "invoke" {
				for _, f := range decodeFrames(t, body) {
					if f.name == "messageStop" || strings.Contains(string(f.payload), "bWVzc2FnZV9zdG9w") { // message_stop
						t.Fatalf("a cut stream carries its end: %s", f.payload)
					}
				}
				return
			}
			for _, end := range []string{"[DONE]", "message_stop", "message-end", `"done":true`, "finishReason", "response.completed"} {
				if strings.Contains(string(body), end) {
					t.Errorf("a cut stream carries %s:\n%s", end, body)
				}
			}
		})
	}
}
