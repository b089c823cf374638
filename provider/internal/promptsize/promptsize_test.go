package promptsize

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// referenceCounts reads testdata/counts.json: each text's token count under
// the cl100k_base and o200k_base vocabularies (written by count.mjs).
func referenceCounts(t *testing.T) map[string]map[string]int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "counts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var counts map[string]map[string]int
	if err := json.Unmarshal(data, &counts); err != nil {
		t.Fatalf("counts.json: %v", err)
	}
	if len(counts) < 6 {
		t.Fatalf("counts.json has %d texts", len(counts))
	}
	return counts
}

func readText(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestFloorBelowTokenizers: for English, code, Chinese, Japanese, Russian
// and JSON with long rows of one character, the floor is at most the
// count of either vocabulary, so a prompt the server kept whole is never
// taken for a cut one.
func TestFloorBelowTokenizers(t *testing.T) {
	t.Parallel()
	for name, byVocab := range referenceCounts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			floor := Text(readText(t, name))
			for vocab, n := range byVocab {
				if floor > n {
					t.Errorf("floor %d is above the %d tokens of %s", floor, n, vocab)
				}
			}
			if floor == 0 {
				t.Error("floor is 0")
			}
		})
	}
}

// TestCutDetected is the other side: a prompt of at least 1,728 tokens
// that the server reports as 192 (llama-server's silent cut, as recorded
// against a real server) is below half the floor whatever the text and
// the vocabulary.
func TestCutDetected(t *testing.T) {
	t.Parallel()
	const recordedPrompt, recordedCount = 1728, 192
	for name, byVocab := range referenceCounts(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			text := readText(t, name)
			for vocab, n := range byVocab {
				copies := (recordedPrompt + n - 1) / n
				prompt := strings.Repeat(text+"\n", copies)
				if floor := Text(prompt); 2*recordedCount >= floor {
					t.Errorf("%d copies (%d tokens of %s): floor %d does not show a cut to %d", copies, copies*n, vocab, floor, recordedCount)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       int
	}{
		{"empty", "", 0},
		{"only spaces", " \t\n\r\u00a0\u3000", 0},
		{"words", "Say hi in Portuguese", 4},
		{"surrounding space", "  hi  ", 1},
		{"punctuation is a word", "a , b", 3},
		{"one long row of one character", strings.Repeat("=", 200), 1},
		{"16 characters", "abcdefghijklmnop", 1},
		{"17 characters", "abcdefghijklmnopq", 2},
		{"repeats folded", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 1},
		{"three Chinese characters", "数据库", 1},
		{"four Chinese characters", "数据库表", 2},
		{"kana", "カタカナひら", 2},
		{"mixed", "数据data", 1},
		{"Hangul is spaced like Latin", "안녕하세요 세계", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Text(tt.text); got != tt.want {
				t.Errorf("Text(%q) = %d, want %d", tt.text, got, tt.want)
			}
		})
	}
}

func TestFloorAndBytes(t *testing.T) {
	t.Parallel()
	msgs := []bench.Message{
		{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
		{Role: bench.RoleUser, Content: "Say hi in Portuguese", Parts: []bench.Part{{Type: bench.PartImage, MediaType: "image/png", Data: []byte("png")}}},
	}
	if got := Floor(msgs); got != 9 {
		t.Errorf("Floor = %d, want 9", got)
	}
	if got := Bytes(msgs); got != 47 {
		t.Errorf("Bytes = %d, want 47", got)
	}
}

// FuzzText checks that the floor never exceeds the number of characters,
// so Bytes bounds it.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "a b", "数据库表", strings.Repeat("=", 99), "\xff\xfe x", "カ カ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Text(s)
		if n < 0 || n > utf8.RuneCountInString(s) || n > len(s) {
			t.Fatalf("Text(%q) = %d for %d characters", s, n, utf8.RuneCountInString(s))
		}
	})
}
