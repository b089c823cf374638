package simulator

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// pieces splits s into its tokens.
func pieces(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := nextToken(s, i)
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Olá!", []string{"Olá", "!"}},
		{"Say hi in Portuguese", []string{"Say", " hi", " in", " Portug", "uese"}},
		{"  lead and trail  ", []string{"  lead", " and", " trail  "}},
		{"   ", []string{"   "}},
		{"a,b;c", []string{"a", ",", "b", ";", "c"}},
		{"2026-11-28", []string{"2026", "-", "11", "-", "28"}},
		{"日本語のテキスト", []string{"日本語のテキ", "スト"}},
		{"tab\tnew\nline", []string{"tab", "\tnew", "\nline"}},
		{"emoji 👍🏽", []string{"emoji", " 👍", "🏽"}},
		{"bad \xff byte", []string{"bad", " \xff", " byte"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := pieces(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("pieces(%q) (-want +got):\n%s", tt.in, diff)
			}
			if n := countTokens(tt.in); n != len(tt.want) {
				t.Errorf("countTokens(%q) = %d, want %d", tt.in, n, len(tt.want))
			}
		})
	}
}

func TestTruncateTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		max   int
		want  string
		wantN int
	}{
		{"one two three", -1, "one two three", 3},
		{"one two three", 0, "", 0},
		{"one two three", 2, "one two", 2},
		{"one two three", 3, "one two three", 3},
		{"one two three", 9, "one two three", 3},
		{"", 5, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, n := truncateTokens(tt.in, tt.max)
			if got != tt.want || n != tt.wantN {
				t.Errorf("truncateTokens(%q, %d) = %q, %d; want %q, %d", tt.in, tt.max, got, n, tt.want, tt.wantN)
			}
		})
	}
}

// FuzzTokens checks that tokens always partition the text, make progress
// and agree with countTokens and truncateTokens.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"", "Say hi in Portuguese!", "  \t\n", "日本語 ok", "\xff\xfe", "a" + strings.Repeat("b", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := pieces(s)
		if strings.Join(p, "") != s {
			t.Fatalf("pieces of %q do not concatenate back: %q", s, p)
		}
		for _, x := range p {
			if x == "" {
				t.Fatalf("empty piece in %q", p)
			}
		}
		if countTokens(s) != len(p) {
			t.Fatalf("countTokens(%q) = %d, want %d", s, countTokens(s), len(p))
		}
		half, n := truncateTokens(s, len(p)/2)
		if n != len(p)/2 || half != strings.Join(p[:len(p)/2], "") {
			t.Fatalf("truncateTokens(%q, %d) = %q, %d", s, len(p)/2, half, n)
		}
	})
}

func BenchmarkCountTokens(b *testing.B) {
	s := strings.Repeat("The quick brown fox jumps over the lazy dog, again and again. ", 16)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		countTokens(s)
	}
}
