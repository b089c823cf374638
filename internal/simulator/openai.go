package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The OpenAI Chat Completions wire (PROVIDER_FACTS.md §1).

// Header values shared by every response; net/http only reads them.
var (
	hdrSimulator = []string{"llm-test-bench"}
	hdrJSON      = []string{"application/json"}
	hdrSSE       = []string{"text/event-stream; charset=utf-8"}
	hdrNoCache   = []string{"no-cache"}
	hdrLimitReq  = []string{"10000"}
	hdrLimitTok  = []string{"10000000"}
	hdrRemainReq = []string{"9999"}
	hdrRemainTok = []string{"9999000"}
	hdrReset     = []string{"6ms"}
	hdrZero      = []string{"0"}
)

// chatRequest is the part of a Chat Completions request the simulator reads.
type chatRequest struct {
	Model               string         `json:"model"`
	Messages            []chatMessage  `json:"messages"`
	Stream              bool           `json:"stream"`
	Logprobs            bool           `json:"logprobs"` // beside Stream, so the struct keeps its size class
	StreamOptions       *streamOptions `json:"stream_options"`
	MaxTokens           *int           `json:"max_tokens"`
	MaxCompletionTokens *int           `json:"max_completion_tokens"`
	TopLogprobs         *int           `json:"top_logprobs"`
	Stop                stopSequences  `json:"stop"`
	N                   *int           `json:"n"`
	OpenAIToolFields
}

// stopSequences is OpenAI's stop: a string, a list of strings, or null.
type stopSequences []string

// UnmarshalJSON accepts a string, a list of strings, or null.
func (s *stopSequences) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = stopSequences{one}
		return nil
	case string(b) == "null":
		*s = nil
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*s = list
	return nil
}

// maxStop is the most stop sequences OpenAI takes.
const maxStop = 4

// maxChoices is the largest n OpenAI takes.
const maxChoices = 128

type streamOptions struct {
	IncludeUsage       bool  `json:"include_usage"`
	IncludeObfuscation *bool `json:"include_obfuscation"`
}

type chatMessage struct {
	Role    string      `json:"role"`
	Content textContent `json:"content"`
}

// textContent is a message's text: a JSON string, or the text parts of a
// content array joined by newlines (image, audio and file parts are ignored).
type textContent string

// UnmarshalJSON accepts a string, null, or an array of content parts.
func (t *textContent) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = textContent(s)
	case len(b) > 0 && b[0] == '[':
		var parts []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		var text []byte
		for _, p := range parts {
			if p.Type != "text" {
				continue
			}
			if len(text) > 0 {
				text = append(text, '\n')
			}
			text = append(text, p.Text...)
		}
		*t = textContent(text)
	case string(b) == "null":
		*t = ""
	default:
		return errors.New("content must be a string or an array of content parts")
	}
	return nil
}

// parseChatRequest decodes and checks a request body the way OpenAI does.
func parseChatRequest(body []byte) (chatRequest, *apiError) {
	var req chatRequest
	if !fastParseChat(body, &req) {
		req = chatRequest{}
		if err := json.Unmarshal(body, &req); err != nil {
			return req, decodeError(err)
		}
	}
	return req, checkChatRequest(&req)
}

// decodeError turns an encoding/json error into OpenAI's 400 body.
func decodeError(err error) *apiError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &apiError{status: 400, typ: "invalid_request_error", param: te.Field,
			message: fmt.Sprintf("Invalid type for '%s': expected %s, but got %s.", te.Field, te.Type, te.Value)}
	}
	return &apiError{status: 400, typ: "invalid_request_error", message: "We could not parse the JSON body of your request. " +
		"(HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, " +
		"but what was sent was not valid JSON.) [llm-test-bench simulator: " + err.Error() + "]"}
}

