package toolcalls

import (
	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Joiner collects the tool calls of a stream whose events open a call
// under a key (Anthropic's and Bedrock's content block index, Cohere's tool
// call index) and then send its arguments in fragments under that key. Its
// zero value is ready to use; it is not safe for concurrent use.
type Joiner struct {
	calls []joined
	open  map[int]int // key -> position in calls of the call it opened last
}

type joined struct {
	call     bench.ToolCall
	args     []byte // the fragments so far (a slice, not a strings.Builder: entries are copied as calls grows)
	fallback string
}

// Start opens a call under key with the vendor's id and name. fallback is
// the arguments when no fragment arrives (Anthropic's content_block_start
// carries "input":{} and then the whole input again in fragments). A key
// opened again starts a new call.
func (j *Joiner) Start(key int, id, name, fallback string) {
	if j.open == nil {
		j.open = map[int]int{}
	}
	j.open[key] = len(j.calls)
	j.calls = append(j.calls, joined{call: bench.ToolCall{ID: id, Name: name}, fallback: fallback})
}

// Append adds a fragment of arguments to the call open under key. It
// reports false, and keeps nothing, when no call is open under key: a
// fragment of a block that is not a client tool call (such as Anthropic's
// server tools), which is not the model calling one of the case's tools.
func (j *Joiner) Append(key int, fragment string) bool {
	i, ok := j.open[key]
	if !ok {
		return false
	}
	j.calls[i].args = append(j.calls[i].args, fragment...)
	return true
}

// Len is the number of calls opened so far.
func (j *Joiner) Len() int { return len(j.calls) }

// Calls returns the calls in the order they were opened, each with its
// fragments joined as they came (verbatim, valid JSON or not), or its
// fallback when every fragment was empty; nil when none was opened.
func (j *Joiner) Calls() []bench.ToolCall {
	if len(j.calls) == 0 {
		return nil
	}
	out := make([]bench.ToolCall, len(j.calls))
	for i := range j.calls {
		c := &j.calls[i]
		out[i] = c.call
		out[i].Arguments = string(c.args)
		if out[i].Arguments == "" {
			out[i].Arguments = c.fallback
		}
	}
	return out
}
