package cli_test

import (
	"context"
	"strings"
	"testing"
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
