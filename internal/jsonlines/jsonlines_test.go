package jsonlines

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestServeAnswersEveryLineInOrder(t *testing.T) {
	t.Parallel()
	in := "one\r\n" + strings.Repeat("x", MaxLineBytes+10) + "\nbad\nthree"
	var out bytes.Buffer
	bad, err := Serve(context.Background(), strings.NewReader(in), &out, "test", func(n int, line []byte) (any, string, error) {
		if string(line) == "bad" {
			return nil, "id-3", errors.New("no")
		}
		return map[string]any{"n": n, "line": string(line)}, "", nil
	})
	want := `{"line":"one","n":1}
{"error":"line 2: longer than 16777216 bytes"}
{"id":"id-3","error":"line 3: no"}
{"line":"three","n":4}
`
	if err != nil || bad != 2 || out.String() != want {
		t.Errorf("Serve = %d, %v\n%s\nwant 2 bad lines and\n%s", bad, err, out.String(), want)
	}
}

func TestServeStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Serve(ctx, strings.NewReader("a\n"), &bytes.Buffer{}, "test", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want cancelled", err)
	}
}
