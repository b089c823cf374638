package inference

import (
	"encoding/json"
	"testing"
)

// FuzzComputeLine feeds arbitrary lines to the decoder: it must never
// panic, and whatever it accepts must encode as JSON with the kind echoed.
func FuzzComputeLine(f *testing.F) {
	for i, c := range loadVectors(f) {
		if i%7 == 0 {
			line, _ := json.Marshal(Request{Kind: c.Kind, Inputs: c.Inputs})
			f.Add(string(line))
		}
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"kind":"mcnemar"}`, `{"kind":"mcnemar","inputs":null}`,
		`{"kind":"wilcoxon","inputs":{"d":[0,0,1e308,-1e308],"zero_method":"zsplit"}}`,
		`{"kind":"t_quantile","inputs":{"p":1e-300,"df":1e-300}}`,
		`{"kind":"proportion_ci","inputs":{"successes":9007199254740993,"n":9007199254740993}}`,
		`{"kind":"permutation","inputs":{"a":[1,0,1],"b":[0,0,1],"resamples":5,"seed":18446744073709551615}}`,
		`{"kind":"paired_bootstrap","inputs":{"a":[1e308,-1e308],"b":[-1e308,1e308],"resamples":3}}`,
		`{"kind":"clustered_se","inputs":{"values":[1,2,3],"clusters":["","",""]}}`,
		`{"id":"x","kind":"z_quantile","inputs":{"p":0.975}}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var probe struct {
			Inputs struct {
				Resamples int `json:"resamples"`
			} `json:"inputs"`
		}
		if json.Unmarshal([]byte(line), &probe) == nil && probe.Inputs.Resamples > 2000 {
			t.Skip("expensive by request; bounded by MaxDraws, not by the decoder")
		}
		resp, err := ComputeLine([]byte(line))
		if err != nil {
			return
		}
		out, err := json.Marshal(resp)
		if err != nil {
			t.Fatalf("accepted line cannot be written: %v", err)
		}
		var back struct{ Kind string }
		if err := json.Unmarshal(out, &back); err != nil || back.Kind == "" {
			t.Fatalf("bad output %s", out)
		}
	})
}
