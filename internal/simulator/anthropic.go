package simulator

import (
	"net/http"
	"strconv"
	"time"
)

// The Anthropic Messages wire (PROVIDER_FACTS.md §3): POST /v1/messages,
// streamed as named server-sent events, and GET /v1/models in Anthropic's
// shape. Any x-api-key is accepted, none too; the anthropic-version header
// is required as by the vendor. Bodies are compact JSON in the field order
// of the recorded responses; stream events are padded with a few spaces
// before their closing brace, like the vendor's.

var (
	hdrAnthropicSSE    = []string{"text/event-stream; charset=utf-8"}
	hdrAnthropicLimit  = []string{"4000"}
	hdrAnthropicTokLim = []string{"2000000"}
	hdrAnthropicRemain = []string{"3999"}
	hdrAnthropicTokRem = []string{"1999000"}
)

// anthropicDialect is the Anthropic Messages wire of one request.
type anthropicDialect struct {
	id        [len("msg_01") + 22]byte
	requestID [len("req_011C") + 20]byte
}

// anthropicMessages serves POST /v1/messages.
func (s *Server) anthropicMessages(w http.ResponseWriter, r *http.Request) {
	sc := s.getScratch()
	sc.anthropic = anthropicDialect{}
	s.serveChat(w, r, &sc.anthropic, sc)
}

// setRequestID picks the request id every answer, errors included, carries.
func (d *anthropicDialect) setRequestID(r *rng) {
	copy(d.requestID[:], "req_011C")
	r.appendAlnum(d.requestID[:len("req_011C")], 20)
}

func (d *anthropicDialect) parse(r *http.Request, body []byte, t *turn) *apiError {
	d.setRequestID(&t.rnd)
	req, e := parseAnthropicRequest(r.Header, body)
	if e != nil {
		return e
	}
	t.model = req.Model
	t.prompt = lastUserText(req.Messages)
	t.promptTokens = conversationTokens(string(req.System), req.Messages)
	t.maxTokens = *req.MaxTokens
	t.stream = req.Stream
	t.stops = req.StopSequences
	if t.tool, e = req.toolTurn(); e != nil {
		return e
	}
	t.setResults(anthropicResults(body))
	return nil
}

func (d *anthropicDialect) faultError(h http.Header, f fault, _ *turn, cfg *Config) *apiError {
	switch f {
	case faultRateLimit:
		secs := strconv.FormatInt(int64((cfg.RetryAfter+time.Second-1)/time.Second), 10)
		h["Retry-After"] = []string{secs}
		setAnthropicLimits(h, hdrZero, time.Now().Add(cfg.RetryAfter))
		return &apiError{status: http.StatusTooManyRequests, typ: "rate_limit_error",
			message: "This request would exceed the rate limit for your organization of 4,000 requests per minute. " +
				"Please try again in " + secs + "s. (simulated by llm-test-bench)"}
	case faultOverload:
		return &apiError{status: 529, typ: "overloaded_error", message: "Overloaded"}
	default:
		return &apiError{status: http.StatusInternalServerError, typ: "api_error", message: "Internal server error (simulated by llm-test-bench)"}
	}
}

// setAnthropicLimits sets the anthropic-ratelimit-* headers every answer
// carries; remaining is the requests left, reset when the budget refills.
func setAnthropicLimits(h http.Header, remaining []string, reset time.Time) {
	at := []string{reset.UTC().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)}
	h["Anthropic-Ratelimit-Requests-Limit"] = hdrAnthropicLimit
	h["Anthropic-Ratelimit-Requests-Remaining"] = remaining
	h["Anthropic-Ratelimit-Requests-Reset"] = at
	for _, k := range [...][3]string{
		{"Anthropic-Ratelimit-Tokens-Limit", "Anthropic-Ratelimit-Tokens-Remaining", "Anthropic-Ratelimit-Tokens-Reset"},
		{"Anthropic-Ratelimit-Input-Tokens-Limit", "Anthropic-Ratelimit-Input-Tokens-Remaining", "Anthropic-Ratelimit-Input-Tokens-Reset"},
		{"Anthropic-Ratelimit-Output-Tokens-Limit", "Anthropic-Ratelimit-Output-Tokens-Remaining", "Anthropic-Ratelimit-Output-Tokens-Reset"},
	} {
		h[k[0]] = hdrAnthropicTokLim
		h[k[1]] = hdrAnthropicTokRem
		h[k[2]] = at
	}
}

// anthropicErrorType is the error type of a status when none is given.
func anthropicErrorType(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "authentication_error"
	case http.StatusForbidden:
		return "permission_error"
	case http.StatusNotFound:
		return "not_found_error"
	case http.StatusRequestEntityTooLarge:
		return "request_too_large"
	case http.StatusTooManyRequests:
		return "rate_limit_error"
	case 529:
		return "overloaded_error"
	}
	if status >= 500 {
		return "api_error"
	}
	return "invalid_request_error"
}

