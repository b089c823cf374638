package gemini

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/provider"
)

type batchEmbedRequest struct {
	Requests []embedRequest `json:"requests"`
}

type embedRequest struct {
	Model   string  `json:"model"`
	Content content `json:"content"`
}

// Embed turns inputs into vectors with one POST
// .../models/{model}:batchEmbedContents. model "" means the configured
// model (for example gemini-embedding-001). The Gemini API reports no token
// usage for embeddings, so Usage stays zero.
func (c *Client) Embed(ctx context.Context, model string, inputs []string) (provider.Embeddings, error) {
	model = trimModel(model)
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: errors.New("gemini: no embedding model given")}
	}
	if len(inputs) == 0 {
		return provider.Embeddings{Model: model}, nil
	}
	req := batchEmbedRequest{Requests: make([]embedRequest, len(inputs))}
	for i := range inputs {
		req.Requests[i] = embedRequest{Model: resourceName(model), Content: content{Parts: []part{{Text: &inputs[i]}}}}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("gemini: encode embeddings request: %w", err)}
	}
	var out struct {
		Embeddings []struct {
			Values []float64 `json:"values"`
		} `json:"embeddings"`
	}
	status, err := c.http.PostJSON(ctx, c.modelPath(model)+":batchEmbedContents", body, "embeddings", &out)
	if err != nil {
		return provider.Embeddings{}, err
	}
	if len(out.Embeddings) != len(inputs) {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("gemini: %d embeddings for %d inputs", len(out.Embeddings), len(inputs))}
	}
	vecs := make([][]float64, len(out.Embeddings))
	for i, e := range out.Embeddings {
		vecs[i] = e.Values
	}
	return provider.Embeddings{Vectors: vecs, Model: model}, nil
}
