package openai

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/jsonmerge"
)

// embedRequest is the body of POST /embeddings. The dimensions field is
// added under the dialect's name when the option is set.
type embedRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
}

type embedResponse struct {
	Model string `json:"model"`
	Data  []struct {
		Index     int       `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
	Usage *usage `json:"usage"`
}

// Embed turns inputs into vectors with one POST /embeddings (float
// encoding; the "dimensions" option sets the size for models that take
// it). model "" means the configured model. Usage counts the input tokens
// (usage.prompt_tokens).
func (c *Client) Embed(ctx context.Context, model string, inputs []string) (provider.Embeddings, error) {
	if model == "" {
		model = c.model
	}
	switch {
	case c.d.NoEmbeddings:
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: this provider offers no embeddings", c.d.Vendor)}
	case model == "":
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: no embedding model given", c.d.Vendor)}
	case len(inputs) == 0:
		return provider.Embeddings{Model: model}, nil
	}
	body, err := json.Marshal(embedRequest{Model: model, Input: inputs, EncodingFormat: "float"})
	if err == nil && c.dimensions != nil {
		body, err = jsonmerge.Replace(body, map[string]any{c.d.DimensionsField: *c.dimensions})
	}
	if err != nil {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: encode embeddings request: %w", c.d.Vendor, err)}
	}
	var out embedResponse
	status, err := c.http.PostJSON(ctx, c.d.EmbedPath(model), body, "embeddings", &out)
	if err != nil {
		return provider.Embeddings{}, err
	}
	if len(out.Data) != len(inputs) {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: %d embeddings for %d inputs", c.d.Vendor, len(out.Data), len(inputs))}
	}
	sort.SliceStable(out.Data, func(i, j int) bool { return out.Data[i].Index < out.Data[j].Index })
	vecs := make([][]float64, len(out.Data))
	for i, e := range out.Data {
		vecs[i] = e.Embedding
	}
	res := provider.Embeddings{Vectors: vecs, Model: out.Model}
	if res.Model == "" {
		res.Model = model
	}
	if out.Usage != nil {
		res.Usage = out.Usage.toUsage()
	}
	return res, nil
}
