package simulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
)

// The Cohere Embed v2 wire: POST /v2/embed with "texts" (or "inputs" whose
// content parts are text) to {"id","embeddings":{TYPE:[...]},"texts",
// "meta":{"api_version","billed_units":{"input_tokens"}},
// "response_type":"embeddings_by_type"}. Errors are Cohere's flat
// {"id","message"}, worded by the simulator in the vendor's "invalid
// request: ..." form. Images cannot be embedded by the simulator.
//
// Each requested embedding type is derived from the float vector v: int8
// is round(127·v), uint8 that plus 128, ubinary the signs (v > 0 is 1)
// packed eight to a byte, first dimension in the high bit, binary those
// bytes minus 128, and base64 the little-endian float32s in base64.

// cohereMaxTexts bounds the texts (and inputs) of one request.
const cohereMaxTexts = 96

var (
	cohereInputTypes     = []string{"search_document", "search_query", "classification", "clustering", "image"}
	cohereEmbeddingTypes = []string{"float", "int8", "uint8", "binary", "ubinary", "base64"}
	cohereDimensions     = []int{256, 512, 1024, 1536}
	cohereTruncates      = []string{"NONE", "START", "END"}
)

// cohereEmbedRequest is the part of an embed request the simulator reads.
type cohereEmbedRequest struct {
	Model  string   `json:"model"`
	Texts  []string `json:"texts"`
	Images []string `json:"images"`
	Inputs []struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"inputs"`
	InputType       string   `json:"input_type"`
	EmbeddingTypes  []string `json:"embedding_types"`
	OutputDimension *int     `json:"output_dimension"`
	Truncate        *string  `json:"truncate"`
	MaxTokens       *int     `json:"max_tokens"`
}

// cohereEmbedWire is the Cohere embed wire of one request, with the chat
// dialect's errors.
type cohereEmbedWire struct {
	cohereDialect
	types []string // embedding_types, in the request's order
	echo  []string // the texts field, echoed back
}

// cohereEmbed serves POST /v2/embed.
func (s *Server) cohereEmbed(w http.ResponseWriter, r *http.Request) {
	s.serveEmbed(w, r, &cohereEmbedWire{})
}

func (c *cohereEmbedWire) parseEmbed(_ *http.Request, body []byte, t *turn, job *embedJob) *apiError {
	c.setID(&t.rnd)
	var req cohereEmbedRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return cohereDecodeError(err)
	}
	if e := req.check(); e != nil {
		return e
	}
	job.model, job.texts, c.echo = req.Model, slices.Clone(req.Texts), req.Texts
	for _, in := range req.Inputs {
		parts := make([]string, 0, len(in.Content))
		for _, p := range in.Content {
			parts = append(parts, p.Text)
		}
		job.texts = append(job.texts, strings.Join(parts, "\n"))
	}
	if req.OutputDimension != nil {
		job.dim = *req.OutputDimension
	}
	c.types = req.EmbeddingTypes
	if len(c.types) == 0 {
		c.types = []string{"float"}
	}
	return nil
}

// check checks a request the way Cohere does.
func (r *cohereEmbedRequest) check() *apiError {
	switch {
	case r.Model == "":
		return badCohere("model is required")
	case r.InputType == "":
		return badCohere("input_type is required")
	case !slices.Contains(cohereInputTypes, r.InputType):
		return badCohere("input_type must be one of " + strings.Join(cohereInputTypes, ", ") + ", got '" + r.InputType + "'")
	case len(r.Images) > 0:
		return badCohere("images cannot be embedded by the llm-test-bench simulator, only text")
	case len(r.Texts) == 0 && len(r.Inputs) == 0:
		return badCohere("one of texts, images or inputs must be provided")
	case len(r.Texts)+len(r.Inputs) > cohereMaxTexts:
		return badCohere(fmt.Sprintf("at most %d texts and inputs can be embedded in one request, got %d", cohereMaxTexts, len(r.Texts)+len(r.Inputs)))
	case r.OutputDimension != nil && !slices.Contains(cohereDimensions, *r.OutputDimension):
		return badCohere(fmt.Sprintf("output_dimension must be one of 256, 512, 1024 or 1536, got %d", *r.OutputDimension))
	case r.Truncate != nil && !slices.Contains(cohereTruncates, *r.Truncate):
		return badCohere("truncate must be one of NONE, START or END, got '" + *r.Truncate + "'")
	case r.MaxTokens != nil && *r.MaxTokens < 1:
		return badCohere("max_tokens must be greater than 0")
	}
	for _, typ := range r.EmbeddingTypes {
		if !slices.Contains(cohereEmbeddingTypes, typ) {
			return badCohere("embedding_types must be among " + strings.Join(cohereEmbeddingTypes, ", ") + ", got '" + typ + "'")
		}
	}
	for i, in := range r.Inputs {
		if len(in.Content) == 0 {
			return badCohere(fmt.Sprintf("inputs[%d].content must not be empty", i))
		}
		for _, p := range in.Content {
			if p.Type != "text" {
				return badCohere(fmt.Sprintf("inputs[%d]: content of type '%s' cannot be embedded by the llm-test-bench simulator, only text", i, p.Type))
			}
		}
	}
	return nil
}

func (c *cohereEmbedWire) appendEmbed(h http.Header, b []byte, _ *turn, job *embedJob) []byte {
	h["Content-Type"] = hdrJSON
	b = append(b, `{"id":"`...)
	b = append(b, c.id[:]...)
	b = append(b, `","embeddings":{`...)
	for k, typ := range c.types {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, typ)
		b = append(b, ":["...)
		for i := range job.texts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCohereVector(b, typ, job.vector(i))
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if len(c.echo) > 0 {
		b = append(b, `,"texts":[`...)
		for i, text := range c.echo {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, text)
		}
		b = append(b, ']')
	}
	b = append(b, `,"meta":{"api_version":{"version":"2"},"billed_units":{"input_tokens":`...)
	b = appendInt(b, int64(job.tokens()))
	return append(b, `}},"response_type":"embeddings_by_type"}`...)
}

// appendCohereVector appends vec as embedding type typ (see the top of
// the file).
func appendCohereVector(b []byte, typ string, vec []float32) []byte {
	switch typ {
	case "float":
		return appendVector(b, vec)
	case "base64":
		return appendBase64Vector(b, vec)
	case "int8", "uint8":
		shift := int64(0)
		if typ == "uint8" {
			shift = 128
		}
		b = append(b, '[')
		for i, v := range vec {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInt(b, int64(max(-128, min(127, math.Round(127*float64(v)))))+shift)
		}
		return append(b, ']')
	}
	shift := int64(0) // ubinary
	if typ == "binary" {
		shift = -128
	}
	b = append(b, '[')
	for i := 0; i < len(vec); i += 8 {
		var packed byte
		for j := 0; j < 8; j++ {
			if i+j < len(vec) && vec[i+j] > 0 {
				packed |= 0x80 >> j
			}
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = appendInt(b, int64(packed)+shift)
	}
	return append(b, ']')
}
