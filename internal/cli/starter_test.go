package cli_test

import (
	"context"
	"io/fs"
	"path/filepath"
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

// TestSimulatedAnswersAreNotCached: a simulator's port changes every run,
// so its answers could never be served again; they must not fill the
// response cache (issue 15, item 15).
func TestSimulatedAnswersAreNotCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, out, errb := e.run(context.Background(), "bench", "--dataset", "builtin:reasoning", "--providers", "simulator:x")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errb)
	}
	var files []string
	_ = filepath.WalkDir(filepath.Join(e.dir, "cache"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) > 0 {
		t.Errorf("a simulated run wrote %d cache entries, e.g. %s", len(files), files[0])
	}
}
