package httpcall

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

func TestMalformed(t *testing.T) {
	t.Parallel()
	cause := errors.New("unexpected end of JSON input")
	data := []byte(`{"choices":[{"message":{"content":"` + strings.Repeat("x", 100))
	pe := Malformed("openai", 200, "response", data, cause)
	if pe.Kind != provider.KindTransient || pe.StatusCode != 200 || !errors.Is(pe, cause) {
		t.Fatalf("Malformed = %+v, want transient 200 wrapping the cause", pe)
	}
	want := `openai: malformed response JSON (135 bytes, starts "{\"choices\":[{\"message\":{\"content\":\"` + strings.Repeat("x", 45) + `"): unexpected end of JSON input`
	if pe.Err.Error() != want {
		t.Errorf("message\n got %s\nwant %s", pe.Err, want)
	}
}

func TestWithTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := New(Options{Vendor: "v", Timeout: time.Hour}).WithTimeout(t.Context())
	defer cancel()
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > time.Hour {
		t.Errorf("deadline %v, %v; want one within the hour", d, ok)
	}
	ctx, cancel = New(Options{Vendor: "v"}).WithTimeout(t.Context())
	if _, ok := ctx.Deadline(); ok {
		t.Error("a client without a timeout set a deadline")
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("cancel did not cancel")
	}
}
