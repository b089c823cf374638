package simulator

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The Cohere Chat v2 wire (PROVIDER_FACTS.md §5): POST /v2/chat, streamed
// (with "stream": true) as named server-sent events ending with
// "data: [DONE]", and GET /v1/models in Cohere's shape when the request
// looks like Cohere's (see modelsWire). Any Bearer key is accepted, none
// too. Errors are Cohere's flat {"id","message"}.

var hdrCohereSSE = []string{"text/event-stream"}

// cohereDialect is the Cohere wire of one request.
type cohereDialect struct {
	id     [36]byte // a version 4 UUID
	billed int      // billed input tokens
}

// cohereChat serves POST /v2/chat.
func (s *Server) cohereChat(w http.ResponseWriter, r *http.Request) {
	sc := s.getScratch()
	sc.cohere = cohereDialect{}
	s.serveChat(w, r, &sc.cohere, sc)
}

// setID picks the id every answer, errors included, carries.
func (d *cohereDialect) setID(r *rng) {
	hi, lo := r.uint64(), r.uint64()
	hi = hi&^(0xf<<12) | 4<<12   // version 4
	lo = lo&^(0x3<<62) | 0x2<<62 // RFC 4122 variant
	var raw [16]byte
	for i := 0; i < 8; i++ {
		raw[i], raw[8+i] = byte(hi>>(56-8*i)), byte(lo>>(56-8*i))
	}
	j := 0
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			d.id[j] = '-'
			j++
		}
		d.id[j], d.id[j+1] = hexDigits[c>>4], hexDigits[c&0xf]
		j += 2
	}
}

func (d *cohereDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	d.setID(&t.rnd)
	req, e := parseCohereRequest(body)
	if e != nil {
		return e
	}
	t.model = req.Model
	t.prompt = lastUserText(req.Messages)
	t.promptTokens = conversationTokens("", req.Messages)
	if req.MaxTokens != nil {
		t.maxTokens = *req.MaxTokens
	}
	t.stream = req.Stream
	t.stops = req.StopSequences
	d.billed = req.billedInput()
	if t.tool, e = req.toolTurn(); e != nil {
		return e
	}
	t.setResults(trailingResults(req.Messages, "tool"))
	return nil
}

func (d *cohereDialect) faultError(h http.Header, f fault, _ *turn, cfg *Config) *apiError {
	switch f {
	case faultRateLimit:
		h["Retry-After"] = []string{strconv.FormatInt(int64((cfg.RetryAfter+time.Second-1)/time.Second), 10)}
		return &apiError{status: http.StatusTooManyRequests,
			message: "You are past the per minute request limit, please wait and try again later. (simulated by llm-test-bench)"}
	case faultOverload:
		return &apiError{status: http.StatusServiceUnavailable, message: "service unavailable, please try again later (simulated by llm-test-bench)"}
	default:
		return &apiError{status: http.StatusInternalServerError, message: "internal server error, this has been reported to our developers (simulated by llm-test-bench)"}
	}
}

// appendError appends {"id":"...","message":"..."}.
func (d *cohereDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["Content-Type"] = hdrJSON
	b = append(b, `{"id":"`...)
	b = append(b, d.id[:]...)
	b = append(b, `","message":`...)
	b = appendJSONString(b, e.message)
	return append(b, '}')
}

func (d *cohereDialect) begin(h http.Header, t *turn) {
	setCohereCallIDs(t)
	if t.stream {
		h["Content-Type"] = hdrCohereSSE
		h["Cache-Control"] = hdrNoCache
		return
	}
	h["Content-Type"] = hdrJSON
}

// cohereFinish is the finish_reason of t's answer.
func cohereFinish(t *turn) string {
	switch {
	case len(t.tool.calls) > 0:
		return "TOOL_CALL"
	case t.cut:
		return "MAX_TOKENS"
	case t.stopSeq != "":
		return "STOP_SEQUENCE"
	}
	return "COMPLETE"
}

