package httpcall

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/sse"
)

func TestReadError(t *testing.T) {
	t.Parallel()
	c := New(Options{Vendor: "v", Secrets: []string{testKey}})
	_, tooLong := sse.NewDecoderSize(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), 10).Next()
	pe := c.ReadError(t.Context(), 200, tooLong)
	if pe.Kind != provider.KindTransient || pe.StatusCode != 200 || !errors.Is(pe, sse.ErrLineTooLong) || !strings.HasPrefix(pe.Err.Error(), "v: read stream: ") {
		t.Errorf("line too long: %+v, want transient 200 wrapping sse.ErrLineTooLong", pe)
	}
	pe = c.ReadError(t.Context(), 200, io.ErrUnexpectedEOF)
	if pe.Kind != provider.KindTransient || pe.StatusCode != 0 || !strings.Contains(pe.Error(), "read stream: unexpected EOF") {
		t.Errorf("cut stream: %+v, want transient without a status", pe)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if pe = c.ReadError(ctx, 200, context.Canceled); !errors.Is(pe, context.Canceled) {
		t.Errorf("cancelled: %+v, want it to wrap context.Canceled", pe)
	}
}
