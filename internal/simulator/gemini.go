package simulator

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Gemini API wire (PROVIDER_FACTS.md §4): POST
// /v1beta/models/{model}:generateContent and :streamGenerateContent, and
// GET /v1beta/models. Any API key is accepted (x-goog-api-key or ?key=),
// none too. A non-streamed answer is indented JSON like the recorded one;
// a stream with ?alt=sse is data-only server-sent events separated by
// "\r\n\r\n", each a whole response with the next piece of text and the
// usage so far, the last one with finishReason and no terminator after it.
// Without alt=sse the stream is one JSON array, as the vendor sends it.
// Errors are Google RPC errors; a rate limit's retry hint is the RetryInfo
// retryDelay in the body, with no Retry-After header.

var (
	hdrGeminiJSON = []string{"application/json; charset=UTF-8"}
	hdrGeminiSSE  = []string{"text/event-stream"}
)

// geminiDialect is the Gemini wire of one request.
type geminiDialect struct {
	model      string // from the URL
	stream     bool   // :streamGenerateContent
	sse        bool   // ?alt=sse
	logprobs   bool   // responseLogprobs
	top        uint8  // logprobs: alternatives per token, at most MaxTopLogprobs
	responseID [23]byte
	chunks     int  // stream chunks sent
	finished   bool // the chunk with finishReason was sent
}

// geminiRoute serves the /v1beta/ routes.
func (s *Server) geminiRoute(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v1beta/models")
	switch {
	case !ok:
		s.geminiNotFound(w, "Requested entity was not found.")
	case rest == "":
		if r.Method != http.MethodGet {
			s.geminiNotFound(w, "Method not found.")
			return
		}
		s.geminiModels(w, "")
	case rest[0] != '/' || len(rest) == 1:
		s.geminiNotFound(w, "Requested entity was not found.")
	default:
		name, method, call := strings.Cut(rest[1:], ":")
		switch {
		case name == "":
			s.geminiNotFound(w, "models/ is not found for API version v1beta, or is not supported for "+method+".")
		case !call && r.Method == http.MethodGet:
			s.geminiModels(w, name)
		case call && r.Method == http.MethodPost && (method == "generateContent" || method == "streamGenerateContent"):
			sc := s.getScratch()
			sc.gemini = geminiDialect{model: name, stream: method == "streamGenerateContent", sse: r.URL.Query().Get("alt") == "sse"}
			s.serveChat(w, r, &sc.gemini, sc)
		case call && r.Method == http.MethodPost && (method == "embedContent" || method == "batchEmbedContents"):
			s.geminiEmbed(w, r, name, method == "batchEmbedContents")
		case call && r.Method == http.MethodPost && method == "countTokens":
			s.geminiCountTokens(w, r)
		default:
			s.geminiNotFound(w, "models/"+name+" is not found for API version v1beta, or is not supported for "+method+".")
		}
	}
}

func (s *Server) geminiNotFound(w http.ResponseWriter, msg string) {
	s.writeError(w, &geminiDialect{}, &apiError{status: http.StatusNotFound, message: msg})
}

func (d *geminiDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	req, e := parseGeminiRequest(body)
	if e != nil {
		return e
	}
	t.model = d.model
	t.prompt = req.lastUserText()
	t.promptTokens = req.promptTokens()
	t.maxTokens = req.maxTokens()
	t.stops = req.stops()
	t.stream = d.stream
	if t.tool, e = req.toolTurn(); e != nil {
		return e
	}
	t.setResults(req.results())
	var top int
	d.logprobs, top = req.logprobs()
	d.top = uint8(top) // checked: 0 to MaxTopLogprobs
	return nil
}

func (d *geminiDialect) faultError(_ http.Header, f fault, _ *turn, cfg *Config) *apiError {
	switch f {
	case faultRateLimit:
		return &apiError{status: http.StatusTooManyRequests, retry: cfg.RetryAfter,
			message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, " +
				"head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in " + cfg.RetryAfter.String() + ". (simulated by llm-test-bench)"}
	case faultOverload:
		return &apiError{status: http.StatusServiceUnavailable, message: "The model is overloaded. Please try again later. (simulated by llm-test-bench)"}
	default:
		return &apiError{status: http.StatusInternalServerError,
			message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting " +
				"(simulated by llm-test-bench)"}
	}
}

