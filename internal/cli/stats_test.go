package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cli"
)

// TestStatsCommandReproducesVectors pipes every reference case through
// `stats` as one JSON line each, plus one bad line, and checks each answer
// (to 1e-6 relative here; the inference package checks the tighter
// per-field tolerances), the error line and exit code 4.
func TestStatsCommandReproducesVectors(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../stats/inference/testdata/reference_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		ID       string          `json:"id"`
		Kind     string          `json:"kind"`
		Inputs   json.RawMessage `json:"inputs"`
		Expected any             `json:"expected"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	for _, c := range cases {
		line, _ := json.Marshal(map[string]any{"id": c.ID, "kind": c.Kind, "inputs": c.Inputs})
		in.Write(line)
		in.WriteByte('\n')
	}
	in.WriteString(`{"kind":"multipletests","inputs":{"pvalues":[0.1],"alpha":2}}` + "\n")

	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), []string{"stats"}, cli.IO{Stdin: &in, Stdout: &out, Stderr: &errb,
		Environ: []string{"HOME=" + t.TempDir()}, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir()})
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if code != 4 || len(lines) != len(cases)+1 {
		t.Fatalf("exit %d, %d lines for %d inputs; stderr:\n%s", code, len(lines), len(cases)+1, errb.String())
	}
	for i, c := range cases {
		var got struct {
			ID     string `json:"id"`
			Kind   string `json:"kind"`
			Result any    `json:"result"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &got); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, lines[i])
		}
		if got.ID != c.ID || got.Kind != c.Kind {
			t.Errorf("line %d: id %q kind %q, want %q %q", i+1, got.ID, got.Kind, c.ID, c.Kind)
		}
		if d := sameJSON(c.Expected, got.Result); d != "" {
			t.Errorf("%s: %s", c.ID, d)
		}
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, `"error"`) || !strings.Contains(last, "alpha") {
		t.Errorf("bad line answered %s", last)
	}
	if !strings.Contains(errb.String(), "1 input lines could not be computed") {
		t.Errorf("stderr: %s", errb.String())
	}
}

// sameJSON compares decoded JSON: keys, lengths, nulls and booleans
// exactly, numbers to 1e-6 relative (1e-15 absolute for a zero).
func sameJSON(want, got any) string {
	switch w := want.(type) {
	case float64:
		g, ok := got.(float64)
		if !ok || (w == 0 && math.Abs(g) > 1e-15) || (w != 0 && math.Abs(g-w) > 1e-6*math.Abs(w)) {
			return fmt.Sprintf("got %v, want %v", got, w)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("got %v, want %v", got, w)
		}
		for i := range w {
			if d := sameJSON(w[i], g[i]); d != "" {
				return fmt.Sprintf("[%d]: %s", i, d)
			}
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("got %v, want keys of %v", got, w)
		}
		for k := range w {
			if d := sameJSON(w[k], g[k]); d != "" {
				return k + ": " + d
			}
		}
	default: // nil, bool
		if want != got {
			return fmt.Sprintf("got %v, want %v", got, want)
		}
	}
	return ""
}
