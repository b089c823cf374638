package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// ollamaEmbedRequest is the part of an /api/embed request the simulator reads.
type ollamaEmbedRequest struct {
	Model      string          `json:"model"`
	Input      json.RawMessage `json:"input"`
	Dimensions int             `json:"dimensions"`
}

// parseOllamaEmbed decodes and checks an /api/embed body the way Ollama
// does, returning the texts to embed.
func parseOllamaEmbed(body []byte) (ollamaEmbedRequest, []string, *apiError) {
	var req ollamaEmbedRequest
	if e := decodeOllama(body, &req); e != nil {
		return req, nil, e
	}
	if req.Model == "" {
		return req, nil, badOllama("model is required")
	}
	if req.Dimensions < 0 || req.Dimensions > MaxEmbedDimensions {
		return req, nil, badOllama("dimensions must be between 1 and " + strconv.Itoa(MaxEmbedDimensions))
	}
	var inputs []string
	switch in := req.Input; {
	case len(in) == 0 || string(in) == "null":
	case in[0] == '"':
		var s string
		if err := json.Unmarshal(in, &s); err != nil {
			return req, nil, badOllama(err.Error())
		}
		if s != "" {
			inputs = []string{s}
		}
	case in[0] == '[':
		if err := json.Unmarshal(in, &inputs); err != nil {
			return req, nil, badOllama("invalid input type")
		}
	default:
		return req, nil, badOllama("invalid input type")
	}
	return req, inputs, nil
}

// ollamaEmbedWire is Ollama's /api/embed wire, with the chat dialect's
// errors.
type ollamaEmbedWire struct{ ollamaDialect }

// ollamaEmbed serves POST /api/embed.
func (s *Server) ollamaEmbed(w http.ResponseWriter, r *http.Request) {
	s.serveEmbed(w, r, &ollamaEmbedWire{})
}

func (o *ollamaEmbedWire) parseEmbed(_ *http.Request, body []byte, _ *turn, job *embedJob) *apiError {
	req, inputs, e := parseOllamaEmbed(body)
	if e != nil {
		return e
	}
	job.model, job.texts, job.dim = req.Model, inputs, req.Dimensions
	return nil
}

// appendEmbed appends {"model","embeddings",...}; the durations and the
// token count are left out when there was nothing to embed, as Ollama does.
func (o *ollamaEmbedWire) appendEmbed(h http.Header, b []byte, t *turn, job *embedJob) []byte {
	h["Content-Type"] = hdrOllamaJSON
	b = append(b, `{"model":`...)
	b = appendJSONString(b, job.model)
	b = append(b, `,"embeddings":[`...)
	for i := range job.texts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendVector(b, job.vector(i))
	}
	b = append(b, ']')
	if len(job.texts) > 0 {
		b = append(b, `,"total_duration":`...)
		b = appendInt(b, int64(max(time.Since(t.start), job.parsed+1)))
		b = append(b, `,"load_duration":`...)
		b = appendInt(b, int64(max(job.parsed, 1)))
		b = append(b, `,"prompt_eval_count":`...)
		b = appendInt(b, int64(job.tokens()))
	}
	return append(b, '}')
}
