package simulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The OpenAI Embeddings wire (PROVIDER_FACTS.md §2): POST /v1/embeddings,
// also under the other prefixes of the chat route (/openai/v1, /api/v1,
// Azure's deployments). Errors and headers are those of the chat route.

// Limits of OpenAI's embeddings route.
const (
	openAIMaxInputs      = 2048
	openAIMaxInputTokens = 8192
)

// openAIEmbedRequest is the part of an embeddings request the simulator reads.
type openAIEmbedRequest struct {
	Model          *string         `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat *string         `json:"encoding_format"`
	Dimensions     *int            `json:"dimensions"`
}

// openAIEmbedWire is the OpenAI embeddings wire of one request, with the
// chat dialect's errors and headers.
type openAIEmbedWire struct {
	openAIDialect
	base64 bool // encoding_format "base64"
}

// openAIEmbeddings serves POST /v1/embeddings.
func (s *Server) openAIEmbeddings(w http.ResponseWriter, r *http.Request) {
	s.serveEmbed(w, r, &openAIEmbedWire{})
}

func badOpenAI(param, code, msg string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error", param: param, code: code, message: msg}
}

// invalidInput is OpenAI's answer to an input it cannot embed: an empty
// string, an empty array, or an array holding an empty string.
func invalidInput() *apiError {
	return badOpenAI("", "", "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.")
}

func (o *openAIEmbedWire) parseEmbed(_ *http.Request, body []byte, _ *turn, job *embedJob) *apiError {
	var req openAIEmbedRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return decodeError(err)
	}
	if req.Model == nil || *req.Model == "" {
		return badOpenAI("", "", "you must provide a model parameter")
	}
	job.model = *req.Model
	texts, e := openAIInputs(req.Input)
	if e != nil {
		return e
	}
	for _, text := range texts {
		if n := countTokens(text); n > openAIMaxInputTokens {
			return badOpenAI("", "", fmt.Sprintf("This model's maximum context length is %d tokens, however you requested %d tokens "+
				"(%d in your prompt; 0 for the completion). Please reduce your prompt; or completion length.", openAIMaxInputTokens, n, n))
		}
	}
	job.texts = texts
	if f := req.EncodingFormat; f != nil && *f != "float" {
		if *f != "base64" {
			return badOpenAI("encoding_format", "invalid_value", fmt.Sprintf("Invalid value: '%s'. Supported values are: 'float' and 'base64'.", *f))
		}
		o.base64 = true
	}
	if d := req.Dimensions; d != nil {
		switch {
		case *d < 1:
			return badOpenAI("dimensions", "integer_below_min_value",
				fmt.Sprintf("Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got %d instead.", *d))
		case *d > MaxEmbedDimensions:
			return badOpenAI("dimensions", "integer_above_max_value",
				fmt.Sprintf("Invalid 'dimensions': integer above maximum value. Expected a value <= %d, but got %d instead.", MaxEmbedDimensions, *d))
		case job.model == "text-embedding-ada-002":
			return badOpenAI("", "", "This model does not support specifying dimensions.")
		}
		job.dim = *d
	}
	return nil
}

// openAIInputs decodes "input": a string, an array of strings, an array
// of token ids or an array of such arrays. Token ids are embedded as the
// text of their decimal numbers, one word each.
func openAIInputs(in json.RawMessage) ([]string, *apiError) {
	in = bytes.TrimSpace(in)
	if len(in) == 0 || string(in) == "null" {
		return nil, badOpenAI("input", "missing_required_parameter", "Missing required parameter: 'input'.")
	}
	var texts []string
	switch in[0] {
	case '"':
		var s string
		if err := json.Unmarshal(in, &s); err != nil {
			return nil, decodeError(err)
		}
		texts = []string{s}
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(in, &items); err != nil {
			return nil, decodeError(err)
		}
		if len(items) > openAIMaxInputs {
			return nil, badOpenAI("input", "array_above_max_length", fmt.Sprintf("Invalid 'input': array too long. "+
				"Expected an array with maximum length %d, but got an array with length %d instead.", openAIMaxInputs, len(items)))
		}
		var ids []int
		if json.Unmarshal(in, &ids) == nil && len(ids) > 0 {
			return []string{tokenText(ids)}, nil
		}
		texts = make([]string, len(items))
		for i, item := range items {
			if json.Unmarshal(item, &texts[i]) == nil {
				continue
			}
			if json.Unmarshal(item, &ids) != nil {
				return nil, invalidInput()
			}
			texts[i] = tokenText(ids)
		}
	default:
		return nil, invalidInput()
	}
	if len(texts) == 0 {
		return nil, invalidInput()
	}
	for _, t := range texts {
		if t == "" {
			return nil, invalidInput()
		}
	}
	return texts, nil
}

// tokenText is the text that stands for token ids: their numbers separated
// by spaces.
func tokenText(ids []int) string {
	var sb strings.Builder
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(id))
	}
	return sb.String()
}

// appendEmbed appends the list of embeddings, indented like OpenAI's
// bodies, each vector on one line.
func (o *openAIEmbedWire) appendEmbed(h http.Header, b []byte, t *turn, job *embedJob) []byte {
	o.begin(h, t)
	b = append(b, "{\n  \"object\": \"list\",\n  \"data\": ["...)
	for i := range job.texts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"object\": \"embedding\",\n      \"index\": "...)
		b = appendInt(b, int64(i))
		b = append(b, ",\n      \"embedding\": "...)
		if o.base64 {
			b = appendBase64Vector(b, job.vector(i))
		} else {
			b = appendVector(b, job.vector(i))
		}
		b = append(b, "\n    }"...)
	}
	b = append(b, "\n  ],\n  \"model\": "...)
	b = appendJSONString(b, job.model)
	n := int64(job.tokens())
	b = append(b, ",\n  \"usage\": {\n    \"prompt_tokens\": "...)
	b = appendInt(b, n)
	b = append(b, ",\n    \"total_tokens\": "...)
	b = appendInt(b, n)
	return append(b, "\n  }\n}\n"...)
}