// geminiStatus is the RPC status of an HTTP status when none is given.
func geminiStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "INVALID_ARGUMENT"
	case http.StatusUnauthorized:
		return "UNAUTHENTICATED"
	case http.StatusForbidden:
		return "PERMISSION_DENIED"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusTooManyRequests:
		return "RESOURCE_EXHAUSTED"
	case http.StatusServiceUnavailable:
		return "UNAVAILABLE"
	case http.StatusGatewayTimeout:
		return "DEADLINE_EXCEEDED"
	}
	if status >= 500 {
		return "INTERNAL"
	}
	return "FAILED_PRECONDITION"
}

// appendError appends a Google RPC error, indented like the vendor's; a
// rate limit carries QuotaFailure and RetryInfo details.
func (d *geminiDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["Content-Type"] = hdrGeminiJSON
	status := e.typ
	if status == "" {
		status = geminiStatus(e.status)
	}
	b = append(b, "{\n  \"error\": {\n    \"code\": "...)
	b = appendInt(b, int64(e.status))
	b = append(b, ",\n    \"message\": "...)
	b = appendJSONString(b, e.message)
	b = append(b, ",\n    \"status\": "...)
	b = appendJSONString(b, status)
	if e.retry > 0 {
		b = append(b, ",\n    \"details\": [\n      {\n        \"@type\": \"type.googleapis.com/google.rpc.QuotaFailure\",\n"+
			"        \"violations\": [\n          {\n"+
			"            \"quotaMetric\": \"generativelanguage.googleapis.com/generate_content_free_tier_requests\",\n"+
			"            \"quotaId\": \"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"\n          }\n        ]\n      },\n"+
			"      {\n        \"@type\": \"type.googleapis.com/google.rpc.RetryInfo\",\n        \"retryDelay\": \""...)
		b = appendProtoDuration(b, e.retry)
		b = append(b, "\"\n      }\n    ]"...)
	}
	return append(b, "\n  }\n}\n"...)
}

// appendProtoDuration appends d the way protobuf's JSON mapping writes a
// Duration: seconds with 0, 3, 6 or 9 fractional digits and an "s".
func appendProtoDuration(b []byte, d time.Duration) []byte {
	b = strconv.AppendInt(b, int64(d/time.Second), 10)
	frac := int64(d % time.Second)
	digits := 9
	switch {
	case frac == 0:
		return append(b, 's')
	case frac%1e6 == 0:
		frac, digits = frac/1e6, 3
	case frac%1e3 == 0:
		frac, digits = frac/1e3, 6
	}
	b = append(b, '.')
	s := strconv.FormatInt(frac, 10)
	for i := len(s); i < digits; i++ {
		b = append(b, '0')
	}
	b = append(b, s...)
	return append(b, 's')
}

func (d *geminiDialect) begin(h http.Header, t *turn) {
	t.rnd.appendAlnum(d.responseID[:0], len(d.responseID))
	switch {
	case t.stream && d.sse:
		h["Content-Type"] = hdrGeminiSSE
	default:
		h["Content-Type"] = hdrGeminiJSON
	}
}

// geminiFinish is the finishReason of t's answer.
func geminiFinish(t *turn) string {
	if t.cut {
		return "MAX_TOKENS"
	}
	return "STOP"
}

func (d *geminiDialect) appendComplete(b []byte, t *turn) []byte {
	b = append(b, "{\n  \"candidates\": [\n    {\n      \"content\": {\n        \"parts\": ["...)
	if len(t.tool.calls) > 0 {
		b = appendGeminiCalls(b, t, true)
	} else {
		b = append(b, "\n          {\n            \"text\": "...)
		b = appendJSONString(b, t.answer)
		b = append(b, "\n          }"...)
	}
	b = append(b, "\n        ],\n        \"role\": \"model\"\n      },\n      \"finishReason\": \""...)
	b = append(b, geminiFinish(t)...)
	b = append(b, '"')
	if d.logprobs {
		if t.answer != "" { // the vendor omits a zero average
			b = append(b, ",\n      \"avgLogprobs\": "...)
			b = appendFloat(b, logprobChosen)
		}
		b = append(b, ",\n      "...)
		b = appendGeminiLogprobs(b, t.answer, int(d.top))
	}
	b = append(b, ",\n      \"index\": 0"...)
	if len(t.tool.calls) > 0 {
		b = append(b, ",\n      \"finishMessage\": \""+geminiCallsMessage+"\""...)
	}
	b = append(b, "\n    }\n  ],\n  \"usageMetadata\": {\n    \"promptTokenCount\": "...)
	b = appendInt(b, int64(t.promptTokens))
	if t.completion > 0 { // the vendor omits zero counts
		b = append(b, ",\n    \"candidatesTokenCount\": "...)
		b = appendInt(b, int64(t.completion))
	}
	b = append(b, ",\n    \"totalTokenCount\": "...)
	b = appendInt(b, int64(t.promptTokens+t.completion))
	b = append(b, ",\n    \"promptTokensDetails\": [\n      {\n        \"modality\": \"TEXT\",\n        \"tokenCount\": "...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, "\n      }\n    ]\n  },\n  \"modelVersion\": "...)
	b = appendJSONString(b, t.model)
	b = append(b, ",\n  \"responseId\": \""...)
	b = append(b, d.responseID[:]...)
	return append(b, "\"\n}\n"...)
}

