package simulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Decoders of tool calls on every wire, for the tool tests: each reads an
// answer (streamed or not) into its events' JSON payloads, keyed by event
// kind, and the calls, finish reason and text they carry.

// gotCall is a call as a client assembles it: the name and the arguments
// as JSON text.
type gotCall struct {
	ID, Name, Args string
}

// toolAnswer is what a client reads from an answer.
type toolAnswer struct {
	calls  []gotCall
	finish string
	text   string
	events []kindPayload // every JSON payload, with its kind
}

type kindPayload struct {
	kind    string
	payload []byte
}

func anyJSON(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// get walks path (object keys and array indexes) in v.
func get(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// compactJSON re-encodes an arguments object compactly, keys sorted, so
// equal arguments compare equal.
func compactJSON(t testing.TB, v any) string {
	t.Helper()
	if s, ok := v.(string); ok {
		var x any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber()
		if err := d.Decode(&x); err != nil {
			t.Fatalf("arguments %q are not JSON: %v", s, err)
		}
		v = x
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// decodeToolAnswer decodes an answer of wire (openai, responses,
// anthropic, gemini, ollama, cohere, converse, invoke).
func decodeToolAnswer(t testing.TB, wire string, body []byte, stream bool) toolAnswer {
	t.Helper()
	var a toolAnswer
	if !stream {
		a.events = []kindPayload{{"answer", body}}
		m := anyJSON(t, body)
		switch wire {
		case "openai":
			msg := get(m, "choices", "0", "message")
			a.text, a.finish = str(get(msg, "content")), str(get(m, "choices", "0", "finish_reason"))
			for _, c := range list(get(msg, "tool_calls")) {
				a.calls = append(a.calls, gotCall{str(get(c, "id")), str(get(c, "function", "name")), compactJSON(t, get(c, "function", "arguments"))})
			}
		case "responses":
			a.finish = str(m["status"])
			for _, it := range list(m["output"]) {
				if str(get(it, "type")) == "function_call" {
					a.calls = append(a.calls, gotCall{str(get(it, "call_id")), str(get(it, "name")), compactJSON(t, get(it, "arguments"))})
				} else {
					a.text += str(get(it, "content", "0", "text"))
				}
			}
		case "anthropic", "invoke":
			a.finish = str(m["stop_reason"])
			for _, bl := range list(m["content"]) {
				if str(get(bl, "type")) == "tool_use" {
					a.calls = append(a.calls, gotCall{str(get(bl, "id")), str(get(bl, "name")), compactJSON(t, get(bl, "input"))})
				} else {
					a.text += str(get(bl, "text"))
				}
			}
		case "gemini":
			a.finish = str(get(m, "candidates", "0", "finishReason"))
			for _, p := range list(get(m, "candidates", "0", "content", "parts")) {
				if fc := get(p, "functionCall"); fc != nil {
					a.calls = append(a.calls, gotCall{"", str(get(fc, "name")), compactJSON(t, get(fc, "args"))})
				} else {
					a.text += str(get(p, "text"))
				}
			}
		case "ollama":
			a.finish, a.text = str(m["done_reason"]), str(get(m, "message", "content"))
			for _, c := range list(get(m, "message", "tool_calls")) {
				a.calls = append(a.calls, gotCall{str(get(c, "id")), str(get(c, "function", "name")), compactJSON(t, get(c, "function", "arguments"))})
			}
		case "cohere":
			a.finish, a.text = str(m["finish_reason"]), str(get(m, "message", "content", "0", "text"))
			for _, c := range list(get(m, "message", "tool_calls")) {
				a.calls = append(a.calls, gotCall{str(get(c, "id")), str(get(c, "function", "name")), compactJSON(t, get(c, "function", "arguments"))})
			}
		case "converse":
			a.finish = str(m["stopReason"])
			for _, bl := range list(get(m, "output", "message", "content")) {
				if tu := get(bl, "toolUse"); tu != nil {
					a.calls = append(a.calls, gotCall{str(get(tu, "toolUseId")), str(get(tu, "name")), compactJSON(t, get(tu, "input"))})
				} else {
					a.text += str(get(bl, "text"))
				}
			}
		default:
			t.Fatalf("unknown wire %s", wire)
		}
		return a
	}
	a.events = streamPayloads(t, wire, body)
	args := map[int]*strings.Builder{}
	var order []int
	open := func(i int, id, name string) {
		args[i] = &strings.Builder{}
		order = append(order, i)
		a.calls = append(a.calls, gotCall{ID: id, Name: name})
	}
	for _, ev := range a.events {
		m := anyJSON(t, ev.payload)
		switch wire {
		case "openai":
			if f := str(get(m, "choices", "0", "finish_reason")); f != "" {
				a.finish = f
			}
			a.text += str(get(m, "choices", "0", "delta", "content"))
			for _, c := range list(get(m, "choices", "0", "delta", "tool_calls")) {
				i, _ := strconv.Atoi(string(get(c, "index").(json.Number)))
				if name := str(get(c, "function", "name")); name != "" {
					open(i, str(get(c, "id")), name)
				}
				args[i].WriteString(str(get(c, "function", "arguments")))
			}
		case "responses":
			switch ev.kind {
			case "response.output_item.added":
				if str(get(m, "item", "type")) == "function_call" {
					i, _ := strconv.Atoi(string(m["output_index"].(json.Number)))
					open(i, str(get(m, "item", "call_id")), str(get(m, "item", "name")))
				}
			case "response.function_call_arguments.delta":
				i, _ := strconv.Atoi(string(m["output_index"].(json.Number)))
				args[i].WriteString(str(m["delta"]))
			case "response.output_text.delta":
				a.text += str(m["delta"])
			case "response.completed", "response.incomplete":
				a.finish = str(get(m, "response", "status"))
			}
		case "anthropic", "invoke":
			switch ev.kind {
			case "content_block_start":
				if str(get(m, "content_block", "type")) == "tool_use" {
					i, _ := strconv.Atoi(string(m["index"].(json.Number)))
					open(i, str(get(m, "content_block", "id")), str(get(m, "content_block", "name")))
				}
			case "content_block_delta":
				i, _ := strconv.Atoi(string(m["index"].(json.Number)))
				if str(get(m, "delta", "type")) == "input_json_delta" {
					args[i].WriteString(str(get(m, "delta", "partial_json")))
				} else {
					a.text += str(get(m, "delta", "text"))
				}
			case "message_delta":
				a.finish = str(get(m, "delta", "stop_reason"))
			}
		case "gemini":
			if f := str(get(m, "candidates", "0", "finishReason")); f != "" {
				a.finish = f
			}
			for _, p := range list(get(m, "candidates", "0", "content", "parts")) {
				if fc := get(p, "functionCall"); fc != nil {
					i := len(order)
					open(i, "", str(get(fc, "name")))
					args[i].WriteString(compactJSON(t, get(fc, "args")))
				} else {
					a.text += str(get(p, "text"))
				}
			}
		case "ollama":
			if m["done"] == true {
				a.finish = str(m["done_reason"])
			}
			a.text += str(get(m, "message", "content"))
			for _, c := range list(get(m, "message", "tool_calls")) {
				i := len(order)
				open(i, str(get(c, "id")), str(get(c, "function", "name")))
				args[i].WriteString(compactJSON(t, get(c, "function", "arguments")))
			}
		case "cohere":
			i, _ := strconv.Atoi(string(jsonNumber(m["index"])))
			switch ev.kind {
			case "tool-call-start":
				open(i, str(get(m, "delta", "message", "tool_calls", "id")), str(get(m, "delta", "message", "tool_calls", "function", "name")))
			case "tool-call-delta":
				args[i].WriteString(str(get(m, "delta", "message", "tool_calls", "function", "arguments")))
			case "content-delta":
				a.text += str(get(m, "delta", "message", "content", "text"))
			case "message-end":
				a.finish = str(get(m, "delta", "finish_reason"))
			}
		case "converse":
			i, _ := strconv.Atoi(string(jsonNumber(m["contentBlockIndex"])))
			switch ev.kind {
			case "contentBlockStart":
				open(i, str(get(m, "start", "toolUse", "toolUseId")), str(get(m, "start", "toolUse", "name")))
			case "contentBlockDelta":
				if tu := get(m, "delta", "toolUse"); tu != nil {
					args[i].WriteString(str(get(tu, "input")))
				} else {
					a.text += str(get(m, "delta", "text"))
				}
			case "messageStop":
				a.finish = str(m["stopReason"])
			}
		}
	}
	for n, i := range order {
		a.calls[n].Args = compactJSON(t, args[i].String())
	}
	return a
}

func jsonNumber(v any) json.Number {
	n, _ := v.(json.Number)
	if n == "" {
		return "0"
	}
	return n
}

// streamPayloads splits a stream of wire into its JSON payloads with their
// kinds: the event name (Anthropic, Cohere, Responses), the AWS event type
// (Converse) or the Anthropic event type inside a chunk (InvokeModel), and
// "chunk" for the data-only streams.
func streamPayloads(t testing.TB, wire string, body []byte) []kindPayload {
	t.Helper()
	var out []kindPayload
	switch wire {
	case "openai":
		for _, c := range parseSSE(t, body).chunks {
			out = append(out, kindPayload{"chunk", c})
		}
	case "gemini":
		for _, ev := range parseEvents(t, body, "\r\n") {
			out = append(out, kindPayload{"chunk", ev.data})
		}
	case "ollama":
		for _, l := range ndjsonLines(t, body) {
			out = append(out, kindPayload{"chunk", l})
		}
	case "anthropic", "cohere", "responses":
		for _, ev := range parseEvents(t, body, "\n") {
			if ev.name == "ping" || string(ev.data) == "[DONE]" {
				continue
			}
			out = append(out, kindPayload{ev.name, ev.data})
		}
	case "converse":
		for _, f := range decodeFrames(t, body) {
			out = append(out, kindPayload{f.name, f.payload})
		}
	case "invoke":
		for _, f := range decodeFrames(t, body) {
			var c struct {
				Bytes string `json:"bytes"`
			}
			if err := json.Unmarshal(f.payload, &c); err != nil {
				t.Fatalf("chunk %s: %v", f.payload, err)
			}
			raw, err := base64.StdEncoding.DecodeString(c.Bytes)
			if err != nil {
				t.Fatalf("chunk bytes: %v", err)
			}
			out = append(out, kindPayload{str(anyJSON(t, raw)["type"]), raw})
		}
	}
	return out
}

// shape is the union of the layouts of JSON values: the kinds seen and,
// for objects and arrays, the union of their members' shapes.
type shape struct {
	kinds map[string]bool
	keys  map[string]*shape
	elems *shape
}

func kindOf(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

func (s *shape) add(v any) {
	if s.kinds == nil {
		s.kinds, s.keys = map[string]bool{}, map[string]*shape{}
	}
	s.kinds[kindOf(v)] = true
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s.keys[k] == nil {
				s.keys[k] = &shape{}
			}
			s.keys[k].add(e)
		}
	case []any:
		if s.elems == nil {
			s.elems = &shape{}
		}
		for _, e := range x {
			s.elems.add(e)
		}
	}
}

// uncovered lists the paths of v that no recorded value had: a key, or a
// kind of value, the vendor never sent there.
func (s *shape) uncovered(v any, path string) []string {
	if s == nil || !s.kinds[kindOf(v)] {
		return []string{path + " (" + kindOf(v) + ")"}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, s.keys[k].uncovered(x[k], path+"."+k)...)
		}
	case []any:
		for i, e := range x {
			out = append(out, s.elems.uncovered(e, path+"["+strconv.Itoa(i)+"]")...)
		}
	}
	return out
}
