package inference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// kinds maps each kind to the function that decodes its inputs and computes
// its result. Inputs are decoded strictly: an unknown field is an error.
var kinds = map[string]func(inputs json.RawMessage) (any, error){
	"mcnemar": func(in json.RawMessage) (any, error) {
		var v struct{ A, B []float64 }
		if err := decodeInputs(in, &v, "a", "b"); err != nil {
			return nil, err
		}
		return McNemar(v.A, v.B)
	},
	"wilcoxon": func(in json.RawMessage) (any, error) {
		var v struct {
			D          []float64 `json:"d"`
			ZeroMethod string    `json:"zero_method"`
			Correction bool      `json:"correction"`
			Method     string    `json:"method"`
		}
		if err := decodeInputs(in, &v, "d"); err != nil {
			return nil, err
		}
		return Wilcoxon(v.D, WilcoxonOptions{ZeroMethod: v.ZeroMethod, Correction: v.Correction, Method: v.Method})
	},
	"paired_t": func(in json.RawMessage) (any, error) {
		var v struct {
			A, B       []float64
			Confidence *float64 `json:"confidence"`
		}
		if err := decodeInputs(in, &v, "a", "b"); err != nil {
			return nil, err
		}
		return PairedT(v.A, v.B, orDefault(v.Confidence, 0.95))
	},
	"non_inferiority": func(in json.RawMessage) (any, error) {
		var v struct {
			Candidate []float64 `json:"candidate"`
			Baseline  []float64 `json:"baseline"`
			Margin    float64   `json:"margin"`
			Alpha     *float64  `json:"alpha"`
		}
		if err := decodeInputs(in, &v, "candidate", "baseline", "margin"); err != nil {
			return nil, err
		}
		return NonInferiority(v.Candidate, v.Baseline, v.Margin, orDefault(v.Alpha, 0.05))
	},
	"multipletests": func(in json.RawMessage) (any, error) {
		var v struct {
			PValues []float64 `json:"pvalues"`
			Alpha   *float64  `json:"alpha"`
		}
		if err := decodeInputs(in, &v, "pvalues"); err != nil {
			return nil, err
		}
		return MultipleTests(v.PValues, orDefault(v.Alpha, 0.05))
	},
	"proportion_ci": func(in json.RawMessage) (any, error) {
		var v struct {
			Successes int      `json:"successes"`
			N         int      `json:"n"`
			Alpha     *float64 `json:"alpha"`
		}
		if err := decodeInputs(in, &v, "successes", "n"); err != nil {
			return nil, err
		}
		return ProportionCI(v.Successes, v.N, orDefault(v.Alpha, 0.05))
	},
	"clustered_se": func(in json.RawMessage) (any, error) {
		var v struct {
			Values   []float64 `json:"values"`
			Clusters []string  `json:"clusters"`
		}
		if err := decodeInputs(in, &v, "values", "clusters"); err != nil {
			return nil, err
		}
		return ClusteredSE(v.Values, v.Clusters)
	},
	"t_quantile": func(in json.RawMessage) (any, error) {
		var v struct{ P, DF float64 }
		if err := decodeInputs(in, &v, "p", "df"); err != nil {
			return nil, err
		}
		return TQuantile(v.P, v.DF)
	},
	"z_quantile": func(in json.RawMessage) (any, error) {
		var v struct{ P float64 }
		if err := decodeInputs(in, &v, "p"); err != nil {
			return nil, err
		}
		return ZQuantile(v.P)
	},
	"paired_bootstrap": func(in json.RawMessage) (any, error) {
		var v struct {
			A, B       []float64
			Resamples  *int     `json:"resamples"`
			Seed       *uint64  `json:"seed"`
			Confidence *float64 `json:"confidence"`
		}
		if err := decodeInputs(in, &v, "a", "b"); err != nil {
			return nil, err
		}
		return PairedBootstrap(v.A, v.B, intOr(v.Resamples, DefaultBootstrapSamples), seedOr(v.Seed), orDefault(v.Confidence, 0.95))
	},
	"permutation": func(in json.RawMessage) (any, error) {
		var v struct {
			A, B      []float64
			Resamples *int    `json:"resamples"`
			Seed      *uint64 `json:"seed"`
		}
		if err := decodeInputs(in, &v, "a", "b"); err != nil {
			return nil, err
		}
		return Permutation(v.A, v.B, intOr(v.Resamples, DefaultPermutations), seedOr(v.Seed))
	},
}

// decodeInputs decodes the inputs object strictly into v and checks that
// every required field is present.
func decodeInputs(in json.RawMessage, v any, required ...string) error {
	if len(bytes.TrimSpace(in)) == 0 || bytes.Equal(bytes.TrimSpace(in), []byte("null")) {
		return fmt.Errorf("inputs: missing (want an object with %s)", strings.Join(required, ", "))
	}
	var present map[string]json.RawMessage
	if err := json.Unmarshal(in, &present); err != nil {
		return fmt.Errorf("inputs: want a JSON object: %w", err)
	}
	for _, f := range required {
		if _, ok := present[f]; !ok {
			return fieldErr(f, "missing from inputs")
		}
	}
	dec := json.NewDecoder(bytes.NewReader(in))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("inputs: %w", err)
	}
	return nil
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func seedOr(p *uint64) uint64 {
	if p == nil {
		return DefaultSeed
	}
	return *p
}

// Kinds lists the kinds the runner understands, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
