package ndjson

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// ollamaStream is the streamed /api/chat answer PROVIDER_FACTS.md §7 documents.
const ollamaStream = `{"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The"},"done":false}
{"model":"llama3.2","created_at":"2023-08-04T08:52:19.405406455-07:00","message":{"role":"assistant","content":" sky"},"done":false}
{"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}
`

// readAll returns every line d yields and the error that ended the stream
// (nil for io.EOF).
func readAll(d *Decoder) ([]string, error) {
	var out []string
	for {
		line, err := d.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, string(line))
	}
}

func TestDecoderNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"ollama stream", ollamaStream, strings.Split(strings.TrimSuffix(ollamaStream, "\n"), "\n")},
		{"crlf line ends", "{\"a\":1}\r\n{\"b\":2}\r\n", []string{`{"a":1}`, `{"b":2}`}},
		{"mixed line ends", "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}\n", []string{`{"a":1}`, `{"b":2}`, `{"c":3}`}},
		{"blank keep-alive lines", "\n\r\n  \n{\"a\":1}\n\n\t\n{\"b\":2}\n", []string{`{"a":1}`, `{"b":2}`}},
		{"blanks around values", "  {\"a\":1} \t\r\n", []string{`{"a":1}`}},
		{"byte-order mark", "\uFEFF{\"a\":1}\n", []string{`{"a":1}`}},
		{"last line without newline", "{\"a\":1}\n{\"b\":2}", []string{`{"a":1}`, `{"b":2}`}},
		{"last line with cr only", "{\"a\":1}\r", []string{`{"a":1}`}},
		{"truncated last line is still a line", "{\"a\":1}\n{\"b\":", []string{`{"a":1}`, `{"b":`}},
		{"lone cr is not a line end", "{\"a\":\r1}\n", []string{"{\"a\":\r1}"}},
		{"empty stream", "", nil},
		{"only blanks", "\n\n \r\n", nil},
		{"utf8", "{\"content\":\"Olá! 😊\"}\n", []string{`{"content":"Olá! 😊"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			readers := map[string]io.Reader{
				"whole":    strings.NewReader(tt.in),
				"one byte": iotest.OneByteReader(strings.NewReader(tt.in)),
				"data+EOF": iotest.DataErrReader(strings.NewReader(tt.in)),
				"half":     iotest.HalfReader(strings.NewReader(tt.in)),
			}
			for name, r := range readers {
				got, err := readAll(NewDecoderSize(r, 64<<10))
				if err != nil {
					t.Fatalf("%s: Next: %v", name, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s: lines (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

func TestDecoderLineLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		max     int
		want    []string
		wantErr bool
	}{
		{"exactly the limit", "12345\n", 5, []string{"12345"}, false},
		{"limit with crlf", "12345\r\n", 5, []string{"12345"}, false},
		{"limit at eof with cr", "12345\r", 5, []string{"12345"}, false},
		{"one over", "123456\n", 5, nil, true},
		{"one over with crlf", "123456\r\n", 5, nil, true},
		{"one over at eof", "123456", 5, nil, true},
		{"long line after good ones", "1\n22\n" + strings.Repeat("x", 100) + "\n3\n", 10, []string{"1", "22"}, true},
		{"long line without end", strings.Repeat("x", 1000), 10, nil, true},
		{"blanks count toward the limit", "      1\n", 5, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				d := NewDecoderSize(r, tt.max)
				got, err := readAll(d)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("lines (-want +got):\n%s", diff)
				}
				if tt.wantErr != errors.Is(err, ErrLineTooLong) {
					t.Fatalf("error = %v, want ErrLineTooLong: %v", err, tt.wantErr)
				}
				if tt.wantErr {
					if _, again := d.Next(); !errors.Is(again, ErrLineTooLong) {
						t.Errorf("error is not sticky: %v", again)
					}
				}
			}
		})
	}
}

func TestDecoderReadError(t *testing.T) {
	t.Parallel()
	cut := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("{\"a\":1}\n{\"b\":"), iotest.ErrReader(cut))
	got, err := readAll(NewDecoder(r))
	if !errors.Is(err, cut) {
		t.Fatalf("error = %v, want the read error", err)
	}
	if diff := cmp.Diff([]string{`{"a":1}`}, got); diff != "" {
		t.Errorf("lines (-want +got):\n%s (a partial line before a read error must be dropped)", diff)
	}
}

func TestDecoderNoProgress(t *testing.T) {
	t.Parallel()
	_, err := NewDecoder(zeroReader{}).Next()
	if !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("error = %v, want io.ErrNoProgress", err)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestDecoderDecode(t *testing.T) {
	t.Parallel()
	d := NewDecoder(strings.NewReader("{\"n\":1}\n\n{\"n\":\n"))
	var v struct{ N int }
	if err := d.Decode(&v); err != nil || v.N != 1 || d.Line() != 1 {
		t.Fatalf("Decode = %v, %+v, line %d; want nil, {N:1}, line 1", err, v, d.Line())
	}
	err := d.Decode(&v)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("Decode error = %v, want a JSON error naming line 3", err)
	}
	if err := d.Decode(&v); !errors.Is(err, io.EOF) {
		t.Fatalf("Decode at end = %v, want io.EOF", err)
	}
}

func TestDecoderGrowsToLongLines(t *testing.T) {
	t.Parallel()
	long := `{"content":"` + strings.Repeat("é", 50_000) + `"}`
	got, err := readAll(NewDecoder(strings.NewReader("{}\n" + long + "\n{}\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[1] != long {
		t.Fatalf("got %d lines, want the long one intact", len(got))
	}
}

func BenchmarkDecoder(b *testing.B) {
	stream := strings.Repeat(ollamaStream, 100)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	r := strings.NewReader(stream)
	for b.Loop() {
		r.Reset(stream)
		d := NewDecoder(r)
		for {
			if _, err := d.Next(); err != nil {
				break
			}
		}
	}
}
