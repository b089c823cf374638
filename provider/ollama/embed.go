package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider"
)

// embedRequest is the body of POST /api/embed.
type embedRequest struct {
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Truncate   *bool    `json:"truncate,omitempty"`
	Dimensions *int     `json:"dimensions,omitempty"`
	KeepAlive  any      `json:"keep_alive,omitempty"`
	Options    any      `json:"options,omitempty"`
}

type embedResponse struct {
	Model           string      `json:"model"`
	Embeddings      [][]float64 `json:"embeddings"`
	PromptEvalCount int         `json:"prompt_eval_count"`
}

// Embed turns inputs into vectors with one POST /api/embed. model "" means
// the configured model. The truncate, dimensions, keep_alive, num_ctx and
// model_options options apply. Usage counts the input tokens
// (prompt_eval_count).
func (c *Client) Embed(ctx context.Context, model string, inputs []string) (provider.Embeddings, error) {
	if model == "" {
		model = c.model
	}
	switch {
	case model == "":
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("ollama: no embedding model given")}
	case len(inputs) == 0:
		return provider.Embeddings{Model: model}, nil
	}
	er := embedRequest{Model: model, Input: inputs, Truncate: c.opts.truncate, Dimensions: c.opts.dimensions, KeepAlive: c.opts.keepAlive}
	if o := c.modelOptions(provider.Sampling{}); o != nil {
		er.Options = o
	}
	body, err := json.Marshal(er)
	if err != nil {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("ollama: encode embed request: %w", err)}
	}
	var out embedResponse
	status, err := c.http.PostJSON(ctx, "/api/embed", body, "embed", &out)
	if err != nil {
		return provider.Embeddings{}, err
	}
	if len(out.Embeddings) != len(inputs) {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("ollama: %d embeddings for %d inputs", len(out.Embeddings), len(inputs))}
	}
	res := provider.Embeddings{Vectors: out.Embeddings, Model: out.Model,
		Usage: bench.Usage{Prompt: out.PromptEvalCount, Total: out.PromptEvalCount}}
	if res.Model == "" {
		res.Model = model
	}
	return res, nil
}
