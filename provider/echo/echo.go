// Package echo is a provider that answers with the prompt itself, for
// testing assertions offline. It registers the vendor "echo", which needs no
// key and no network.
package echo

import (
	"context"
	"fmt"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// Vendor is the registered vendor name.
const Vendor = "echo"

// chunks is how many pieces a streamed answer is split into, at most.
const chunks = 4

func init() {
	provider.Register(provider.Vendor{
		Name: Vendor,
		New: func(cfg provider.Config) (provider.Provider, error) {
			return New(cfg)
		},
	})
}

var _ provider.Provider = (*Provider)(nil)

// Provider echoes the conversation back.
type Provider struct {
	all   bool
	model string
}

// New builds an echo provider. Options["mode"] may be "last" (the default:
// answer with the last user message) or "all" (every message joined by "\n").
func New(cfg provider.Config) (*Provider, error) {
	p := &Provider{model: cfg.Model}
	if p.model == "" {
		p.model = Vendor
	}
	switch mode := cfg.Options["mode"]; mode {
	case nil, "", "last":
	case "all":
		p.all = true
	default:
		return nil, fmt.Errorf("option mode: want \"last\" or \"all\", got %v", mode)
	}
	return p, nil
}

// Generate answers with the prompt. A streamed call emits the answer in a
// few word-aligned chunks, otherwise once. Usage counts words: the prompt
// side over all messages, the completion side over the answer.
func (p *Provider) Generate(ctx context.Context, req provider.Request, emit func(provider.Chunk) error) (provider.Response, error) {
	if err := ctx.Err(); err != nil {
		return provider.Response{}, &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("echo: %w", err)}
	}
	text := p.answer(req.Messages)
	pieces := []string{text}
	if req.Stream {
		pieces = split(text, chunks)
	}
	for _, piece := range pieces {
		if err := ctx.Err(); err != nil {
			return provider.Response{}, &provider.Error{Kind: provider.KindTransient, Err: fmt.Errorf("echo: %w", err)}
		}
		if err := emit(provider.Chunk{Text: piece}); err != nil {
			return provider.Response{}, fmt.Errorf("echo: emit: %w", err)
		}
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	completion := len(strings.Fields(text))
	model := req.Model
	if model == "" {
		model = p.model
	}
	return provider.Response{
		Text: text, Model: model,
		FinishReason: provider.FinishStop, RawFinishReason: provider.FinishStop,
		Usage: bench.Usage{Prompt: prompt, Completion: completion, Total: prompt + completion},
	}, nil
}

func (p *Provider) answer(msgs []bench.Message) string {
	if p.all {
		parts := make([]string, len(msgs))
		for i, m := range msgs {
			parts[i] = m.Content
		}
		return strings.Join(parts, "\n")
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == bench.RoleUser {
			return msgs[i].Content
		}
	}
	return ""
}

// split cuts text into at most n pieces that end after a space, so that
// joining them gives text back.
func split(text string, n int) []string {
	if text == "" {
		return []string{""}
	}
	size := max((len(text)+n-1)/n, 1)
	var out []string
	for len(text) > 0 {
		if len(text) <= size {
			out = append(out, text)
			break
		}
		cut := strings.IndexByte(text[size:], ' ')
		if cut < 0 {
			out = append(out, text)
			break
		}
		cut += size + 1
		out = append(out, text[:cut])
		text = text[cut:]
	}
	return out
}