// appendError appends {"type":"error","error":{"type","message"},"request_id"}.
func (d *anthropicDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["Content-Type"] = hdrJSON
	h["Request-Id"] = []string{string(d.requestID[:])}
	typ := e.typ
	if typ == "" {
		typ = anthropicErrorType(e.status)
	}
	b = append(b, `{"type":"error","error":{"type":`...)
	b = appendJSONString(b, typ)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, e.message)
	b = append(b, `},"request_id":"`...)
	b = append(b, d.requestID[:]...)
	return append(b, `"}`...)
}

func (d *anthropicDialect) begin(h http.Header, t *turn) {
	copy(d.id[:], "msg_01")
	t.rnd.appendAlnum(d.id[:len("msg_01")], 22)
	t.setCallIDs("toolu_01", 22, alnum)
	ct := hdrJSON
	if t.stream {
		ct = hdrAnthropicSSE
		h["Cache-Control"] = hdrNoCache
	}
	h["Content-Type"] = ct
	h["Request-Id"] = []string{string(d.requestID[:])}
	setAnthropicLimits(h, hdrAnthropicRemain, t.start)
}

// anthropicStop is the stop_reason of t's answer.
func anthropicStop(t *turn) string {
	switch {
	case len(t.tool.calls) > 0:
		return "tool_use"
	case t.cut:
		return "max_tokens"
	case t.stopSeq != "":
		return "stop_sequence"
	}
	return "end_turn"
}

// appendStopSequence appends the stop_sequence field's value: the
// sequence the answer ended at, or null.
func appendStopSequence(b []byte, t *turn) []byte {
	if t.stopSeq == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, t.stopSeq)
}

// appendMessage appends a message object: the whole answer, or the empty
// message a stream starts with.
func (d *anthropicDialect) appendMessage(b []byte, t *turn, start bool) []byte {
	return appendAnthropicMessage(b, t, t.model, d.id[:], start, false)
}

// appendAnthropicMessage appends a message object with id: the whole
// answer, or the empty message a stream starts with. The Messages API's
// usage ends with the service tier and inference geography; Bedrock's
// InvokeModel (bedrock) leaves them out, as recorded.
func appendAnthropicMessage(b []byte, t *turn, model string, id []byte, start, bedrock bool) []byte {
	b = append(b, `{"model":`...)
	b = appendJSONString(b, model)
	b = append(b, `,"id":"`...)
	b = append(b, id...)
	b = append(b, `","type":"message","role":"assistant","content":`...)
	switch {
	case start:
		b = append(b, `[],"stop_reason":null`...)
	case len(t.tool.calls) > 0:
		b = append(b, '[')
		for i := range t.tool.calls {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendAnthropicToolUse(b, &t.tool.calls[i], t.tool.calls[i].args, bedrock)
		}
		b = append(b, `],"stop_reason":"`...)
		b = append(b, anthropicStop(t)...)
		b = append(b, '"')
	default:
		b = append(b, `[{"type":"text","text":`...)
		b = appendJSONString(b, t.answer)
		b = append(b, `}],"stop_reason":"`...)
		b = append(b, anthropicStop(t)...)
		b = append(b, '"')
	}
	b = append(b, `,"stop_sequence":`...)
	if start {
		b = append(b, "null"...)
	} else {
		b = appendStopSequence(b, t)
	}
	b = append(b, `,"usage":{"input_tokens":`...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,`+
		`"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":`...)
	out := t.completion
	if start {
		out = 1 // the vendor's provisional count
	}
	b = appendInt(b, int64(out))
	if bedrock {
		return append(b, "}}"...)
	}
	return append(b, `,"service_tier":"standard","inference_geo":"not_available"}}`...)
}

// Anthropic's stream events. Each is appended without its closing brace:
// the Messages API pads it with spaces before the brace, like the vendor;
// Bedrock's InvokeModelWithResponseStream carries it unpadded, base64 in a
// chunk (bedrock_invoke.go).

func appendAnthropicMessageStart(b []byte, t *turn, model string, id []byte, bedrock bool) []byte {
	b = append(b, `{"type":"message_start","message":`...)
	return appendAnthropicMessage(b, t, model, id, true, bedrock)
}

func appendAnthropicBlockStart(b []byte) []byte {
	return append(b, `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}`...)
}

func appendAnthropicTextDelta(b []byte, text string) []byte {
	b = append(b, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`...)
	b = appendJSONString(b, text)
	return append(b, '}')
}

