package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Ollama's other routes the official clients call (PROVIDER_FACTS.md §7):
// POST /api/generate (a prompt completion, NDJSON stream unless "stream":
// false; the text is in "response"), the legacy POST /api/embeddings
// ({model, prompt} answered {"embedding":[...]}), POST /api/show,
// GET /api/ps and GET /api/version.

// ollamaVersion is what GET /api/version reports: an Ollama release the
// simulated API matches, marked as the simulator's.
const ollamaVersion = "0.12.0-llm-test-bench-simulator"

// ollamaGenerateRequest is the part of an /api/generate request the
// simulator reads; images, format, template, raw and context are ignored.
type ollamaGenerateRequest struct {
	Model   string         `json:"model"`
	Prompt  string         `json:"prompt"`
	System  string         `json:"system"`
	Stream  *bool          `json:"stream"`
	Options *ollamaOptions `json:"options"`
}

// parseOllamaGenerate decodes and checks an /api/generate body as Ollama does.
func parseOllamaGenerate(body []byte) (ollamaGenerateRequest, *apiError) {
	var req ollamaGenerateRequest
	if e := decodeOllama(body, &req); e != nil {
		return req, e
	}
	if req.Model == "" {
		return req, badOllama("model is required")
	}
	return req, nil
}

// ollamaGenerateDialect is /api/generate's wire: the chat dialect with the
// text in "response" instead of a message.
type ollamaGenerateDialect struct{ ollamaDialect }

func (d *ollamaGenerateDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	req, e := parseOllamaGenerate(body)
	if e != nil {
		return e
	}
	d.generate = true
	d.parsed = time.Now()
	t.model = req.Model
	t.stream = req.Stream == nil || *req.Stream
	if req.Prompt == "" { // Ollama's model-load request
		d.load, t.silent = true, true
		return nil
	}
	msgs := [1]chatMessage{{Role: "user", Content: textContent(req.Prompt)}}
	t.prompt = req.Prompt
	t.promptTokens = conversationTokens(req.System, msgs[:])
	r := ollamaRequest{Options: req.Options}
	t.maxTokens = r.maxTokens()
	t.stops = req.Options.stops()
	return nil
}

// ollamaLegacyEmbedRequest is the body of the legacy /api/embeddings.
type ollamaLegacyEmbedRequest struct {
	Model  string `json:"model"`
	Prompt string `json:"prompt"`
}

// ollamaLegacyEmbedWire is the legacy /api/embeddings wire: one prompt,
// one vector, no usage; an empty prompt has an empty vector.
type ollamaLegacyEmbedWire struct{ ollamaDialect }

func (o *ollamaLegacyEmbedWire) parseEmbed(_ *http.Request, body []byte, _ *turn, job *embedJob) *apiError {
	var req ollamaLegacyEmbedRequest
	if e := decodeOllama(body, &req); e != nil {
		return e
	}
	if req.Model == "" {
		return badOllama("model is required")
	}
	job.model = req.Model
	if req.Prompt != "" {
		job.texts = []string{req.Prompt}
	}
	return nil
}

func (o *ollamaLegacyEmbedWire) appendEmbed(h http.Header, b []byte, _ *turn, job *embedJob) []byte {
	h["Content-Type"] = hdrOllamaJSON
	b = append(b, `{"embedding":`...)
	if len(job.texts) == 0 {
		b = append(b, "[]"...)
	} else {
		b = appendVector(b, job.vector(0))
	}
	return append(b, '}')
}

// ollamaShow serves POST /api/show: the details of the named model, which
// the simulator has whatever its name.
func (s *Server) ollamaShow(w http.ResponseWriter, r *http.Request) {
	sc := s.getScratch()
	body, e := s.readBody(r, sc)
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"` // the older field
	}
	if e == nil {
		e = decodeOllama(body, &req)
	}
	if e == nil && req.Model == "" && req.Name == "" {
		e = badOllama("model is required")
	}
	s.putScratch(sc, sc.out)
	if e != nil {
		s.writeError(w, &ollamaDialect{}, e)
		return
	}
	name := req.Model
	if name == "" {
		name = req.Name
	}
	b := []byte(`{"license":"","modelfile":"# simulated by llm-test-bench\nFROM `)
	b = append(b, ollamaModelName(name)...)
	b = append(b, `\n","parameters":"","template":"{{ .Prompt }}","details":`...)
	b = appendOllamaDetails(b)
	b = append(b, `,"model_info":{"general.architecture":"llm-test-bench-simulator","general.parameter_count":0},`+
		`"capabilities":["completion","embedding"],"modified_at":"2025-11-28T00:00:00Z"}`...)
	w.Header()["Content-Type"] = hdrOllamaJSON
	_, _ = w.Write(b)
}

// appendOllamaDetails appends the details object of the simulated model.
func appendOllamaDetails(b []byte) []byte {
	return append(b, `{"parent_model":"","format":"gguf","family":"llm-test-bench-simulator",`+
		`"families":["llm-test-bench-simulator"],"parameter_size":"0B","quantization_level":"none"}`...)
}

// ollamaPS serves GET /api/ps: the configured model, loaded, for a day.
func (s *Server) ollamaPS(w http.ResponseWriter) {
	name := ollamaModelName(s.cfg.Model)
	sum := sha256.Sum256([]byte(name))
	b := []byte(`{"models":[{"name":`)
	b = appendJSONString(b, name)
	b = append(b, `,"model":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"size":0,"digest":"`...)
	b = hex.AppendEncode(b, sum[:])
	b = append(b, `","details":`...)
	b = appendOllamaDetails(b)
	b = append(b, `,"expires_at":"`...)
	b = time.Now().UTC().Add(24*time.Hour).Truncate(time.Second).AppendFormat(b, time.RFC3339)
	b = append(b, `","size_vram":0,"context_length":4096}]}`...)
	w.Header()["Content-Type"] = hdrOllamaJSON
	_, _ = w.Write(b)
}

// ollamaVersionRoute serves GET /api/version.
func ollamaVersionRoute(w http.ResponseWriter) {
	w.Header()["Content-Type"] = hdrOllamaJSON
	_, _ = w.Write([]byte(`{"version":"` + ollamaVersion + `"}`))
}
