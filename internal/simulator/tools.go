package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
)

// Tool calls, wire-neutral: each wire's decoder fills the tools a request
// offers, its tool choice and whether its last message carries tool
// results; decide picks the calls (pickCalls) and each wire's encoder
// writes them in its vendor's shape, streamed or not.

// ToolCall is one scripted tool call (Config.ToolCalls): when a request
// offers a tool named Name, the simulator calls it with Arguments, a JSON
// object; with Arguments empty they are generated from the tool's JSON
// Schema (see genArguments).
type ToolCall struct {
	Name      string
	Arguments string
}

// ParseToolCall reads a scripted call written "NAME" or
// "NAME={...JSON object...}", as simulate --tool-call and the simulator
// provider's tool_calls option take it.
func ParseToolCall(s string) (ToolCall, error) {
	name, args, _ := strings.Cut(s, "=")
	c := ToolCall{Name: strings.TrimSpace(name), Arguments: strings.TrimSpace(args)}
	if err := c.check(); err != nil {
		return ToolCall{}, fmt.Errorf("tool call %q: %w", s, err)
	}
	return c, nil
}

// check reports a call without a name or with arguments that are not a
// JSON object, and compacts the arguments.
func (c *ToolCall) check() error {
	if c.Name == "" {
		return errors.New("no tool name")
	}
	if c.Arguments == "" {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(c.Arguments), &obj); err != nil || obj == nil {
		return fmt.Errorf("arguments must be a JSON object, got %q", c.Arguments)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(c.Arguments)); err != nil {
		return fmt.Errorf("arguments: %w", err)
	}
	c.Arguments = b.String()
	return nil
}

// toolSpec is one function tool a request offers.
type toolSpec struct {
	name   string
	schema json.RawMessage // its parameters' JSON Schema; may be empty
}

// Tool choice modes, as each wire spells them (OpenAI's none/auto/required
// or a named function; Anthropic's none/auto/any/tool; Gemini's
// NONE/AUTO/ANY; Converse's auto/any/tool; Cohere's NONE/REQUIRED).
const (
	choiceAuto     uint8 = iota // the model decides: the simulator calls
	choiceNone                  // no tool call: answer with text
	choiceRequired              // some tool must be called
	choiceNamed                 // the tool named toolChoice.name must be called
)

type toolChoice struct {
	mode uint8
	name string // choiceNamed's tool
}

// toolCall is one call the simulator makes: the wire's call id (empty on
// wires without one), the tool's name and its arguments, compact JSON.
type toolCall struct {
	id, name, args string
	item           string // the Responses API's item id
}

// toolTurn is the tool part of a turn.
type toolTurn struct {
	tools []toolSpec
	// allowed restricts the tools that may be called (Gemini's
	// allowedFunctionNames); nil allows all.
	allowed    []string
	choice     toolChoice
	noParallel bool // at most one call (parallel_tool_calls false, disable_parallel_tool_use)
	// results is set when the request's last message carries tool
	// results: the answer is text, and the policy's input is the results.
	results bool
	calls   []toolCall
}

// wantsCalls reports whether t is answered with tool calls.
func (t *turn) wantsCalls() bool {
	return len(t.tool.tools) > 0 && t.tool.choice.mode != choiceNone && !t.tool.results && !t.silent
}

// pickCalls decides the calls of t: with a named choice, that tool (with
// its scripted arguments when Config.ToolCalls names it); otherwise every
// scripted call whose tool the request offers, in the script's order, or,
// when none is offered, one call of the first tool offered. Arguments not
// scripted are generated from the tool's schema. A request that forbids
// parallel calls gets the first only. Each call costs one token plus its
// arguments' tokens.
func (s *Server) pickCalls(t *turn) {
	tt := &t.tool
	offered := func(name string) (toolSpec, bool) {
		if tt.allowed != nil && !containsString(tt.allowed, name) {
			return toolSpec{}, false
		}
		for _, sp := range tt.tools {
			if sp.name == name {
				return sp, true
			}
		}
		return toolSpec{}, false
	}
	add := func(sp toolSpec, args string) {
		if args == "" {
			args = genArguments(sp.schema, s.cfg.Seed, sp.name)
		}
		tt.calls = append(tt.calls, toolCall{name: sp.name, args: args})
	}
	if tt.choice.mode == choiceNamed {
		sp, ok := offered(tt.choice.name)
		if !ok {
			sp = toolSpec{name: tt.choice.name}
		}
		add(sp, s.scriptedArgs(sp.name))
	} else {
		for _, c := range s.cfg.ToolCalls {
			if sp, ok := offered(c.Name); ok {
				add(sp, c.Arguments)
			}
		}
		if len(tt.calls) == 0 {
			first := tt.tools[0]
			for _, sp := range tt.tools {
				if _, ok := offered(sp.name); ok {
					first = sp
					break
				}
			}
			add(first, "")
		}
	}
	if tt.noParallel && len(tt.calls) > 1 {
		tt.calls = tt.calls[:1]
	}
	t.completion = 0
	for _, c := range tt.calls {
		t.completion += 1 + countTokens(c.args)
	}
}

// scriptedArgs is the arguments of the first scripted call of tool name,
// or "" (generate them) when there is none.
func (s *Server) scriptedArgs(name string) string {
	for _, c := range s.cfg.ToolCalls {
		if c.Name == name {
			return c.Arguments
		}
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// setCallIDs gives each call an id: prefix and n random characters of
// alphabet, drawn from t's generator.
func (t *turn) setCallIDs(prefix string, n int, alphabet string) {
	for i := range t.tool.calls {
		b := make([]byte, 0, len(prefix)+n)
		b = append(b, prefix...)
		for j := 0; j < n; j++ {
			b = append(b, alphabet[t.rnd.uint64()%uint64(len(alphabet))])
		}
		t.tool.calls[i].id = string(b)
	}
}

// lowerAlnum is the alphabet of Cohere's call ids.
const lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"

// toolResultsPrompt joins the texts of a request's trailing tool results,
// the policy's input for the answer that follows them.
func toolResultsPrompt(results []string) string { return strings.Join(results, "\n") }

// toolSeed is the generator seed of a tool's generated arguments: the
// server's seed and the tool's name, so a tool gets the same arguments on
// every wire and in every request.
func toolSeed(seed int64, name string) rng {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return newRNG(seed, h.Sum64())
}
