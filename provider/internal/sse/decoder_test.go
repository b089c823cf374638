package sse

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

type got struct {
	Type  string
	Data  string
	ID    string
	Retry time.Duration
	Error string
}

func decodeAll(t testing.TB, r io.Reader) ([]got, error) {
	t.Helper()
	d := NewDecoder(r)
	var out []got
	for {
		ev, err := d.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, got{Type: ev.Type, Data: string(ev.Data), ID: ev.ID, Retry: ev.Retry, Error: string(ev.Error)})
	}
}

func TestDecoder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []got
	}{
		{"openai data-only with done", "data: {\"a\":1}\n\ndata: [DONE]\n\n", []got{{Data: `{"a":1}`}, {Data: "[DONE]"}}},
		{"crlf line ends", "data: x\r\n\r\ndata: y\r\n\r\n", []got{{Data: "x"}, {Data: "y"}}},
		{"cr line ends", "data: x\r\rdata: y\r\r", []got{{Data: "x"}, {Data: "y"}}},
		{"mixed line ends", "data: a\r\ndata: b\n\rdata: c\r\n\n", []got{{Data: "a\nb"}, {Data: "c"}}},
		{"gemini crlfcrlf", "data: {\"x\":1}\r\n\r\ndata: {\"x\":2}\r\n\r\n", []got{{Data: `{"x":1}`}, {Data: `{"x":2}`}}},
		{"comments and keep-alives", ": OPENROUTER PROCESSING\n\n: keep-alive\n\ndata: hi\n\n", []got{{Data: "hi"}}},
		{"multi-line data", "data: one\ndata: two\ndata:\n\n", []got{{Data: "one\ntwo\n"}}},
		{"named events", "event: message_start\ndata: {}\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n", []got{{Type: "message_start", Data: "{}"}, {Type: "ping", Data: `{"type": "ping"}`}}},
		{"event without data is not dispatched", "event: x\n\ndata: y\n\n", []got{{Data: "y"}}},
		{"no space after colon", "data:{\"a\":1}\n\n", []got{{Data: `{"a":1}`}}},
		{"only one leading space removed", "data:  two\n\n", []got{{Data: " two"}}},
		{"indented field name", "  data: x\n\n", []got{{Data: "x"}}},
		{"whitespace-only line ends event", "data: x\n   \ndata: y\n\n", []got{{Data: "x"}, {Data: "y"}}},
		{"field without colon", "data\n\n", []got{{Data: ""}}},
		{"unknown fields ignored", "foo: bar\ndata: x\n\n", []got{{Data: "x"}}},
		{"id persists", "id: 7\ndata: a\n\ndata: b\n\n", []got{{ID: "7", Data: "a"}, {ID: "7", Data: "b"}}},
		{"retry", "retry: 1500\ndata: a\n\n", []got{{Data: "a", Retry: 1500 * time.Millisecond}}},
		{"bad retry ignored", "retry: 1s\ndata: a\n\n", []got{{Data: "a"}}},
		{"missing final blank line", "data: a\n\ndata: b\n", []got{{Data: "a"}, {Data: "b"}}},
		{"unterminated last line dropped", "data: a\n\ndata: {\"trunc", []got{{Data: "a"}}},
		{"leading blank lines", "\n\n\ndata: a\n\n", []got{{Data: "a"}}},
		{"empty stream", "", nil},
		{"llama.cpp error field", "data: {\"x\":1}\n\nerror: {\"code\":500,\"message\":\"boom\"}\n\n", []got{{Data: `{"x":1}`}, {Error: `{"code":500,"message":"boom"}`}}},
		{"utf8 payload", "data: Olá!\n\n", []got{{Data: "Olá!"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				out, err := decodeAll(t, r)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if diff := cmp.Diff(tt.want, out); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDecoderDone(t *testing.T) {
	t.Parallel()
	tests := []struct {
		data string
		want bool
	}{{"[DONE]", true}, {" [DONE] ", true}, {"[DONE", false}, {`{"x":1}`, false}, {"", false}}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			t.Parallel()
			if got := (Event{Data: []byte(tt.data)}).Done(); got != tt.want {
				t.Errorf("Done(%q) = %v, want %v", tt.data, got, tt.want)
			}
		})
	}
}

func TestDecoderLineTooLong(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"terminated", "data: " + strings.Repeat("x", 100) + "\n\n"},
		{"unterminated", "data: " + strings.Repeat("x", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := NewDecoderSize(strings.NewReader(tt.in), 64)
			_, err := d.Next()
			if !errors.Is(err, ErrLineTooLong) {
				t.Fatalf("Next() error = %v, want ErrLineTooLong", err)
			}
		})
	}
}

func TestDecoderGrowsToLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("y", 20000)
	out, err := decodeAll(t, strings.NewReader("data: "+long+"\n\n"))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if diff := cmp.Diff([]got{{Data: long}}, out); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestDecoderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader("data: a\n\ndata: b"), iotest.ErrReader(boom))
	d := NewDecoder(r)
	if ev, err := d.Next(); err != nil || string(ev.Data) != "a" {
		t.Fatalf("first Next() = %q, %v", ev.Data, err)
	}
	if _, err := d.Next(); !errors.Is(err, boom) {
		t.Fatalf("second Next() error = %v, want %v", err, boom)
	}
}

func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		"data: {\"a\":1}\n\ndata: [DONE]\n\n",
		": OPENROUTER PROCESSING\n\ndata: x\r\n\r\n",
		"event: ping\ndata: {}\r\rid: 3\nretry: 10\n\n",
		"data\n\ndata:  x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoderSize(bytes.NewReader(in), 256)
		for i := 0; ; i++ {
			ev, err := d.Next()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, ErrLineTooLong) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if i > len(in) {
				t.Fatalf("more events (%d) than input bytes (%d)", i, len(in))
			}
			if len(ev.Data) > len(in) {
				t.Fatalf("data longer than input")
			}
		}
	})
}

func BenchmarkDecoder(b *testing.B) {
	chunk := `data: {"id":"chatcmpl-DuLdOuviL2tiVxMim6HmX4YMnCorK","object":"chat.completion.chunk","created":1782321902,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Olá"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n"
	const perStream = 100
	stream := []byte(strings.Repeat(chunk, perStream))
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	r := bytes.NewReader(stream)
	events := 0
	for b.Loop() {
		r.Reset(stream)
		d := NewDecoder(r)
		for {
			if _, err := d.Next(); err != nil {
				break
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
