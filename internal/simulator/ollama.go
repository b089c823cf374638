package simulator

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Ollama native wire (PROVIDER_FACTS.md §7): POST /api/chat, which
// streams NDJSON unless the request says "stream": false, POST /api/embed,
// GET /api/tags and GET / ("Ollama is running"); the other routes of the
// official clients are in ollama_generate.go. There is no
// authentication. The last line of an answer has done:true, done_reason,
// prompt_eval_count, eval_count and the *_duration fields in nanoseconds,
// measured on the simulated answer: load_duration is the time spent reading
// and decoding the request, prompt_eval_duration the time to the first
// token and eval_duration the rest. Errors are {"error":"..."}; a chat
// without messages is answered like Ollama's model-load request.

var (
	hdrOllamaJSON   = []string{"application/json; charset=utf-8"}
	hdrOllamaNDJSON = []string{"application/x-ndjson"}
	hdrTextPlain    = []string{"text/plain; charset=utf-8"}
)

// ollamaDialect is the Ollama wire of one request.
type ollamaDialect struct {
	parsed   time.Time // when the request was decoded
	load     bool      // a request without messages: load the model, answer nothing
	generate bool      // /api/generate: the text is "response", not a message
}

// ollamaRoute serves / and the /api/ routes; like Ollama's router it
// answers an unknown route or method with a plain-text 404.
func (s *Server) ollamaRoute(w http.ResponseWriter, r *http.Request) {
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	switch path := r.URL.Path; {
	case path == "/" && get:
		w.Header()["Content-Type"] = hdrTextPlain
		_, _ = w.Write([]byte("Ollama is running"))
	case path == "/api/chat" && r.Method == http.MethodPost:
		sc := s.getScratch()
		sc.ollama = ollamaDialect{}
		s.serveChat(w, r, &sc.ollama, sc)
	case path == "/api/generate" && r.Method == http.MethodPost:
		sc := s.getScratch()
		d := &ollamaGenerateDialect{}
		s.serveChat(w, r, d, sc)
	case path == "/api/embed" && r.Method == http.MethodPost:
		s.ollamaEmbed(w, r)
	case path == "/api/embeddings" && r.Method == http.MethodPost:
		s.serveEmbed(w, r, &ollamaLegacyEmbedWire{})
	case path == "/api/show" && r.Method == http.MethodPost:
		s.ollamaShow(w, r)
	case path == "/api/ps" && get:
		s.ollamaPS(w)
	case path == "/api/version" && get:
		ollamaVersionRoute(w)
	case path == "/api/tags" && get:
		s.ollamaTags(w)
	default:
		w.Header()["Content-Type"] = hdrTextPlain
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("404 page not found"))
	}
}

func (d *ollamaDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	req, e := parseOllamaRequest(body)
	if e != nil {
		return e
	}
	d.parsed = time.Now()
	t.model = req.Model
	t.stream = req.stream()
	if len(req.Messages) == 0 {
		d.load, t.silent = true, true
		return nil
	}
	t.prompt = req.lastUserText()
	t.promptTokens = req.promptTokens()
	t.maxTokens = req.maxTokens()
	t.stops = req.Options.stops()
	if t.tool, e = req.toolTurn(); e != nil {
		return &apiError{status: e.status, message: e.message}
	}
	if res := req.results(); res != nil {
		t.setResults(res)
	}
	return nil
}

func (d *ollamaDialect) faultError(h http.Header, f fault, _ *turn, cfg *Config) *apiError {
	return ollamaFault(h, f, cfg)
}

// ollamaFault is fault f in Ollama's shape, for chat and embed.
func ollamaFault(h http.Header, f fault, cfg *Config) *apiError {
	switch f {
	case faultRateLimit:
		h["Retry-After"] = []string{strconv.FormatInt(int64((cfg.RetryAfter+time.Second-1)/time.Second), 10)}
		return &apiError{status: http.StatusTooManyRequests, message: "too many requests, please try again in " + cfg.RetryAfter.String() +
			" (simulated by llm-test-bench)"}
	case faultOverload:
		return &apiError{status: http.StatusServiceUnavailable,
			message: "server busy, please try again.  maximum pending requests exceeded (simulated by llm-test-bench)"}
	default:
		return &apiError{status: http.StatusInternalServerError,
			message: "llama runner process has terminated: exit status 2 (simulated by llm-test-bench)"}
	}
}

// appendError appends {"error":"..."}.
func (d *ollamaDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["Content-Type"] = hdrOllamaJSON
	b = append(b, `{"error":`...)
	b = appendJSONString(b, e.message)
	return append(b, '}')
}

