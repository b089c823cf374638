package ndjson

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"testing/iotest"
)

// reference splits a whole stream the simple way: lines end at "\n", a
// "\r" before it and the blanks around a line go, a BOM before the first
// line goes, and blank lines are skipped. long reports a line over max.
func reference(in []byte, maxLine int) (lines []string, long bool) {
	raw := bytes.Split(in, []byte{'\n'})
	if len(raw[len(raw)-1]) == 0 {
		raw = raw[:len(raw)-1] // the stream ended with "\n"
	}
	for i, l := range raw {
		l = bytes.TrimSuffix(l, []byte{'\r'})
		if len(l) > maxLine {
			return lines, true
		}
		if i == 0 {
			l = bytes.TrimPrefix(l, bom)
		}
		if l = bytes.TrimSpace(l); len(l) > 0 {
			lines = append(lines, string(l))
		}
	}
	return lines, false
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(ollamaStream), 64)
	f.Add([]byte(ollamaStream), 4096)
	f.Add([]byte("{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}\n"), 20)
	f.Add([]byte("{\"a\":1}\r\n\r\n{\"b\":2}\r"), 7)
	f.Add([]byte("\uFEFF {\"a\":1}\n{\"b\""), 3)
	f.Add([]byte("\r\r\n\n"), 1)
	f.Fuzz(func(t *testing.T, in []byte, maxLine int) {
		if maxLine <= 0 || maxLine > 1<<16 {
			maxLine = 1 + (maxLine&0xff+0x100)%0x100
		}
		want, wantLong := reference(in, maxLine)
		for name, r := range map[string]io.Reader{
			"whole":    bytes.NewReader(in),
			"one byte": iotest.OneByteReader(bytes.NewReader(in)),
		} {
			var got []string
			d := NewDecoderSize(r, maxLine)
			var err error
			for {
				var line []byte
				line, err = d.Next()
				if err != nil {
					break
				}
				if len(line) == 0 || len(line) > maxLine {
					t.Fatalf("%s: line of %d bytes with limit %d", name, len(line), maxLine)
				}
				got = append(got, string(line))
			}
			if wantLong != errors.Is(err, ErrLineTooLong) || (!wantLong && !errors.Is(err, io.EOF)) {
				t.Fatalf("%s: end error %v, want too long: %v", name, err, wantLong)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: lines %q, want %q", name, got, want)
			}
		}
	})
}
