package cli_test

import (
	"context"
	"testing"
)

// TestStarterConfigRunsTheSimulator: the file `config init` writes holds
// the simulator's own options, which a simulator: run must take as the
// simulator's, not hand to the OpenAI client (issue 15, item 1).
func TestStarterConfigRunsTheSimulator(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if code, out, errb := e.run(ctx, "config", "init"); code != 0 {
		t.Fatalf("config init: exit %d\n%s%s", code, out, errb)
	}
	if code, out, errb := e.run(ctx, "config", "validate"); code != 0 {
		t.Fatalf("config validate of the starter file: exit %d\n%s%s", code, out, errb)
	}
	code, out, errb := e.run(ctx, "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:x", "--filter", "^bat-and-ball$")
	if code != 0 {
		t.Fatalf("bench with the starter file: exit %d\n%s%s", code, out, errb)
	}
}
