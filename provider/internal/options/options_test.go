package options

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	known := []string{"top_logprobs", "dimensions", "api_key_header"}
	if err := Check("openai", map[string]any{"dimensions": 3}, known); err != nil {
		t.Fatalf("Check of a known option: %v", err)
	}
	err := Check("openai", map[string]any{"dimension": 3}, known)
	want := "option dimension: unknown to the openai provider (known: api_key_header, dimensions, top_logprobs)"
	if err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
	if known[0] != "top_logprobs" {
		t.Errorf("Check reordered the caller's names: %v", known)
	}
}

func TestString(t *testing.T) {
	t.Parallel()
	opts := map[string]any{"s": "x", "n": 3, "nil": nil}
	for _, tt := range []struct {
		name, want, wantErr string
	}{
		{"s", "x", ""},
		{"absent", "", ""},
		{"nil", "", ""},
		{"n", "", "option n: want a string, got int"},
	} {
		got, err := String(opts, tt.name)
		if got != tt.want || errText(err) != tt.wantErr {
			t.Errorf("String(%s) = %q, %v; want %q, %q", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestBool(t *testing.T) {
	t.Parallel()
	opts := map[string]any{"t": true, "f": false, "s": "no"}
	for _, tt := range []struct {
		name    string
		want    *bool
		wantErr string
	}{
		{"t", ptr(true), ""},
		{"f", ptr(false), ""},
		{"absent", nil, ""},
		{"s", nil, "option s: want true or false, got no"},
	} {
		got, err := Bool(opts, tt.name)
		if !cmp.Equal(got, tt.want) || errText(err) != tt.wantErr {
			t.Errorf("Bool(%s) = %v, %v; want %v, %q", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	opts := map[string]any{
		"int": 5, "int64": int64(6), "uint64": uint64(7), "float": 8.0,
		"fraction": 4.5, "low": -1, "high": uint64(math.MaxUint64), "nan": math.NaN(), "text": "big",
	}
	for _, tt := range []struct {
		name    string
		want    *int
		wantErr string
	}{
		{"int", ptr(5), ""},
		{"int64", ptr(6), ""},
		{"uint64", ptr(7), ""},
		{"float", ptr(8), ""},
		{"absent", nil, ""},
		{"fraction", nil, "option fraction: want a whole number from 0 to 20, got 4.5"},
		{"low", nil, "option low: want a whole number from 0 to 20, got -1"},
		{"high", nil, "option high: want a whole number from 0 to 20, got 18446744073709551615"},
		{"nan", nil, "option nan: want a whole number from 0 to 20, got NaN"},
		{"text", nil, "option text: want a whole number, got string"},
	} {
		got, err := Int(opts, tt.name, 0, 20)
		if !cmp.Equal(got, tt.want) || errText(err) != tt.wantErr {
			t.Errorf("Int(%s) = %v, %v; want %v, %q", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func ptr[T any](v T) *T { return &v }
