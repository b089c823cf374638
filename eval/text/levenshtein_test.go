package text

import (
	"strings"
	"testing"
)

func TestDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"sitting", "kitten", 3},
		{"flaw", "lawn", 2},
		{"gumbo", "gambol", 2},
		{"héllo", "hello", 1},
		{"日本語", "日本", 1},
		{"same", "same", 0},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			t.Parallel()
			if got := Distance(tt.a, tt.b); got != tt.want {
				t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestQuoteShortens(t *testing.T) {
	t.Parallel()
	q := quote(strings.Repeat("é", 100))
	if !strings.HasSuffix(q, "…") || strings.Count(q, "é") != maxQuoted {
		t.Errorf("quote of 100 runes = %q, want %d runes and an ellipsis", q, maxQuoted)
	}
}

func BenchmarkDistance(b *testing.B) {
	a := strings.Repeat("The capital of France is Paris. ", 8)
	c := strings.Repeat("The capital of France is Lyon! ", 8)
	b.ReportAllocs()
	for b.Loop() {
		Distance(a, c)
	}
}