// appendUsage appends the usage object.
func (d *cohereDialect) appendUsage(b []byte, t *turn) []byte {
	b = append(b, `"usage":{"billed_units":{"input_tokens":`...)
	b = appendInt(b, int64(d.billed))
	b = append(b, `,"output_tokens":`...)
	b = appendInt(b, int64(t.completion))
	b = append(b, `},"tokens":{"input_tokens":`...)
	b = appendInt(b, int64(t.promptTokens))
	b = append(b, `,"output_tokens":`...)
	b = appendInt(b, int64(t.completion))
	return append(b, `},"cached_tokens":0}`...)
}

func (d *cohereDialect) appendComplete(b []byte, t *turn) []byte {
	b = append(b, `{"id":"`...)
	b = append(b, d.id[:]...)
	b = append(b, `","finish_reason":"`...)
	b = append(b, cohereFinish(t)...)
	b = append(b, `","message":{"role":"assistant",`...)
	if len(t.tool.calls) > 0 {
		b = appendCohereCalls(b, t)
	} else {
		b = append(b, `"content":[{"type":"text","text":`...)
		b = appendJSONString(b, t.answer)
		b = append(b, `}]`...)
	}
	b = append(b, `},`...)
	b = d.appendUsage(b, t)
	return append(b, '}')
}

func (d *cohereDialect) appendStart(b []byte, t *turn) []byte {
	b = appendEvent(b, "message-start")
	b = append(b, `{"id":"`...)
	b = append(b, d.id[:]...)
	b = append(b, `","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}`+
		"\n\n"...)
	if len(t.tool.calls) > 0 { // the calls open in appendCallStart
		return b
	}
	b = appendEvent(b, "content-start")
	return append(b, `{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}`+"\n\n"...)
}

func (d *cohereDialect) appendDelta(b []byte, _ *turn, text string, _ int, _ bool) []byte {
	b = appendEvent(b, "content-delta")
	b = append(b, `{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":`...)
	b = appendJSONString(b, text)
	return append(b, "}}}}\n\n"...)
}

func (d *cohereDialect) appendEnd(b []byte, t *turn) []byte {
	if len(t.tool.calls) == 0 {
		b = appendEvent(b, "content-end")
		b = append(b, `{"type":"content-end","index":0}`+"\n\n"...)
	}
	b = appendEvent(b, "message-end")
	b = append(b, `{"type":"message-end","delta":{"finish_reason":"`...)
	b = append(b, cohereFinish(t)...)
	b = append(b, `",`...)
	b = d.appendUsage(b, t)
	return append(b, "}}\n\ndata: [DONE]\n\n"...)
}

// cohereModels serves GET /v1/models in Cohere's shape.
func (s *Server) cohereModels(w http.ResponseWriter) {
	b := []byte(`{"models":[{"name":`)
	b = appendJSONString(b, s.cfg.Model)
	b = append(b, `,"endpoints":["chat"],"finetuned":false,"context_length":128000,"tokenizer_url":null,"default_endpoints":[],"features":[]}]}`...)
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(b)
}

// setCohereTrace sets the X-Debug-Trace-Id header Cohere sends on every
// answer, errors included (it has no request-id header; the body's id
// names an answer): 32 random hexadecimal digits.
func setCohereTrace(h http.Header) {
	var b [32]byte
	for i := range b {
		b[i] = hexDigits[rand.Uint64()&0xf]
	}
	h["X-Debug-Trace-Id"] = []string{string(b[:])}
}

// cohereRouteError answers a request for a /v2/ route or method the
// simulator lacks in Cohere's shape.
func (s *Server) cohereRouteError(w http.ResponseWriter, r *http.Request, status int, what string) {
	var d cohereDialect
	rnd := newRNG(s.cfg.Seed, s.seq.Add(1))
	d.setID(&rnd)
	s.writeError(w, &d, &apiError{status: status, message: what + " (" + r.Method + " " + r.URL.Path + ")"})
}
