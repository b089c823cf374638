package dataset

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// TestInvalidUTF8Refused checks that a byte that is not UTF-8, in any
// source format, is an error naming the file and line (and, where the
// format has one, the column), while valid multi-byte text loads as is.
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		entry string
		want  []string
	}{
		{"yaml", map[string]string{"s.yaml": "name: x\ntest_cases:\n  - id: a\n    prompt: caf\xe9 au lait\n"},
			"s.yaml", []string{"s.yaml:4:16: ", "invalid UTF-8 (byte 0xe9): save the file as UTF-8"}},
		{"yaml after multi-byte text", map[string]string{"s.yaml": "test_cases:\n  - {id: a, prompt: \"déjà \xff\"}\n"},
			"s.yaml", []string{"s.yaml:2:27: ", "byte 0xff"}},
		{"yaml truncated sequence", map[string]string{"s.yaml": "test_cases:\n  - {id: a, prompt: \"\xe2\x82\"}\n"},
			"s.yaml", []string{"s.yaml:2:22: ", "byte 0xe2"}},
		{"json", map[string]string{"s.json": "{\"test_cases\": [\n  {\"id\": \"a\",\n   \"prompt\": \"na\xefve\"}]}\n"},
			"s.json", []string{"s.json:3:17: ", "invalid UTF-8 (byte 0xef)"}},
		{"jsonl", map[string]string{"c.jsonl": "{\"id\": \"a\", \"prompt\": \"hi\"}\n{\"id\": \"b\", \"prompt\": \"\xc0\"}\n"},
			"c.jsonl", []string{"c.jsonl:2: ", "column 24: invalid UTF-8 (byte 0xc0)"}},
		// The field of the bad byte starts on line 4: the one before it
		// spans lines 3 and 4.
		{"csv row", map[string]string{"c.csv": "id,prompt,city\na,hi,Paris\nb,\"two\nlines\",Z\xfcrich\n"},
			"c.csv", []string{"c.csv:4: ", "column city: invalid UTF-8 (byte 0xfc)"}},
		{"csv multi-line field", map[string]string{"c.csv": "id,prompt\na,\"one\ntw\xf6\"\n"},
			"c.csv", []string{"c.csv:3: ", "column prompt: invalid UTF-8 (byte 0xf6)"}},
		{"csv header", map[string]string{"c.csv": "id,prompt,r\xe9gion\na,hi,x\n"},
			"c.csv", []string{"c.csv:1: ", "CSV header, column 3: invalid UTF-8 (byte 0xe9)"}},
		{"referenced yaml list", map[string]string{"s.yaml": "test_cases: file://c.yaml\n", "c.yaml": "- {id: a, prompt: hi}\n- {id: b, prompt: \"\x80\"}\n"},
			"s.yaml", []string{"c.yaml:2: ", "column 20: invalid UTF-8 (byte 0x80)"}},
		{"prompt template file", map[string]string{"s.yaml": "prompts: [file://p.txt]\ntest_cases:\n  - {id: a, variables: {q: x}}\n", "p.txt": "Answer:\n{{q}} \xa0\n"},
			"s.yaml", []string{"s.yaml:1: ", "p.txt:2:7: ", "byte 0xa0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := loadAndValidate(t, writeFiles(t, tt.files), tt.entry)
			var le *LoadError
			var ve *ValidationError
			if !errors.As(err, &le) && !errors.As(err, &ve) {
				t.Fatalf("error = %v, want a LoadError or ValidationError", err)
			}
			mustContain(t, err.Error(), tt.want...)
		})
	}
}

// TestValidUTF8Kept checks that multi-byte text, and a byte order mark,
// load unchanged in every format.
func TestValidUTF8Kept(t *testing.T) {
	t.Parallel()
	const text = "Zürich, 東京, naïve 🙂"
	tests := []struct {
		name, file, src string
	}{
		{"yaml", "s.yaml", "\ufefftest_cases:\n  - {id: a, prompt: \"" + text + "\"}\n"},
		{"json", "s.json", "{\"test_cases\": [{\"id\": \"a\", \"prompt\": \"" + text + "\"}]}"},
		{"jsonl", "c.jsonl", "\ufeff{\"id\": \"a\", \"prompt\": \"" + text + "\"}\n"},
		{"csv", "c.csv", "\ufeffid,prompt\na,\"" + text + "\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{tt.file: tt.src})
			s, err := Load(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			cases, err := collect(t, s)
			if err != nil {
				t.Fatal(err)
			}
			if len(cases) != 1 || cases[0].Prompt != text {
				t.Errorf("cases = %+v, want one with prompt %q", cases, text)
			}
		})
	}
}

// FuzzInvalidUTF8 checks that invalidUTF8 agrees with utf8.Valid and that
// the line and column it reports lead to the first bad byte.
func FuzzInvalidUTF8(f *testing.F) {
	for _, s := range []string{"", "ok", "a\nb\xffc", "é\n\xe2\x82", "\x80", "日本\n語\n\xc0\xaf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		line, col, b, ok := invalidUTF8(text)
		if ok != utf8.Valid(text) {
			t.Fatalf("ok = %v, utf8.Valid = %v", ok, !ok)
		}
		if ok {
			return
		}
		off := 0
		for range line {
			off += bytes.IndexByte(text[off:], '\n') + 1
		}
		for range col - 1 {
			_, size := utf8.DecodeRune(text[off:])
			off += size
		}
		if !utf8.Valid(text[:off]) {
			t.Fatalf("text before %d:%d (offset %d) is not valid", line, col, off)
		}
		if r, size := utf8.DecodeRune(text[off:]); r != utf8.RuneError || size != 1 || text[off] != b {
			t.Fatalf("at %d:%d (offset %d): rune %q size %d byte 0x%02x, want the bad byte 0x%02x", line, col, off, r, size, text[off], b)
		}
	})
}
