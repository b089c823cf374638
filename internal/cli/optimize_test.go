package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/internal/optimize"
)

// optimizeConfig has two simulated models: good answers every case of the
// suite right, slowly, at a price; cheap echoes the prompt, fast and free.
const optimizeConfig = `
[providers.good]
type = "simulator"
[providers.good.options]
latency = "fixed:150ms"
[providers.good.pricing."sim-large"]
input_per_mtok = 3.0
output_per_mtok = 15.0

[providers.cheap]
type = "simulator"
[providers.cheap.options]
latency = "fixed:5ms"
policy = "echo"
`

// optimizeKeys are the JSON keys scripts rely on.
var optimizeKeys = map[string][]string{
	"result": {"metric", "quality_threshold", "max_latency_ms", "latency_statistic", "monthly_requests", "prices_as_of", "prices_source", "models", "frontier", "choice", "chosen"},
	"model": {"provider", "model", "results", "runs", "quality", "quality_ci", "near_threshold", "few_samples", "latency_p95_ms", "latency_mean_ms",
		"cost_per_request_usd", "cost_source", "monthly_cost_usd", "frontier", "qualifies"},
}

func decodeOptimize(t *testing.T, stdout string) *optimize.Result {
	t.Helper()
	var res optimize.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not one JSON result: %v\n%s", err, stdout)
	}
	var raw struct {
		Models []map[string]json.RawMessage `json:"models"`
	}
	var top map[string]json.RawMessage
	json.Unmarshal([]byte(stdout), &top)
	json.Unmarshal([]byte(stdout), &raw)
	objects := map[string]map[string]json.RawMessage{"result": top}
	if len(raw.Models) > 0 {
		objects["model"] = raw.Models[0]
	}
	for kind, keys := range optimizeKeys {
		for _, k := range keys {
			if _, ok := objects[kind][k]; !ok {
				t.Errorf("JSON %s lacks key %q", kind, k)
			}
		}
	}
	return &res
}

// Two offline runs of models of different quality, latency and price: the
// profiles kept by the runs pick the good one under a quality bar, nothing
// under a latency bar it cannot meet, and a rebuild gives the same figures.
func TestOptimizePicksFromProfiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cfg := e.write("ltb.toml", optimizeConfig)
	run := func(args ...string) (int, string, string) {
		t.Helper()
		return e.run(t.Context(), append([]string{"--config", cfg}, args...)...)
	}
	code, _, stderr := run("optimize", "--quality-threshold", "0.9")
	if code != 4 || !strings.Contains(stderr, "no model profiles yet") {
		t.Fatalf("optimize before any run: exit %d, want 4\n%s", code, stderr)
	}
	for _, p := range []string{"good:sim-large", "cheap:echo"} {
		if code, stdout, stderr := run("bench", "--dataset", "builtin:reasoning", "--providers", p, "--no-cache", "-q"); code != 0 && code != 100 {
			t.Fatalf("bench %s: exit %d\n%s\n%s", p, code, stdout, stderr)
		}
	}

	code, stdout, stderr := run("optimize", "--quality-threshold", "0.9", "--max-latency", "2s", "--monthly-requests", "1000000", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	res := decodeOptimize(t, stdout)
	if res.Chosen != "good:sim-large" || len(res.Models) != 2 || res.PricesAsOf == "" {
		t.Fatalf("result %+v", res)
	}
	if d := cmp.Diff([]string{"cheap:echo", "good:sim-large"}, res.Frontier); d != "" {
		t.Errorf("frontier (-want +got):\n%s", d)
	}
	cheap, good := res.Models[0], res.Models[1]
	if *good.Quality != 1 || *cheap.Quality != 0 || good.Results != 14 || good.Runs != 1 || !good.FewSamples ||
		good.CostSource != optimize.CostTable || *good.CostPerRequest <= 0 || *cheap.CostPerRequest != 0 ||
		*good.LatencyP95Ms < 150 || *cheap.LatencyP95Ms >= *good.LatencyP95Ms ||
		*good.MonthlyCostUSD != *good.CostPerRequest*1e6 {
		t.Errorf("models:\n%+v\n%+v", cheap, good)
	}

	// A latency bar the good model cannot meet: no choice, the reasons, exit 100.
	code, stdout, _ = run("optimize", "--quality-threshold", "0.9", "--max-latency", "100")
	if code != 100 || !strings.Contains(stdout, "No model meets quality >= 0.9000, p95 latency <= 100ms") ||
		!strings.Contains(stdout, "good:sim-large: p95 latency") || !strings.Contains(stdout, "cheap:echo: quality 0.0000 is below 0.9000") {
		t.Errorf("exit %d, want 100 with reasons:\n%s", code, stdout)
	}
	// Without a quality bar the free model is the cheapest.
	code, stdout, _ = run("optimize", "--quality-threshold", "0")
	if code != 0 || !strings.Contains(stdout, "Cheapest meeting quality >= 0.0000, no latency limit: cheap:echo at $0 per request") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}

	// Rebuilding from the stored runs gives the same profiles.
	code, rebuilt, stderr := run("optimize", "--rebuild", "--quality-threshold", "0.9", "--max-latency", "2s", "--monthly-requests", "1000000", "--json")
	if code != 0 || !strings.Contains(stderr, "Rebuilt the model profiles from 2 runs (28 results)") {
		t.Fatalf("rebuild: exit %d\n%s", code, stderr)
	}
	if d := cmp.Diff(res, decodeOptimize(t, rebuilt)); d != "" {
		t.Errorf("rebuild changed the result (-hooks +rebuild):\n%s", d)
	}

	// A second run of the good model folds in; RUN arguments read only those runs.
	if code, stdout, stderr := run("bench", "--dataset", "builtin:reasoning", "--providers", "good:sim-large", "--no-cache", "-q"); code != 0 {
		t.Fatalf("bench: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = run("optimize", "--quality-threshold", "0.9", "--json")
	res = decodeOptimize(t, stdout)
	if code != 0 || res.Models[1].Results != 28 || res.Models[1].Runs != 2 || res.Models[0].Runs != 1 {
		t.Errorf("after a second run: exit %d, %+v", code, res.Models)
	}
	code, stdout, _ = run("optimize", "1", "3", "--quality-threshold", "0.9", "--json")
	res = decodeOptimize(t, stdout)
	if code != 0 || len(res.Models) != 1 || res.Models[0].Results != 28 || res.Models[0].Runs != 2 {
		t.Errorf("runs 1 and 3: exit %d, %+v", code, res.Models)
	}
}

func TestOptimizeRefusesBadFlags(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, args := range [][]string{
		{"--quality-threshold", "1.5"},
		{"--max-latency", "soon"},
		{"--metric", "f1"},
		{"--monthly-requests", "-5"},
		{"1", "--rebuild"},
	} {
		code, _, stderr := e.run(t.Context(), append([]string{"optimize"}, args...)...)
		if code != 3 {
			t.Errorf("optimize %v: exit %d, want 3\n%s", args, code, stderr)
		}
	}
}