// appendChunk appends one stream chunk carrying text and the usage of the
// first k tokens, framed as an SSE event or an array element.
func (d *geminiDialect) appendChunk(b []byte, t *turn, text string, k int, last bool) []byte {
	switch {
	case d.sse:
		b = append(b, "data: "...)
	case d.chunks == 0:
		b = append(b, '[')
	default:
		b = append(b, ",\r\n"...)
	}
	d.chunks++
	b = append(b, `{"candidates": [{"content": {"parts": [`...)
	calls := last && len(t.tool.calls) > 0
	if calls {
		b = appendGeminiCalls(b, t, false)
	} else {
		b = append(b, `{"text": `...)
		b = appendJSONString(b, text)
		b = append(b, '}')
	}
	b = append(b, `],"role": "model"}`...)
	if last {
		b = append(b, `,"finishReason": "`...)
		b = append(b, geminiFinish(t)...)
		b = append(b, '"')
		d.finished = true
	}
	if d.logprobs {
		b = append(b, ',')
		b = appendGeminiLogprobs(b, text, int(d.top))
	}
	b = append(b, `,"index": 0`...)
	if calls {
		b = append(b, `,"finishMessage": "`+geminiCallsMessage+`"`...)
	}
	b = append(b, `}],"usageMetadata": {"promptTokenCount": `...)
	b = appendInt(b, int64(t.promptTokens))
	if k > 0 {
		b = append(b, `,"candidatesTokenCount": `...)
		b = appendInt(b, int64(k))
	}
	b = append(b, `,"totalTokenCount": `...)
	b = appendInt(b, int64(t.promptTokens+k))
	b = append(b, `,"promptTokensDetails": [{"modality": "TEXT","tokenCount": `...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `}]},"modelVersion": `...)
	b = appendJSONString(b, t.model)
	b = append(b, `,"responseId": "`...)
	b = append(b, d.responseID[:]...)
	b = append(b, `"}`...)
	if d.sse {
		b = append(b, "\r\n\r\n"...)
	}
	return b
}

// appendStart appends nothing: the first chunk carries the first token.
func (d *geminiDialect) appendStart(b []byte, _ *turn) []byte { return b }

func (d *geminiDialect) appendDelta(b []byte, t *turn, text string, k int, last bool) []byte {
	return d.appendChunk(b, t, text, k, last)
}

// appendEnd sends the final chunk of an empty answer and closes the array.
func (d *geminiDialect) appendEnd(b []byte, t *turn) []byte {
	if !d.finished {
		b = d.appendChunk(b, t, "", t.completion, true)
	}
	if !d.sse {
		b = append(b, ']')
	}
	return b
}

// geminiModels serves GET /v1beta/models (name empty) and
// GET /v1beta/models/{name}, for any name.
func (s *Server) geminiModels(w http.ResponseWriter, name string) {
	var b []byte
	indent := ""
	if name == "" {
		b = append(b, "{\n  \"models\": [\n"...)
		name, indent = s.cfg.Model, "    "
	}
	lines := [...]string{
		"{",
		"", // the name, which goes through the JSON encoder
		"  \"version\": \"001\",",
		"  \"displayName\": \"LLM Test Bench simulator\",",
		"  \"description\": \"The llm-test-bench offline simulator; not a real model.\",",
		"  \"inputTokenLimit\": 1048576,",
		"  \"outputTokenLimit\": 65536,",
		"  \"supportedGenerationMethods\": [",
		"    \"generateContent\"",
		"  ],",
		"  \"temperature\": 1,",
		"  \"topP\": 0.95,",
		"  \"topK\": 64,",
		"  \"maxTemperature\": 2",
		"}",
	}
	for i, l := range lines {
		if i == 1 {
			b = append(b, indent+"  \"name\": "...)
			b = appendJSONString(b, "models/"+name)
			b = append(b, ",\n"...)
			continue
		}
		b = append(b, indent+l+"\n"...)
	}
	if indent != "" {
		b = append(b[:len(b)-1], "\n  ]\n}\n"...)
	}
	w.Header()["Content-Type"] = hdrGeminiJSON
	_, _ = w.Write(b)
}
