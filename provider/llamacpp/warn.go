package llamacpp

import (
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/promptsize"
)

// minJudgedFloor is the smallest prompt floor judged: a server cuts a
// prompt only to fit a context, and no context is this small.
const minJudgedFloor = 16

// truncationWarning returns a warning when the server counted fewer than
// half the tokens the prompt takes at the least (promptsize.Floor), which
// llama-server does when it cut the prompt to fit its context, and ""
// otherwise. A count of 0 means the server gave none, and is not judged.
func truncationWarning(msgs []bench.Message, reported int) string {
	if reported <= 0 || 2*reported >= promptsize.Bytes(msgs) {
		return "" // the floor never exceeds the prompt's size in bytes
	}
	floor := promptsize.Floor(msgs)
	if floor < minJudgedFloor || 2*reported >= floor {
		return ""
	}
	return fmt.Sprintf("%s: the server counted %d prompt tokens for a prompt of at least %d: it probably cut the prompt to fit its context, "+
		"and the answer is to the part it kept; start llama-server with --no-context-shift to get an error instead, and a larger --ctx-size", Vendor, reported, floor)
}