func (d *ollamaDialect) begin(h http.Header, t *turn) {
	t.setCallIDs("call_", 8, lowerAlnum)
	if t.stream {
		h["Content-Type"] = hdrOllamaNDJSON
		return
	}
	h["Content-Type"] = hdrOllamaJSON
}

// appendHead appends a response object up to the message content, which is
// text, and closes the message; with calls set the message also carries
// the tool calls.
func (d *ollamaDialect) appendHead(b []byte, t *turn, text string, calls bool) []byte {
	b = append(b, `{"model":`...)
	b = appendJSONString(b, t.model)
	b = append(b, `,"created_at":"`...)
	b = time.Now().UTC().AppendFormat(b, time.RFC3339Nano)
	if d.generate {
		b = append(b, `","response":`...)
		b = appendJSONString(b, text)
		return append(b, ',')
	}
	b = append(b, `","message":{"role":"assistant","content":`...)
	b = appendJSONString(b, text)
	if calls {
		b = append(b, ',')
		b = appendOllamaCalls(b, t)
	}
	return append(b, `},`...)
}

// appendDone appends the final object: the answer's text (empty for a
// stream), the done reason and the metrics.
func (d *ollamaDialect) appendDone(b []byte, t *turn, text string) []byte {
	b = d.appendHead(b, t, text, !t.stream && len(t.tool.calls) > 0)
	if d.load {
		return append(b, `"done_reason":"load","done":true}`...)
	}
	b = append(b, `"done_reason":"`...)
	if t.cut {
		b = append(b, "length"...)
	} else {
		b = append(b, "stop"...)
	}
	total := time.Since(t.start)
	load := max(d.parsed.Sub(t.start), 1)
	prompt := t.ttft - load
	if t.ttft == 0 { // a whole-response latency: share it by tokens
		prompt = (total - load) * time.Duration(t.promptTokens) / time.Duration(t.promptTokens+t.completion)
	}
	prompt = max(prompt, 1)
	eval := max(total-load-prompt, 1)
	b = append(b, `","done":true,"total_duration":`...)
	b = appendInt(b, int64(max(total, load+prompt+eval)))
	b = append(b, `,"load_duration":`...)
	b = appendInt(b, int64(load))
	b = append(b, `,"prompt_eval_count":`...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `,"prompt_eval_duration":`...)
	b = appendInt(b, int64(prompt))
	b = append(b, `,"eval_count":`...)
	b = appendInt(b, int64(t.completion))
	b = append(b, `,"eval_duration":`...)
	b = appendInt(b, int64(eval))
	return append(b, '}')
}

func (d *ollamaDialect) appendComplete(b []byte, t *turn) []byte {
	return d.appendDone(b, t, t.answer)
}

// appendStart appends nothing: the first line carries the first token.
func (d *ollamaDialect) appendStart(b []byte, _ *turn) []byte { return b }

func (d *ollamaDialect) appendDelta(b []byte, t *turn, text string, _ int, _ bool) []byte {
	b = d.appendHead(b, t, text, false)
	return append(b, "\"done\":false}\n"...)
}

func (d *ollamaDialect) appendEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) > 0 {
		b = d.appendHead(b, t, "", true)
		b = append(b, "\"done\":false}\n"...)
	}
	return append(d.appendDone(b, t, ""), '\n')
}

// ollamaModelName adds Ollama's default tag to a model name without one.
func ollamaModelName(model string) string {
	if strings.Contains(model, ":") {
		return model
	}
	return model + ":latest"
}

// ollamaTags serves GET /api/tags: the configured model, plainly simulated.
func (s *Server) ollamaTags(w http.ResponseWriter) {
	name := ollamaModelName(s.cfg.Model)
	sum := sha256.Sum256([]byte(name))
	b := []byte(`{"models":[{"name":`)
	b = appendJSONString(b, name)
	b = append(b, `,"model":`...)
	b = appendJSONString(b, name)
	b = append(b, `,"modified_at":"2025-11-28T00:00:00Z","size":0,"digest":"`...)
	b = hex.AppendEncode(b, sum[:])
	b = append(b, `","details":{"parent_model":"","format":"gguf","family":"llm-test-bench-simulator",`+
		`"families":["llm-test-bench-simulator"],"parameter_size":"0B","quantization_level":"none"}}]}`...)
	w.Header()["Content-Type"] = hdrOllamaJSON
	_, _ = w.Write(b)
}