// appendAnthropicBlockStop appends content_block_stop of block i.
func appendAnthropicBlockStop(b []byte, i int) []byte {
	b = append(b, `{"type":"content_block_stop","index":`...)
	return appendInt(b, int64(i))
}

// appendAnthropicMessageDelta appends the message_delta event; Bedrock's
// usage has the output tokens only.
func appendAnthropicMessageDelta(b []byte, t *turn, bedrock bool) []byte {
	b = append(b, `{"type":"message_delta","delta":{"stop_reason":"`...)
	b = append(b, anthropicStop(t)...)
	b = append(b, `","stop_sequence":`...)
	b = appendStopSequence(b, t)
	b = append(b, `},"usage":{`...)
	if !bedrock {
		b = append(b, `"input_tokens":`...)
		b = appendInt(b, int64(t.promptTokens))
		b = append(b, `,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,`...)
	}
	b = append(b, `"output_tokens":`...)
	b = appendInt(b, int64(t.completion))
	return append(b, '}')
}

func appendAnthropicMessageStop(b []byte) []byte {
	return append(b, `{"type":"message_stop"`...)
}

func (d *anthropicDialect) appendComplete(b []byte, t *turn) []byte {
	return d.appendMessage(b, t, false)
}

// appendEvent appends "event: name" and the start of its data line.
func appendEvent(b []byte, name string) []byte {
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	return b
}

// appendEventEnd pads an event's data like the vendor does and ends it.
func appendEventEnd(b []byte, t *turn) []byte {
	for n := t.rnd.uint64() % 13; n > 0; n-- {
		b = append(b, ' ')
	}
	return append(b, "}\n\n"...)
}

func (d *anthropicDialect) appendStart(b []byte, t *turn) []byte {
	b = appendEvent(b, "message_start")
	b = appendAnthropicMessageStart(b, t, t.model, d.id[:], false)
	b = appendEventEnd(b, t)
	if len(t.tool.calls) > 0 { // the tool_use blocks open in appendCallStart
		return append(b, "event: ping\ndata: {\"type\": \"ping\"}\n\n"...)
	}
	b = appendEvent(b, "content_block_start")
	b = appendAnthropicBlockStart(b)
	b = appendEventEnd(b, t)
	return append(b, "event: ping\ndata: {\"type\": \"ping\"}\n\n"...)
}

func (d *anthropicDialect) appendDelta(b []byte, t *turn, text string, _ int, _ bool) []byte {
	b = appendEvent(b, "content_block_delta")
	b = appendAnthropicTextDelta(b, text)
	return appendEventEnd(b, t)
}

func (d *anthropicDialect) appendEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) == 0 {
		b = appendEvent(b, "content_block_stop")
		b = appendAnthropicBlockStop(b, 0)
		b = appendEventEnd(b, t)
	}
	b = appendEvent(b, "message_delta")
	b = appendAnthropicMessageDelta(b, t, false)
	b = appendEventEnd(b, t)
	b = appendEvent(b, "message_stop")
	b = appendAnthropicMessageStop(b)
	return appendEventEnd(b, t)
}

// anthropicModelCreated is the created_at of the simulated model.
const anthropicModelCreated = "2025-11-28T00:00:00Z"

// appendAnthropicModel appends one model object; its display name says it
// is simulated.
func appendAnthropicModel(b []byte, id string) []byte {
	b = append(b, `{"type":"model","id":`...)
	b = appendJSONString(b, id)
	return append(b, `,"display_name":"LLM Test Bench simulator","created_at":"`+anthropicModelCreated+`"}`...)
}

// anthropicModels serves GET /v1/models in Anthropic's shape.
func (s *Server) anthropicModels(w http.ResponseWriter) {
	b := []byte(`{"data":[`)
	b = appendAnthropicModel(b, s.cfg.Model)
	b = append(b, `],"has_more":false,"first_id":`...)
	b = appendJSONString(b, s.cfg.Model)
	b = append(b, `,"last_id":`...)
	b = appendJSONString(b, s.cfg.Model)
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(append(b, '}'))
}

// anthropicModel serves GET /v1/models/{model} in Anthropic's shape, for
// any model name.
func (s *Server) anthropicModel(w http.ResponseWriter, model string) {
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(appendAnthropicModel(nil, model))
}

// anthropicRouteError answers a request for a route or method the
// simulator lacks in Anthropic's shape.
func (s *Server) anthropicRouteError(w http.ResponseWriter, r *http.Request, status int, what string) {
	var d anthropicDialect
	rnd := newRNG(s.cfg.Seed, s.seq.Add(1))
	d.setRequestID(&rnd)
	s.writeError(w, &d, &apiError{status: status, message: what + " (" + r.Method + " " + r.URL.Path + ")"})
}
