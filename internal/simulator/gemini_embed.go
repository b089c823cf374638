package simulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The Gemini API's embedding wire (PROVIDER_FACTS.md §4): POST
// /v1beta/models/{model}:embedContent, one content to one
// {"embedding":{"values"}}, and :batchEmbedContents, a list of such
// requests to {"embeddings":[{"values"}]}. The API reports no token usage
// for embeddings. A content's text parts are joined with newlines.

// geminiMaxBatch bounds the requests of one :batchEmbedContents.
const geminiMaxBatch = 100

// geminiEmbedRequest is one EmbedContentRequest; taskType and title are
// accepted and ignored.
type geminiEmbedRequest struct {
	Model                     *string        `json:"model"`
	Content                   *geminiContent `json:"content"`
	OutputDimensionality      *int           `json:"outputDimensionality"`
	OutputDimensionalitySnake *int           `json:"output_dimensionality"`
}

type geminiBatchEmbedRequest struct {
	Requests []geminiEmbedRequest `json:"requests"`
}

// geminiEmbedWire is the Gemini embedding wire of one request, with the
// chat dialect's errors.
type geminiEmbedWire struct {
	geminiDialect
	batch bool // :batchEmbedContents
}

// geminiEmbed serves :embedContent and :batchEmbedContents for model.
func (s *Server) geminiEmbed(w http.ResponseWriter, r *http.Request, model string, batch bool) {
	s.serveEmbed(w, r, &geminiEmbedWire{geminiDialect: geminiDialect{model: model}, batch: batch})
}

func (g *geminiEmbedWire) parseEmbed(_ *http.Request, body []byte, _ *turn, job *embedJob) *apiError {
	job.model = g.model
	if !g.batch {
		var req geminiEmbedRequest
		if err := json.Unmarshal(body, &req); err != nil {
			return geminiDecodeError(err)
		}
		text, dim, e := req.check("EmbedContentRequest", false)
		if e != nil {
			return e
		}
		job.texts, job.dim = []string{text}, dim
		return nil
	}
	var req geminiBatchEmbedRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return geminiDecodeError(err)
	}
	switch n := len(req.Requests); {
	case n == 0:
		return badGemini("* BatchEmbedContentsRequest.requests: requests is not specified\n")
	case n > geminiMaxBatch:
		return badGemini(fmt.Sprintf("* BatchEmbedContentsRequest.requests: at most %d requests can be in one batch\n", geminiMaxBatch))
	}
	job.texts, job.dims = make([]string, len(req.Requests)), make([]int, len(req.Requests))
	for i := range req.Requests {
		text, dim, e := req.Requests[i].check(fmt.Sprintf("BatchEmbedContentsRequest.requests[%d]", i), true)
		if e != nil {
			return e
		}
		job.texts[i], job.dims[i] = text, dim
	}
	return nil
}

// check checks one EmbedContentRequest (at, its path in the error
// messages) and returns its text and vector size; in a batch each request
// must name its model by resource name ("models/...").
func (r *geminiEmbedRequest) check(at string, batch bool) (string, int, *apiError) {
	if batch {
		switch {
		case r.Model == nil || *r.Model == "":
			return "", 0, badGemini("* " + at + ".model: model is not specified\n")
		case !validModelName(*r.Model):
			return "", 0, badGemini("* " + at + ".model: unexpected model name format\n")
		}
	}
	if r.Content == nil {
		return "", 0, badGemini("* " + at + ".content: content is not specified\n")
	}
	if len(r.Content.Parts) == 0 {
		return "", 0, badGemini("* " + at + ".content.parts: contents.parts must not be empty.\n")
	}
	for _, p := range r.Content.Parts {
		if p.Text == nil || *p.Text == "" {
			return "", 0, badGemini(at + ".content contains an empty Part.")
		}
	}
	dim := 0
	for _, d := range []*int{r.OutputDimensionality, r.OutputDimensionalitySnake} {
		if d == nil || *d == 0 {
			continue
		}
		if *d < 0 || *d > MaxEmbedDimensions {
			return "", 0, badGemini(fmt.Sprintf("* %s.output_dimensionality: must be between 1 and %d, got %d\n", at, MaxEmbedDimensions, *d))
		}
		dim = *d
	}
	return r.Content.text(), dim, nil
}

// validModelName reports whether name is a model's resource name,
// "models/NAME" or "tunedModels/NAME".
func validModelName(name string) bool {
	for _, c := range [...]string{"models/", "tunedModels/"} {
		if rest, ok := strings.CutPrefix(name, c); ok {
			return rest != "" && !strings.Contains(rest, "/")
		}
	}
	return false
}

// appendEmbed appends {"embedding":{"values"}} or, for a batch,
// {"embeddings":[{"values"},...]}, indented like the vendor's bodies with
// each vector on one line.
func (g *geminiEmbedWire) appendEmbed(h http.Header, b []byte, _ *turn, job *embedJob) []byte {
	h["Content-Type"] = hdrGeminiJSON
	if !g.batch {
		b = append(b, "{\n  \"embedding\": {\n    \"values\": "...)
		b = appendVector(b, job.vector(0))
		return append(b, "\n  }\n}\n"...)
	}
	b = append(b, "{\n  \"embeddings\": ["...)
	for i := range job.texts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {\n      \"values\": "...)
		b = appendVector(b, job.vector(i))
		b = append(b, "\n    }"...)
	}
	return append(b, "\n  ]\n}\n"...)
}
