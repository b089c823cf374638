package cohere

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/provider"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/httpcall"
)

// embedPath is the Embed API v2 route.
const embedPath = "/v2/embed"

// MaxEmbedBatch is the most texts Cohere embeds in one call; Embed splits
// longer lists.
const MaxEmbedBatch = 96

// DefaultInputType is the input_type sent unless the "input_type" option
// names another: the texts are embedded as documents to compare.
const DefaultInputType = "search_document"

// inputTypes are the input_type values for text that Cohere documents.
var inputTypes = []string{"search_document", "search_query", "classification", "clustering"}

// embedRequest is the body of POST /v2/embed.
type embedRequest struct {
	Model          string   `json:"model"`
	Texts          []string `json:"texts"`
	InputType      string   `json:"input_type"`
	EmbeddingTypes []string `json:"embedding_types"`
}

// embedResponse is an EmbedByTypeResponse: the vectors under their type,
// and the usage in meta, shaped as a chat answer's usage (billed_units,
// tokens).
type embedResponse struct {
	Embeddings embedVectors `json:"embeddings"`
	Meta       *usage       `json:"meta"`
}

// embedVectors holds the float vectors: {"float":[[...]]} as v2 answers
// (response_type embeddings_by_type), or a bare list of vectors as the
// older embeddings_floats shape has them. present is false when the member
// was missing or null.
type embedVectors struct {
	Float   [][]float64
	present bool
}

// UnmarshalJSON accepts {"float":[...]} (other types are ignored), a bare
// list of vectors, or null.
func (v *embedVectors) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0 || string(data) == "null":
		return nil
	case data[0] == '[':
		v.present = true
		return json.Unmarshal(data, &v.Float)
	}
	var byType struct {
		Float *[][]float64 `json:"float"`
	}
	if err := json.Unmarshal(data, &byType); err != nil {
		return err
	}
	if byType.Float != nil {
		v.Float, v.present = *byType.Float, true
	}
	return nil
}

// Embed turns inputs into vectors with POST /v2/embed, asking for float
// embeddings with the configured input_type (DefaultInputType unless the
// "input_type" option names another). Lists longer than MaxEmbedBatch go
// in several calls, in order; their vectors are joined in input order and
// their usage (meta.billed_units.input_tokens) summed. model "" means the
// configured model. Cohere's embed answer names no model, so
// Embeddings.Model is the model asked for. Errors are classified as chat
// errors are; when a later call fails, the usage of the calls that
// succeeded is returned with the error, so that their cost is not lost.
func (c *Client) Embed(ctx context.Context, model string, inputs []string) (provider.Embeddings, error) {
	if model == "" {
		model = c.model
	}
	if model == "" {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest,
			Err: errors.New("cohere: no embedding model given: name one in the provider id, such as cohere:embed-v4.0")}
	}
	out := provider.Embeddings{Model: model}
	if len(inputs) == 0 {
		return out, nil
	}
	vecs := make([][]float64, 0, len(inputs))
	for start := 0; start < len(inputs); start += MaxEmbedBatch {
		end := min(start+MaxEmbedBatch, len(inputs))
		batch, err := c.embedBatch(ctx, model, inputs[start:end])
		out.Usage.Prompt += batch.Usage.Prompt
		out.Usage.Total = out.Usage.Prompt
		if err != nil {
			if pe := provider.AsError(err); pe != nil && len(inputs) > MaxEmbedBatch {
				pe.Err = fmt.Errorf("texts %d to %d of %d: %w", start+1, end, len(inputs), pe.Err)
			}
			return provider.Embeddings{Model: model, Usage: out.Usage}, err
		}
		vecs = append(vecs, batch.Vectors...)
	}
	out.Vectors = vecs
	return out, nil
}

// embedBatch sends one POST /v2/embed for texts. A 2xx answer that is an
// error body ({"id","message"}) is classified as that error.
func (c *Client) embedBatch(ctx context.Context, model string, texts []string) (provider.Embeddings, error) {
	body, err := json.Marshal(embedRequest{Model: model, Texts: texts, InputType: c.inputType, EmbeddingTypes: []string{"float"}})
	if err != nil {
		return provider.Embeddings{}, &provider.Error{Kind: provider.KindBadRequest, Err: fmt.Errorf("%s: encode embed request: %w", Vendor, err)}
	}
	var raw json.RawMessage
	status, err := c.http.PostJSON(ctx, embedPath, body, "embed", &raw)
	if err != nil {
		return provider.Embeddings{}, err
	}
	return c.decodeEmbed(status, raw, len(texts))
}

// decodeEmbed reads an embed answer that should hold n vectors.
func (c *Client) decodeEmbed(status int, data []byte, n int) (provider.Embeddings, error) {
	var r embedResponse
	err := json.Unmarshal(data, &r)
	if err == nil && !r.Embeddings.present {
		if _, isError := httpcall.ParseVendorError(data); isError {
			pe := httpcall.ClassifyStreamError(Vendor, data, c.http.Secrets()...)
			pe.StatusCode = status
			return provider.Embeddings{}, pe
		}
		err = errors.New("no float embeddings")
	}
	if err != nil {
		return provider.Embeddings{}, httpcall.Malformed(Vendor, status, "embed response", data, err)
	}
	var out provider.Embeddings
	if r.Meta != nil {
		out.Usage = r.Meta.toUsage()
		out.Usage.Completion, out.Usage.Cached = 0, 0
		out.Usage.Total = out.Usage.Prompt
	}
	if len(r.Embeddings.Float) != n {
		return out, &provider.Error{Kind: provider.KindTransient, StatusCode: status,
			Err: fmt.Errorf("%s: %d embeddings for %d texts", Vendor, len(r.Embeddings.Float), n)}
	}
	out.Vectors = r.Embeddings.Float
	return out, nil
}
