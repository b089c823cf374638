package inference

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// vectorCase is one case of testdata/reference_vectors.json.
type vectorCase struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Inputs   json.RawMessage `json:"inputs"`
	Expected json.RawMessage `json:"expected"`
}

func loadVectors(t testing.TB) []vectorCase {
	t.Helper()
	b, err := os.ReadFile("testdata/reference_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []vectorCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// Tolerances (relative). Closed forms, 1e-9: everything computed from sums,
// square roots, the normal quantile (a rational approximation, not an
// iteration) and erfc. Iterative, 1e-6: anything through the regularized
// incomplete beta or gamma function or its inverse, i.e. the Student t CDF
// and quantile, the binomial CDF, the chi-square survival and the beta
// quantile.
const (
	closedTol    = 1e-9
	iterativeTol = 1e-6
)

// tolerance returns the tolerance for one expected field of a kind.
func tolerance(kind, path string) float64 {
	switch kind {
	case "mcnemar":
		if path == ".chi2.statistic_cc" || path == ".chi2.statistic" {
			return closedTol
		}
		return iterativeTol // binomial CDF, chi-square survival
	case "paired_t":
		switch path {
		case ".pvalue", ".ci_low", ".ci_high":
			return iterativeTol // t CDF and quantile
		}
		return closedTol
	case "non_inferiority":
		switch path {
		case ".pvalue", ".lower_bound":
			return iterativeTol
		}
		return closedTol
	case "proportion_ci":
		if len(path) >= 5 && path[:5] == ".beta" {
			return iterativeTol // beta quantile
		}
		return closedTol
	case "t_quantile":
		return iterativeTol
	}
	return closedTol // wilcoxon, multipletests, clustered_se, z_quantile
}

// TestReferenceVectors runs every case through the command's own path (a
// JSON line in, a JSON line out) and compares with scipy/statsmodels.
func TestReferenceVectors(t *testing.T) {
	t.Parallel()
	cases := loadVectors(t)
	if len(cases) < 100 {
		t.Fatalf("only %d cases loaded", len(cases))
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			line, err := json.Marshal(Request{Kind: c.Kind, Inputs: c.Inputs})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := ComputeLine(line)
			if err != nil {
				t.Fatalf("compute: %v", err)
			}
			out, err := json.Marshal(resp)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Kind   string `json:"kind"`
				Result any    `json:"result"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatal(err)
			}
			var want any
			if err := json.Unmarshal(c.Expected, &want); err != nil {
				t.Fatal(err)
			}
			if got.Kind != c.Kind {
				t.Errorf("kind %q, want %q", got.Kind, c.Kind)
			}
			for _, d := range diffJSON(c.Kind, "", want, got.Result) {
				t.Error(d)
			}
		})
	}
}

// diffJSON compares decoded JSON values: the same keys, lengths, nulls and
// booleans exactly, numbers within the kind's tolerance. A zero is matched
// within 1e-15 absolute (relative error is meaningless there).
func diffJSON(kind, path string, want, got any) []string {
	switch w := want.(type) {
	case nil:
		if got != nil {
			return []string{fmt.Sprintf("%s: got %v, want null", path, got)}
		}
	case bool:
		if g, ok := got.(bool); !ok || g != w {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, w)}
		}
	case float64:
		g, ok := got.(float64)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want %v", path, got, w)}
		}
		tol := tolerance(kind, path)
		if w == 0 && math.Abs(g) > 1e-15 || w != 0 && math.Abs(g-w) > tol*math.Abs(w) {
			return []string{fmt.Sprintf("%s: got %.17g, want %.17g (rel err %.3g, tol %g)", path, g, w, math.Abs(g-w)/math.Abs(w), tol)}
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, want %d items", path, got, len(w))}
		}
		var out []string
		for i := range w {
			out = append(out, diffJSON(kind, path, w[i], g[i])...)
		}
		return out
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %v, want an object", path, got)}
		}
		var out []string
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: unexpected key", path, k))
			}
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				continue
			}
			out = append(out, diffJSON(kind, path+"."+k, wv, gv)...)
		}
		return out
	default:
		return []string{fmt.Sprintf("%s: unexpected expected value %T", path, want)}
	}
	return nil
}
