package inference

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// computeJSON runs one request line and returns the result as decoded JSON.
func computeJSON(t *testing.T, line string) (map[string]any, error) {
	t.Helper()
	resp, err := ComputeLine([]byte(line))
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(resp.Result)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m, nil
}

// TestEdgeCases pins results at the edges (n = 1, zero differences, no
// discordant pairs, p-values of 0 and 1) and scipy/statsmodels numbers not
// in the vector file (the Wilcoxon options, the clustered-SE examples of the
// research notes and Inspect's tests).
func TestEdgeCases(t *testing.T) {
	t.Parallel()
	const t2 = `[0.5,-0.25,1.0,0.0,0.75,0.5,-0.5,1.0,0.25,0.0,1.0,0.5]`
	tests := []struct {
		name string
		line string
		want string // expected result as JSON; numbers within 1e-9 relative
	}{
		{"mcnemar no discordant pair", `{"kind":"mcnemar","inputs":{"a":[1,0,1],"b":[1,0,1]}}`,
			`{"b":0,"c":0,"exact_pvalue":1,"chi2":null}`},
		{"mcnemar one item", `{"kind":"mcnemar","inputs":{"a":[1],"b":[0]}}`,
			`{"b":1,"c":0,"exact_pvalue":1,"chi2":{"statistic_cc":0,"pvalue_cc":1,"statistic":1,"pvalue":0.31731050786291415}}`},
		{"mcnemar equal counts", `{"kind":"mcnemar","inputs":{"a":[1,0],"b":[0,1]}}`,
			`{"b":1,"c":1,"exact_pvalue":1,"chi2":{"statistic_cc":0.5,"pvalue_cc":0.47950012218695337,"statistic":0,"pvalue":1}}`},
		{"wilcoxon one difference", `{"kind":"wilcoxon","inputs":{"d":[0.3]}}`,
			`{"statistic":0,"pvalue":1}`},
		{"wilcoxon zeros wilcox", `{"kind":"wilcoxon","inputs":{"d":` + t2 + `}}`,
			`{"statistic":6,"pvalue":0.02688761231317266}`},
		{"wilcoxon pratt", `{"kind":"wilcoxon","inputs":{"d":` + t2 + `,"zero_method":"pratt"}}`,
			`{"statistic":10,"pvalue":0.029381879370073544}`},
		{"wilcoxon zsplit", `{"kind":"wilcoxon","inputs":{"d":` + t2 + `,"zero_method":"zsplit"}}`,
			`{"statistic":11.5,"pvalue":0.02995560799799299}`},
		{"wilcoxon correction", `{"kind":"wilcoxon","inputs":{"d":` + t2 + `,"correction":true}}`,
			`{"statistic":6,"pvalue":0.030643077579498194}`},
		{"wilcoxon forced approx", `{"kind":"wilcoxon","inputs":{"d":[0.952,-0.147,1.022,0.43,0.62,0.59,0.49,-0.08,0.01],"method":"approx"}}`,
			`{"statistic":5,"pvalue":0.038151710173415135}`},
		{"paired_t all-zero differences", `{"kind":"paired_t","inputs":{"a":[1,0,1],"b":[1,0,1]}}`,
			`{"t":null,"pvalue":null,"df":2,"mean_diff":0,"se":0,"ci_low":0,"ci_high":0}`},
		{"paired_t constant shift", `{"kind":"paired_t","inputs":{"a":[1,1,1],"b":[0,0,0]}}`,
			`{"t":null,"pvalue":0,"df":2,"mean_diff":1,"se":0,"ci_low":1,"ci_high":1}`},
		{"non_inferiority constant shift", `{"kind":"non_inferiority","inputs":{"candidate":[1,1],"baseline":[1,1],"margin":0.1}}`,
			`{"t":null,"pvalue":0,"lower_bound":0,"non_inferior":true}`},
		{"multipletests p of 0 and 1", `{"kind":"multipletests","inputs":{"pvalues":[1,0]}}`,
			`{"bonferroni":{"adjusted":[1,0],"reject":[false,true]},"holm":{"adjusted":[1,0],"reject":[false,true]},` +
				`"fdr_bh":{"adjusted":[1,0],"reject":[false,true]},"fdr_by":{"adjusted":[1,0],"reject":[false,true]}}`},
		{"multipletests single", `{"kind":"multipletests","inputs":{"pvalues":[0.04],"alpha":0.05}}`,
			`{"bonferroni":{"adjusted":[0.04],"reject":[true]},"holm":{"adjusted":[0.04],"reject":[true]},` +
				`"fdr_bh":{"adjusted":[0.04],"reject":[true]},"fdr_by":{"adjusted":[0.04],"reject":[true]}}`},
		{"clustered_se research T6", `{"kind":"clustered_se","inputs":{"values":[1,0,1,1,0,0,1,1,1,0],"clusters":["a","a","a","b","b","c","c","c","d","d"]}}`,
			`{"mean":0.6,"se_iid":0.16329931618554522,"se_clustered":0.046188021535170064,"df":3}`},
		{"clustered_se inspect", `{"kind":"clustered_se","inputs":{"values":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19],` +
			`"clusters":["0","1","2","3","0","1","2","3","0","1","2","3","0","1","2","3","0","1","2","3"]}}`,
			`{"mean":9.5,"se_iid":1.3228756555322954,"se_clustered":0.6454972243679028,"df":3}`},
		{"z_quantile median", `{"kind":"z_quantile","inputs":{"p":0.5}}`, `{"value":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := computeJSON(t, tt.line)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			for _, d := range diffJSON("", "", want, any(got)) {
				t.Error(d)
			}
		})
	}
}

// TestBadInputs checks that each bad input gives an error naming the field.
func TestBadInputs(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, line, wantField string }{
		{"empty line", ``, "empty line"},
		{"not json", `{"kind":`, "bad request"},
		{"unknown top-level field", `{"kind":"z_quantile","inputs":{"p":0.5},"extra":1}`, `"extra"`},
		{"two values", `{"kind":"z_quantile","inputs":{"p":0.5}} {}`, "more than one"},
		{"unknown kind", `{"kind":"anova","inputs":{}}`, "kind: unknown"},
		{"no inputs", `{"kind":"z_quantile"}`, "inputs: missing"},
		{"inputs not object", `{"kind":"z_quantile","inputs":[1]}`, "inputs:"},
		{"unknown input", `{"kind":"z_quantile","inputs":{"p":0.5,"q":1}}`, `"q"`},
		{"missing input", `{"kind":"t_quantile","inputs":{"p":0.5}}`, "df: missing"},
		{"wrong type", `{"kind":"proportion_ci","inputs":{"successes":"3","n":5}}`, "successes"},
		{"mcnemar empty", `{"kind":"mcnemar","inputs":{"a":[],"b":[]}}`, "a: needs at least 1"},
		{"mcnemar not binary", `{"kind":"mcnemar","inputs":{"a":[1,0.5],"b":[1,0]}}`, "a[1]:"},
		{"mcnemar lengths", `{"kind":"mcnemar","inputs":{"a":[1,0],"b":[1]}}`, "b: has 1 items"},
		{"wilcoxon empty", `{"kind":"wilcoxon","inputs":{"d":[]}}`, "d: needs at least 1"},
		{"wilcoxon all zero", `{"kind":"wilcoxon","inputs":{"d":[0,0,0]}}`, "d: every difference is zero"},
		{"wilcoxon method", `{"kind":"wilcoxon","inputs":{"d":[1,2],"method":"magic"}}`, "method:"},
		{"wilcoxon zero_method", `{"kind":"wilcoxon","inputs":{"d":[1,2],"zero_method":"drop"}}`, "zero_method:"},
		{"paired_t one pair", `{"kind":"paired_t","inputs":{"a":[1],"b":[0]}}`, "a: needs at least 2"},
		{"paired_t confidence", `{"kind":"paired_t","inputs":{"a":[1,2],"b":[0,0],"confidence":95}}`, "confidence:"},
		{"non_inferiority alpha", `{"kind":"non_inferiority","inputs":{"candidate":[1,2],"baseline":[0,0],"margin":0.1,"alpha":0}}`, "alpha:"},
		{"non_inferiority margin", `{"kind":"non_inferiority","inputs":{"candidate":[1,2],"baseline":[0,0],"margin":-0.1}}`, "margin:"},
		{"multipletests empty", `{"kind":"multipletests","inputs":{"pvalues":[]}}`, "pvalues: needs"},
		{"multipletests p range", `{"kind":"multipletests","inputs":{"pvalues":[0.1,1.5]}}`, "pvalues[1]:"},
		{"multipletests alpha", `{"kind":"multipletests","inputs":{"pvalues":[0.1],"alpha":1}}`, "alpha:"},
		{"proportion_ci n", `{"kind":"proportion_ci","inputs":{"successes":0,"n":0}}`, "n: must be at least 1"},
		{"proportion_ci successes", `{"kind":"proportion_ci","inputs":{"successes":6,"n":5}}`, "successes:"},
		{"proportion_ci alpha", `{"kind":"proportion_ci","inputs":{"successes":1,"n":5,"alpha":-0.05}}`, "alpha:"},
		{"clustered_se one cluster", `{"kind":"clustered_se","inputs":{"values":[1,0],"clusters":["a","a"]}}`, "clusters: needs at least 2"},
		{"clustered_se lengths", `{"kind":"clustered_se","inputs":{"values":[1,0],"clusters":["a"]}}`, "clusters: has 1"},
		{"t_quantile df", `{"kind":"t_quantile","inputs":{"p":0.9,"df":0}}`, "df:"},
		{"t_quantile p", `{"kind":"t_quantile","inputs":{"p":1,"df":3}}`, "p:"},
		{"z_quantile p", `{"kind":"z_quantile","inputs":{"p":0}}`, "p:"},
		{"bootstrap resamples", `{"kind":"paired_bootstrap","inputs":{"a":[1],"b":[0],"resamples":0}}`, "resamples:"},
		{"bootstrap draws", `{"kind":"paired_bootstrap","inputs":{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101],"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,92,93,94,95,96,97,98,99,100,101],"resamples":1000000}}`, "resamples:"},
		{"permutation seed type", `{"kind":"permutation","inputs":{"a":[1],"b":[0],"seed":-1}}`, "seed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := computeJSON(t, tt.line)
			if err == nil || !strings.Contains(err.Error(), tt.wantField) {
				t.Errorf("error %v, want one containing %q", err, tt.wantField)
			}
		})
	}
}

func TestPairwiseSumMatchesExactSum(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 7, 8, 9, 127, 128, 129, 1000} {
		xs := make([]float64, n)
		want := 0.0
		for i := range xs {
			xs[i] = float64(i%7) - 3 // small integers: every order sums exactly
			want += xs[i]
		}
		if got := pairwiseSum(xs); got != want {
			t.Errorf("n=%d: %v, want %v", n, got, want)
		}
	}
	// numpy sums [0.1]*10 with eight accumulators: 0.9999999999999999 left to
	// right, but 1.0 in numpy's order.
	ten := []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}
	if got := pairwiseSum(ten); got != 1.0 {
		t.Errorf("pairwise sum of ten 0.1 = %.17g, want 1 (numpy's order)", got)
	}
	if math.Abs(mean(ten)-0.1) != 0 {
		t.Errorf("mean = %.17g", mean(ten))
	}
}
