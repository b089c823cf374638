package value

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func TestFloat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     any
		want   float64
		wantOK bool
	}{
		{int(3), 3, true},
		{int64(-4), -4, true},
		{uint64(5000), 5000, true},
		{uint8(7), 7, true},
		{float32(0.5), 0.5, true},
		{2.25, 2.25, true},
		{json.Number("12.5"), 12.5, true},
		{" 42 ", 42, true},
		{"forty", 0, false},
		{nil, 0, false},
		{true, 0, false},
		{[]any{1}, 0, false},
		{"NaN", 0, false},
		{"+Inf", 0, false},
	}
	for _, tt := range tests {
		t.Run(Kind(tt.in), func(t *testing.T) {
			t.Parallel()
			got, ok := Float(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Float(%#v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestScalar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     any
		want   string
		wantOK bool
	}{
		{"paris", "paris", true},
		{int(3), "3", true},
		{uint64(18446744073709551615), "1.8446744073709552e+19", true},
		{3.0, "3", true},
		{0.125, "0.125", true},
		{true, "true", true},
		{json.Number("1e3"), "1e3", true},
		{nil, "", false},
		{map[string]any{}, "", false},
	}
	for _, tt := range tests {
		got, ok := Scalar(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("Scalar(%#v) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestStrings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      any
		want    []string
		wantErr bool
	}{
		{name: "list of any", in: []any{"a", 2, uint64(3), 1.5}, want: []string{"a", "2", "3", "1.5"}},
		{name: "list of strings", in: []string{"x", "y"}, want: []string{"x", "y"}},
		{name: "comma string", in: " red, green ,,blue ", want: []string{"red", "green", "blue"}},
		{name: "quoted comma string", in: `"a, b",c`, want: []string{"a, b", "c"}},
		{name: "unclosed quote", in: `"a, b`, wantErr: true},
		{name: "nested list", in: []any{[]any{"a"}}, wantErr: true},
		{name: "map", in: map[string]any{"a": 1}, wantErr: true},
		{name: "number", in: 3, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Strings(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Strings(%#v) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Strings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	in := map[any]any{"a": []any{map[any]any{1: "one"}}, "b": uint64(2)}
	want := map[string]any{"a": []any{map[string]any{"1": "one"}}, "b": uint64(2)}
	got, err := Normalize(in)
	if err != nil {
		t.Fatalf("Normalize: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalize (-want +got):\n%s", diff)
	}
	nested, err := Normalize(map[string]any{"x": []any{map[any]any{"k": 1}}})
	if err != nil {
		t.Fatalf("Normalize nested: %v", err)
	}
	if diff := cmp.Diff(map[string]any{"x": []any{map[string]any{"k": 1}}}, nested); diff != "" {
		t.Errorf("Normalize nested (-want +got):\n%s", diff)
	}
	if _, err := Normalize(map[any]any{[2]int{}: 1}); err == nil {
		t.Error("Normalize accepted a non-scalar map key")
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	vars := map[string]any{
		"city":  "Paris",
		"n":     3,
		"f":     2.5,
		"user":  map[string]any{"name": "Ada", "tags": []any{"x", "y"}},
		"list":  []string{"p", "q"},
		"empty": nil,
	}
	tests := []struct{ in, want string }{
		{"no placeholders", "no placeholders"},
		{"{{city}}", "Paris"},
		{"{{ city }} has {{n}} and {{f}}", "Paris has 3 and 2.5"},
		{"{{user.name}} {{user.tags.1}} {{list.0}}", "Ada y p"},
		{"{{user.tags}}", `["x","y"]`},
		{"[{{empty}}]", "[]"},
		{"{{missing}} and {{user.nope}} stay", "{{missing}} and {{user.nope}} stay"},
		{"{{user.tags.9}}", "{{user.tags.9}}"},
		{"open {{ only", "open {{ only"},
		{"{{}}", "{{}}"},
	}
	in := &eval.Input{Case: &bench.Case{Variables: vars}}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := Render(tt.in, in); got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := Render("{{city}}", &eval.Input{}); got != "{{city}}" {
		t.Errorf("Render without a case = %q, want the text unchanged", got)
	}
}

func TestCache(t *testing.T) {
	t.Parallel()
	c := NewCache[int](2)
	builds := 0
	var mu sync.Mutex
	build := func(k string) (int, error) {
		mu.Lock()
		builds++
		mu.Unlock()
		if k == "bad" {
			return 0, errors.New("bad key")
		}
		return len(k), nil
	}
	for range 3 {
		if v, err := c.Get("abc", build); v != 3 || err != nil {
			t.Fatalf("Get(abc) = %v, %v", v, err)
		}
	}
	if _, err := c.Get("bad", build); err == nil {
		t.Fatal("Get(bad) did not return the build error")
	}
	if _, err := c.Get("bad", build); err == nil {
		t.Fatal("Get(bad) did not cache the build error")
	}
	if builds != 2 {
		t.Errorf("builds = %d, want 2 (one per key)", builds)
	}
	c.Get("third", build)
	if n := c.Len(); n > 2 {
		t.Errorf("Len = %d, want at most 2", n)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("{{a}} {{ b.c }} {{", "x")
	f.Add("}}{{{{a}}}}", "")
	f.Fuzz(func(t *testing.T, s, extra string) {
		vars := map[string]any{"a": "A", "b": map[string]any{"c": []any{1, "two"}}, "extra": extra}
		got := Render(s, &eval.Input{Case: &bench.Case{Variables: vars}})
		if !HasPlaceholder(s) && got != s {
			t.Errorf("Render(%q) changed text without placeholders to %q", s, got)
		}
	})
}
