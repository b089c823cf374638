package walls

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/llm-test-bench/llm-test-bench"

// wall forbids packages under from to depend, directly or not, on the
// packages under any of to (prefix matches on the path inside the module).
type wall struct {
	from   string
	to     []string
	except []string // packages under from that the wall does not cover
	why    string
}

var walls = []wall{
	{from: "bench", to: []string{""}, why: "the public value types depend on the standard library only"},
	{from: "provider", to: []string{"internal/store", "internal/runner", "internal/session", "internal/server", "internal/cli", "internal/policy", "eval"}, why: "providers speak to vendors and know nothing of runs"},
	{from: "eval", to: []string{"provider/", "internal/store", "internal/runner", "internal/session", "internal/server", "internal/cli", "internal/policy"}, why: "evaluators know the provider contract only, not a vendor or the engine"},
	{from: "internal/store", to: []string{"internal/runner", "internal/session", "internal/server", "internal/cli"}, why: "the store keeps records; it does not run anything"},
	{from: "internal/journal", to: []string{"internal/store", "internal/runner", "internal/session", "internal/cli"}, why: "the journal is a file of results, below the store and the engine"},
	{from: "internal/runner", to: []string{"internal/session", "internal/server", "internal/cli"}, why: "the runner is below the run lifecycle"},
	{from: "internal/policy", to: []string{"internal/runner", "internal/session", "internal/server", "internal/cli", "internal/store"}, why: "the call policy wraps providers for any caller"},
	{from: "internal/session", to: []string{"internal/cli", "internal/server"}, why: "front ends use the session, never the other way round"},
	{from: "internal/server", to: []string{"internal/cli"}, why: "the server is a front end beside the CLI; the CLI's serve command wires it, never the other way round"},
	{from: "internal/api", to: []string{"internal/cli", "internal/server"}, why: "the service layer knows no transport: REST and GraphQL both call it"},
	{from: "", to: []string{"internal/cli"}, except: []string{"cmd/", "internal/cli"}, why: "only the binary's main imports the CLI; the server and workers use the session"},
}

type pkg struct {
	ImportPath string
	Deps       []string
}

func TestDependencyWalls(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps", module+"/...")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
		checkWalls(t, p)
	}
	if n < 20 {
		t.Fatalf("go list found only %d packages", n)
	}
}

func checkWalls(t *testing.T, p pkg) {
	t.Helper()
	self := inside(p.ImportPath)
	for _, w := range walls {
		if !under(self, w.from) || excepted(self, w.except) {
			continue
		}
		for _, d := range p.Deps {
			dep, ok := strings.CutPrefix(d, module+"/")
			if !ok {
				continue
			}
			for _, to := range w.to {
				if under(dep, to) && !under(dep, w.from) {
					t.Errorf("%s depends on %s: %s", self, dep, w.why)
				}
			}
		}
	}
}

// inside is a package's path inside the module.
func inside(path string) string {
	if path == module {
		return ""
	}
	return strings.TrimPrefix(path, module+"/")
}

// under reports whether path is prefix or below it; "" is everything, and
// a prefix ending in "/" matches only below it.
func under(path, prefix string) bool {
	switch {
	case prefix == "":
		return true
	case strings.HasSuffix(prefix, "/"):
		return strings.HasPrefix(path, prefix)
	}
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

func excepted(path string, except []string) bool {
	for _, e := range except {
		if under(path, e) {
			return true
		}
	}
	return false
}
