package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestSimulateHelpNamesEveryWire checks that `simulate --help` names every
// wire the simulator speaks, and says that --latency covers streams.
func TestSimulateHelpNamesEveryWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, out, stderr := e.run(context.Background(), "simulate", "--help")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"OpenAI", "Anthropic", "Gemini", "Ollama", "Cohere", "Bedrock", "OpenAI-compatible", "streamed or not"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
}

// TestSimulateBannerNamesEveryWire checks that the start-up banner gives
// a base URL for each of the six wires, and that the server it names
// answers there.
func TestSimulateBannerNamesEveryWire(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	code, out, stderr := e.run(ctx, "simulate", "--addr", "127.0.0.1:0")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"SIMULATOR (not a real model)", "OpenAI     http://127.0.0.1:", "/v1   (OPENAI_BASE_URL",
		"Anthropic", "Gemini", "Ollama", "Cohere", "Bedrock"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}

// TestSimulateToolCallFlag checks that a malformed --tool-call is refused
// before the server starts, naming the call.
func TestSimulateToolCallFlag(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, _, stderr := e.run(context.Background(), "simulate", "--addr", "127.0.0.1:0", "--tool-call", "add=[1]")
	if code == 0 || !strings.Contains(stderr, `tool call "add=[1]"`) || !strings.Contains(stderr, "JSON object") {
		t.Errorf("exit %d, stderr %q: want a refusal naming the call", code, stderr)
	}
}