// checkChatRequest checks a decoded request the way OpenAI does.
func checkChatRequest(req *chatRequest) *apiError {
	if req.Model == "" {
		// OpenAI's words, without param or code.
		return &apiError{status: 400, typ: "invalid_request_error", message: "you must provide a model parameter"}
	}
	if req.Messages == nil {
		return &apiError{status: 400, typ: "invalid_request_error", param: "messages", code: "missing_required_parameter",
			message: "Missing required parameter: 'messages'."}
	}
	if len(req.Messages) == 0 {
		return &apiError{status: 400, typ: "invalid_request_error", param: "messages", code: "empty_array",
			message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."}
	}
	if n := req.N; n != nil && (*n < 1 || *n > maxChoices) {
		code, msg := "integer_below_min_value", fmt.Sprintf("integer below minimum value. Expected a value >= 1, but got %d instead.", *n)
		if *n > maxChoices {
			code, msg = "integer_above_max_value", fmt.Sprintf("integer above maximum value. Expected a value <= %d, but got %d instead.", maxChoices, *n)
		}
		return &apiError{status: 400, typ: "invalid_request_error", param: "n", code: code, message: "Invalid 'n': " + msg}
	}
	if len(req.Stop) > maxStop {
		return &apiError{status: 400, typ: "invalid_request_error", param: "stop", code: "array_above_max_length",
			message: fmt.Sprintf("Invalid 'stop': array too long. Expected an array with maximum length %d, but got an array with length %d instead.",
				maxStop, len(req.Stop))}
	}
	for _, p := range []struct {
		name string
		v    *int
	}{{"max_tokens", req.MaxTokens}, {"max_completion_tokens", req.MaxCompletionTokens}} {
		if p.v != nil && *p.v < 1 {
			return &apiError{status: 400, typ: "invalid_request_error", param: p.name, code: "integer_below_min_value",
				message: fmt.Sprintf("Invalid '%s': integer below minimum value. Expected a value >= 1, but got %d instead.", p.name, *p.v)}
		}
	}
	return checkLogprobs(req)
}

// checkLogprobs checks logprobs and top_logprobs (0 to MaxTopLogprobs,
// only with logprobs).
func checkLogprobs(req *chatRequest) *apiError {
	k := req.TopLogprobs
	switch {
	case k == nil:
		return nil
	case *k < 0:
		return &apiError{status: 400, typ: "invalid_request_error", param: "top_logprobs", code: "integer_below_min_value",
			message: fmt.Sprintf("Invalid 'top_logprobs': integer below minimum value. Expected a value >= 0, but got %d instead.", *k)}
	case *k > MaxTopLogprobs:
		return &apiError{status: 400, typ: "invalid_request_error", param: "top_logprobs", code: "integer_above_max_value",
			message: fmt.Sprintf("Invalid 'top_logprobs': integer above maximum value. Expected a value <= %d, but got %d instead.", MaxTopLogprobs, *k)}
	case *k > 0 && !req.Logprobs:
		return &apiError{status: 400, typ: "invalid_request_error", param: "top_logprobs",
			message: "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used."}
	}
	return nil
}

// maxTokens is the completion limit the request sets, or -1.
func (r *chatRequest) maxTokens() int {
	if r.MaxCompletionTokens != nil {
		return *r.MaxCompletionTokens
	}
	if r.MaxTokens != nil {
		return *r.MaxTokens
	}
	return -1
}

// openAIDialect is the OpenAI Chat Completions wire of one request.
type openAIDialect struct {
	id           [len("chatcmpl-") + 29]byte
	requestID    [len("req_") + 32]byte
	created      int64
	includeUsage bool
	obfuscate    bool
	// usageAlways puts usage on the last chunk of every stream, as Mistral
	// does without being asked; OpenAI needs stream_options.include_usage.
	usageAlways bool
	dated       bool   // answer with the model's dated snapshot (openai_models.go)
	choices     int    // n: the number of choices, each the same answer
	logprobs    bool   // the request asked for logprobs
	topLogprobs uint8  // alternatives per token (top_logprobs, at most MaxTopLogprobs)
	prefix      []byte // stream chunk prefix up to "choices":, kept across requests
}

// openAIChat serves POST /v1/chat/completions. flavor names the
// OpenAI-compatible vendor whose quirks to follow ("" for OpenAI's own).
func (s *Server) openAIChat(w http.ResponseWriter, r *http.Request, flavor string) {
	sc := s.getScratch()
	sc.openAI = openAIDialect{prefix: sc.openAI.prefix[:0], usageAlways: flavor == "mistral", dated: datedFlavor(flavor)}
	s.serveChat(w, r, &sc.openAI, sc)
}

func (d *openAIDialect) parse(_ *http.Request, body []byte, t *turn) *apiError {
	req, e := parseChatRequest(body)
	if e != nil {
		return e
	}
	t.model = req.Model
	if d.dated {
		t.model = openAIModelName(req.Model)
	}
	t.prompt = lastUserText(req.Messages)
	t.promptTokens = conversationTokens("", req.Messages)
	t.maxTokens = req.maxTokens()
	t.stream = req.Stream
	t.stops = req.Stop
	if t.tool, e = req.toolTurn(); e != nil {
		return e
	}
	t.setResults(trailingResults(req.Messages, "tool"))
	d.choices = 1
	if req.N != nil {
		d.choices = *req.N // checked: 1 to maxChoices
	}
	d.logprobs = req.Logprobs
	if req.TopLogprobs != nil {
		d.topLogprobs = uint8(*req.TopLogprobs) // checked: 0 to MaxTopLogprobs
	}
	d.obfuscate = !d.usageAlways
	d.includeUsage = d.usageAlways
	if o := req.StreamOptions; o != nil {
		d.includeUsage = o.IncludeUsage || d.usageAlways
		if o.IncludeObfuscation != nil {
			d.obfuscate = *o.IncludeObfuscation
		}
	}
	return nil
}

func (d *openAIDialect) faultError(h http.Header, f fault, t *turn, cfg *Config) *apiError {
	switch f {
	case faultRateLimit:
		secs := int64((cfg.RetryAfter + time.Second - 1) / time.Second)
		h["Retry-After"] = []string{strconv.FormatInt(secs, 10)}
		h["Retry-After-Ms"] = []string{strconv.FormatInt(cfg.RetryAfter.Milliseconds(), 10)}
		h["X-Ratelimit-Remaining-Requests"] = hdrZero
		h["X-Ratelimit-Reset-Requests"] = []string{cfg.RetryAfter.String()}
		return &apiError{status: http.StatusTooManyRequests, typ: "requests", code: "rate_limit_exceeded",
			message: fmt.Sprintf("Rate limit reached for %s in organization org-simulator on requests per min (RPM): "+
				"Limit 10000, Used 10000, Requested 1. Please try again in %v. (simulated by llm-test-bench)", t.model, cfg.RetryAfter)}
	case faultOverload:
		return &apiError{status: http.StatusServiceUnavailable, typ: "service_unavailable_error", code: "server_is_overloaded",
			message: "The engine is currently overloaded, please try again later. (simulated by llm-test-bench)"}
	default:
		return &apiError{status: http.StatusInternalServerError, typ: "server_error",
			message: "The server had an error while processing your request. Sorry about that! (simulated by llm-test-bench)"}
	}
}

// appendError appends OpenAI's error body and sets the headers OpenAI
// sends on every answer, errors included: x-request-id and the
// x-ratelimit-* headers (a rate limit's own values kept).
func (d *openAIDialect) appendError(h http.Header, b []byte, e *apiError) []byte {
	h["Content-Type"] = hdrJSON
	if d.requestID[0] == 0 { // no answer began: pick an id of its own
		copy(d.requestID[:], "req_")
		for i := len("req_"); i < len(d.requestID); i++ {
			d.requestID[i] = hexDigits[rand.Uint64()&0xf]
		}
	}
	h["X-Request-Id"] = []string{string(d.requestID[:])}
	setOpenAILimits(h)
	if e.typ == "" {
		e.typ = "invalid_request_error"
	}
	return appendErrorBody(b, e)
}

// begin picks the ids and sets the headers of a 200 answer.
func (d *openAIDialect) begin(h http.Header, t *turn) {
	d.created = time.Now().Unix()
	copy(d.id[:], "chatcmpl-")
	t.rnd.appendAlnum(d.id[:len("chatcmpl-")], 29)
	copy(d.requestID[:], "req_")
	for i := len("req_"); i < len(d.requestID); i++ {
		d.requestID[i] = hexDigits[t.rnd.uint64()&0xf]
	}
	ct := hdrJSON
	if t.stream {
		ct = hdrSSE
		h["Cache-Control"] = hdrNoCache
	}
	h["Content-Type"] = ct
	h["X-Request-Id"] = []string{string(d.requestID[:])}
	t.setCallIDs("call_", 24, alnum)
	h["X-Ratelimit-Limit-Requests"] = hdrLimitReq
	h["X-Ratelimit-Limit-Tokens"] = hdrLimitTok
	h["X-Ratelimit-Remaining-Requests"] = hdrRemainReq
	h["X-Ratelimit-Remaining-Tokens"] = hdrRemainTok
	h["X-Ratelimit-Reset-Requests"] = hdrReset
	h["X-Ratelimit-Reset-Tokens"] = hdrReset
}

// setOpenAILimits sets the x-ratelimit-* headers that h lacks.
func setOpenAILimits(h http.Header) {
	for _, kv := range [...]struct {
		k string
		v []string
	}{
		{"X-Ratelimit-Limit-Requests", hdrLimitReq}, {"X-Ratelimit-Limit-Tokens", hdrLimitTok},
		{"X-Ratelimit-Remaining-Requests", hdrRemainReq}, {"X-Ratelimit-Remaining-Tokens", hdrRemainTok},
		{"X-Ratelimit-Reset-Requests", hdrReset}, {"X-Ratelimit-Reset-Tokens", hdrReset},
	} {
		if _, ok := h[kv.k]; !ok {
			h[kv.k] = kv.v
		}
	}
}

func (d *openAIDialect) appendStart(b []byte, t *turn) []byte { return d.appendRoleChunk(b, t) }

func (d *openAIDialect) appendDelta(b []byte, t *turn, text string, _ int, _ bool) []byte {
	return d.appendContentChunk(b, t, text)
}

func (d *openAIDialect) appendEnd(b []byte, t *turn) []byte {
	b = d.appendFinishChunk(b, t)
	if d.includeUsage {
		b = d.appendUsageChunk(b, t)
	}
	return append(b, "data: [DONE]\n\n"...)
}

// writeInvalidURL answers a request for a route the simulator lacks in
// OpenAI's shape.
func (s *Server) writeInvalidURL(w http.ResponseWriter, r *http.Request, status int, what string) {
	s.writeError(w, &openAIDialect{}, &apiError{status: status, typ: "invalid_request_error",
		message: what + " (" + r.Method + " " + r.URL.Path + ")"})
}

// openAIModels serves GET /v1/models.
func (s *Server) openAIModels(w http.ResponseWriter) {
	b := []byte(`{"object":"list","data":[`)
	b = appendModel(b, s.cfg.Model)
	b = append(b, "]}\n"...)
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(b)
}

// openAIModel serves GET /v1/models/{model}: the simulator answers for any
// model name.
func (s *Server) openAIModel(w http.ResponseWriter, model string) {
	b := appendModel(nil, model)
	w.Header()["Content-Type"] = hdrJSON
	_, _ = w.Write(append(b, '\n'))
}
