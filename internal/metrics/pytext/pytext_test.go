package pytext

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The expected values are what CPython 3 returns for the same calls.
func TestLower(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":         "",
		"ABC def":  "abc def",
		"İstanbul": "i\u0307stanbul",
		"ΟΔΟΣ":     "οδος",
		"ΟΔΟΣ ΣΑ":  "οδος σα",
		"Σ":        "σ",
		"ΑΣ'":      "ας'",
		"ÀÉÎ":      "àéî",
		"K":        "k", // Kelvin sign
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(want, Lower(in)); diff != "" {
				t.Errorf("Lower(%q) (-want +got):\n%s", in, diff)
			}
		})
	}
}

func TestSplitAndStrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   []string
		rstrip string
	}{
		{"", nil, ""},
		{"  a  b ", []string{"a", "b"}, "  a  b"},
		{"a\x1cb\x1fc", []string{"a", "b", "c"}, "a\x1cb\x1fc"},
		{"a\u00a0b\u2003c\u3000", []string{"a", "b", "c"}, "a\u00a0b\u2003c"},
		{"a\u200bb", []string{"a\u200bb"}, "a\u200bb"}, // zero-width space is not whitespace
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, Split(tt.in), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Split(%q) (-want +got):\n%s", tt.in, diff)
		}
		if got := RStrip(tt.in); got != tt.rstrip {
			t.Errorf("RStrip(%q) = %q, want %q", tt.in, got, tt.rstrip)
		}
	}
}

func TestClasses(t *testing.T) {
	t.Parallel()
	for _, r := range "aZ9_éß٣Ⅻ" {
		if !IsWord(r) {
			t.Errorf("IsWord(%q) = false", r)
		}
	}
	for _, r := range " -'\u0301“" {
		if IsWord(r) {
			t.Errorf("IsWord(%q) = true", r)
		}
	}
	if !IsPunct('~') || IsPunct('“') || IsPunct('a') {
		t.Error("IsPunct disagrees with string.punctuation")
	}
	if got := UTF16Len("a😀é"); got != 4 {
		t.Errorf("UTF16Len = %d, want 4", got)
	}
}
