// Package refvec loads the reference implementations' test vectors kept in
// internal/metrics/testdata, for the metric packages' tests.
package refvec

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Case is one reference vector. Fields the tests read generically are
// decoded; everything else stays raw in Raw.
type Case struct {
	ID       string                     `json:"id"`
	Metric   string                     `json:"metric"`
	Name     string                     `json:"name"`
	Options  map[string]json.RawMessage `json:"options"`
	Expected map[string]json.RawMessage `json:"expected"`
	Raw      map[string]json.RawMessage `json:"-"`
}

// Field decodes the raw top-level field name into v.
func (c Case) Field(name string, v any) error {
	raw, ok := c.Raw[name]
	if !ok {
		return fmt.Errorf("case %s: no field %q", c.ID, name)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("case %s: decode %q: %w", c.ID, name, err)
	}
	return nil
}

// Has reports whether the case has the top-level field name.
func (c Case) Has(name string) bool {
	_, ok := c.Raw[name]
	return ok
}

// Option decodes option name into v and reports whether it was present and
// not null.
func (c Case) Option(name string, v any) (bool, error) {
	raw, ok := c.Options[name]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("case %s: decode option %q: %w", c.ID, name, err)
	}
	return true, nil
}

// Expect decodes expected.name into v and reports whether it was present.
func (c Case) Expect(name string, v any) (bool, error) {
	raw, ok := c.Expected[name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("case %s: decode expected %q: %w", c.ID, name, err)
	}
	return true, nil
}

var (
	once  sync.Once
	all   []Case
	errLd error
)

// Path is where the vectors live, relative to a metric package directory.
const Path = "../testdata/reference_vectors.json"

// Load returns the cases whose metric is one of metrics (all when none is
// given). It reads the file once per test binary.
func Load(metrics ...string) ([]Case, error) {
	once.Do(func() { all, errLd = read(filepath.FromSlash(Path)) })
	if errLd != nil {
		return nil, errLd
	}
	var out []Case
	for _, c := range all {
		if len(metrics) == 0 || contains(metrics, c.Metric) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("load vectors: no case for metrics %s", strings.Join(metrics, ","))
	}
	return out, nil
}

// LoadFrom reads the vectors at path (relative to the test's directory) and
// returns the cases of the given metrics, for tests outside internal/metrics.
func LoadFrom(path string, metrics ...string) ([]Case, error) {
	cases, err := read(filepath.FromSlash(path))
	if err != nil {
		return nil, err
	}
	var out []Case
	for _, c := range cases {
		if len(metrics) == 0 || contains(metrics, c.Metric) {
			out = append(out, c)
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func read(path string) ([]Case, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read vectors: %w", err)
	}
	var raws []map[string]json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("decode vectors %s: %w", path, err)
	}
	out := make([]Case, 0, len(raws))
	for i, raw := range raws {
		var c Case
		b, _ := json.Marshal(raw)
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("decode vector %d: %w", i, err)
		}
		c.Raw = raw
		out = append(out, c)
	}
	return out, nil
}

// Close reports whether got is within the absolute tolerance tol of want,
// as the reference tests compare; a tol of 0 means Rel.
func Close(got, want, tol float64) bool {
	if tol == 0 {
		return Rel(got, want)
	}
	return math.Abs(got-want) <= tol
}

// Rel reports whether got equals want to 1e-9 relative (absolute below 1).
func Rel(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return math.IsNaN(got) && math.IsNaN(want)
	}
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}
