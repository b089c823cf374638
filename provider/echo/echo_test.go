package echo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

var convo = []bench.Message{
	{Role: bench.RoleSystem, Content: "You are a helpful assistant"},
	{Role: bench.RoleUser, Content: "Say hi in Portuguese"},
	{Role: bench.RoleAssistant, Content: "Olá!"},
	{Role: bench.RoleUser, Content: "Now say goodbye in French, please, politely and at length"},
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mode       any
		msgs       []bench.Message
		stream     bool
		wantText   string
		wantUsage  bench.Usage
		wantChunks int
	}{
		{"last user message", nil, convo, false, convo[3].Content, bench.Usage{Prompt: 20, Completion: 10, Total: 30}, 1},
		{"streamed in pieces", "last", convo, true, convo[3].Content, bench.Usage{Prompt: 20, Completion: 10, Total: 30}, 4},
		{"all messages", "all", convo[:2], false, "You are a helpful assistant\nSay hi in Portuguese", bench.Usage{Prompt: 9, Completion: 9, Total: 18}, 1},
		{"no user message", nil, convo[:1], true, "", bench.Usage{Prompt: 5, Total: 5}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := provider.New(provider.Config{Vendor: Vendor, Options: map[string]any{"mode": tt.mode}})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			var got []string
			resp, err := p.Generate(t.Context(), provider.Request{Messages: tt.msgs, Stream: tt.stream}, func(c provider.Chunk) error {
				got = append(got, c.Text)
				return nil
			})
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			want := provider.Response{Text: tt.wantText, Model: "echo", FinishReason: "stop", RawFinishReason: "stop", Usage: tt.wantUsage}
			if diff := cmp.Diff(want, resp); diff != "" {
				t.Errorf("response (-want +got):\n%s", diff)
			}
			if strings.Join(got, "") != tt.wantText || len(got) != tt.wantChunks {
				t.Errorf("chunks %q: want %d joining to %q", got, tt.wantChunks, tt.wantText)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	p, err := New(provider.Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = p.Generate(ctx, provider.Request{Messages: convo}, func(provider.Chunk) error { return nil })
	if !errors.Is(err, context.Canceled) || provider.AsError(err) == nil {
		t.Errorf("cancelled Generate error = %v, want a provider error wrapping context.Canceled", err)
	}
	stop := errors.New("stop")
	_, err = p.Generate(t.Context(), provider.Request{Messages: convo}, func(provider.Chunk) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("emit error not returned: %v", err)
	}
	if _, err := New(provider.Config{Options: map[string]any{"mode": "loud"}}); err == nil {
		t.Error("New accepted an unknown mode")
	}
}
