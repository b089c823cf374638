package simulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	StreamOptions       *streamOptions `json:"stream_options"`
	MaxTokens           *int           `json:"max_tokens"`
	MaxCompletionTokens *int           `json:"max_completion_tokens"`
}

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

// lastUserText returns the last user message, or the last message of any
// role when no user spoke.
func (r *chatRequest) lastUserText() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return string(r.Messages[i].Content)
		}
	}
	return string(r.Messages[len(r.Messages)-1].Content)
}

// promptTokens counts the prompt as described in tokens.go.
func (r *chatRequest) promptTokens() int {
	n := replyOverhead
	for i := range r.Messages {
		n += messageOverhead + countTokens(string(r.Messages[i].Content))
	}
	return n
}

// apiError is an OpenAI error body.
type apiError struct {
	status      int
	message     string
	typ         string
	param, code string // "" encodes as null
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
	if req.Messages == nil {
		return &apiError{status: 400, typ: "invalid_request_error", param: "messages", code: "missing_required_parameter",
			message: "Missing required parameter: 'messages'."}
	}
	if len(req.Messages) == 0 {
		return &apiError{status: 400, typ: "invalid_request_error", param: "messages", code: "empty_array",
			message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead."}
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

// openAIChat serves POST /v1/chat/completions.
func (s *Server) openAIChat(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	rnd := newRNG(s.cfg.Seed, s.seq.Add(1))
	sc := s.getScratch()
	out := sc.out
	defer func() { s.putScratch(sc, out) }()
	_, err := sc.body.ReadFrom(io.LimitReader(r.Body, maxBody+1))
	if err != nil || sc.body.Len() > maxBody {
		s.stats.badRequest.Add(1)
		msg := "The request body could not be read."
		if err == nil {
			msg = "The request body is larger than " + strconv.Itoa(maxBody) + " bytes."
		}
		s.writeError(w, &apiError{status: 400, typ: "invalid_request_error", message: msg})
		return
	}
	req, apiErr := parseChatRequest(sc.body.Bytes())
	if apiErr != nil {
		s.stats.badRequest.Add(1)
		s.writeError(w, apiErr)
		return
	}
	if req.Stream {
		s.stats.streamed.Add(1)
	}
	f := s.drawFault(&rnd)
	if s.injectError(w, r, f, &req) {
		return
	}
	ex := s.newExchange(&req, &rnd)
	if req.Stream {
		out = s.openAIStream(w, r, &ex, f == faultTruncate, out)
		return
	}
	out = s.openAIComplete(w, r, &ex, f == faultTruncate, out)
}

// injectError answers with fault f when it is an error status or a hang,
// and reports whether it did.
func (s *Server) injectError(w http.ResponseWriter, r *http.Request, f fault, req *chatRequest) bool {
	switch f {
	case faultRateLimit:
		s.stats.rateLimit.Add(1)
		h := w.Header()
		secs := int64((s.cfg.RetryAfter + time.Second - 1) / time.Second)
		h["Retry-After"] = []string{strconv.FormatInt(secs, 10)}
		h["Retry-After-Ms"] = []string{strconv.FormatInt(s.cfg.RetryAfter.Milliseconds(), 10)}
		h["X-Ratelimit-Remaining-Requests"] = hdrZero
		h["X-Ratelimit-Reset-Requests"] = []string{s.cfg.RetryAfter.String()}
		model := req.Model
		if model == "" {
			model = s.cfg.Model
		}
		s.writeError(w, &apiError{status: http.StatusTooManyRequests, typ: "requests", code: "rate_limit_exceeded",
			message: fmt.Sprintf("Rate limit reached for %s in organization org-simulator on requests per min (RPM): "+
				"Limit 10000, Used 10000, Requested 1. Please try again in %v. (simulated by llm-test-bench)", model, s.cfg.RetryAfter)})
	case faultOverload:
		s.stats.overload.Add(1)
		s.writeError(w, &apiError{status: http.StatusServiceUnavailable, typ: "service_unavailable_error", code: "server_is_overloaded",
			message: "The engine is currently overloaded, please try again later. (simulated by llm-test-bench)"})
	case faultServer:
		s.stats.server.Add(1)
		s.writeError(w, &apiError{status: http.StatusInternalServerError, typ: "server_error",
			message: "The server had an error while processing your request. Sorry about that! (simulated by llm-test-bench)"})
	case faultTimeout:
		s.stats.timeout.Add(1)
		s.hang(r.Context())
	default:
		return false
	}
	return true
}

// setOKHeaders sets the headers of a 200 answer.
func setOKHeaders(h http.Header, contentType []string, ex *exchange) {
	h["Content-Type"] = contentType
	h["X-Request-Id"] = []string{string(ex.requestID[:])}
	h["X-Ratelimit-Limit-Requests"] = hdrLimitReq
	h["X-Ratelimit-Limit-Tokens"] = hdrLimitTok
	h["X-Ratelimit-Remaining-Requests"] = hdrRemainReq
	h["X-Ratelimit-Remaining-Tokens"] = hdrRemainTok
	h["X-Ratelimit-Reset-Requests"] = hdrReset
	h["X-Ratelimit-Reset-Tokens"] = hdrReset
}

// openAIComplete sends a non-streaming answer after the configured latency.
// It builds the answer in b and returns b for reuse.
func (s *Server) openAIComplete(w http.ResponseWriter, r *http.Request, ex *exchange, truncate bool, b []byte) []byte {
	p := pacer{s: s, ctx: r.Context(), start: time.Now()}
	defer p.stop()
	var lat time.Duration
	if s.cfg.Latency.Kind != "" {
		lat = s.cfg.Latency.sample(ex.rnd)
	} else {
		lat = s.cfg.TTFT.sample(ex.rnd) + s.tokenOffset(ex.completion)
	}
	if !p.until(lat) {
		abort()
	}
	b = ex.appendCompletion(b)
	setOKHeaders(w.Header(), hdrJSON, ex)
	if truncate {
		s.stats.truncate.Add(1)
		_, _ = w.Write(b[:len(b)/2])
		return b
	}
	if _, err := w.Write(b); err == nil {
		s.stats.answered.Add(1)
	}
	return b
}

// tokenOffset is the time after the first token at which token k is sent.
func (s *Server) tokenOffset(k int) time.Duration {
	if s.cfg.TokensPerSec == 0 || k <= 0 {
		return 0
	}
	return time.Duration(float64(k) / s.cfg.TokensPerSec * float64(time.Second))
}

// openAIStream sends a streamed answer as server-sent events. Chunks are
// flushed one by one only when they are paced; otherwise the whole stream
// is written at once. It builds the chunks in b and returns b for reuse.
func (s *Server) openAIStream(w http.ResponseWriter, r *http.Request, ex *exchange, truncate bool, b []byte) []byte {
	h := w.Header()
	setOKHeaders(h, hdrSSE, ex)
	h["Cache-Control"] = hdrNoCache
	paced := s.cfg.TokensPerSec > 0 || !s.cfg.TTFT.isZero()
	var rc *http.ResponseController // only paced streams flush
	p := pacer{s: s, ctx: r.Context(), start: time.Now()}
	defer p.stop()
	if paced {
		rc = http.NewResponseController(w)
		w.WriteHeader(http.StatusOK)
		_ = rc.Flush()
	}
	ttft := s.cfg.TTFT.sample(ex.rnd)
	if !p.until(ttft) {
		abort()
	}
	b = ex.appendRoleChunk(b)
	n := ex.completion
	if truncate {
		n = (n + 1) / 2
	}
	for k, i := 0, 0; k < n; k++ {
		end := nextToken(ex.answer, i)
		if paced && k > 0 {
			if _, err := w.Write(b); err != nil {
				return b
			}
			_ = rc.Flush()
			b = b[:0]
			if !p.until(ttft + s.tokenOffset(k)) {
				abort()
			}
		}
		b = ex.appendContentChunk(b, ex.answer[i:end])
		i = end
	}
	if truncate {
		s.stats.truncate.Add(1)
		_, _ = w.Write(b)
		return b
	}
	b = ex.appendFinishChunk(b)
	if ex.includeUsage {
		b = ex.appendUsageChunk(b)
	}
	b = append(b, "data: [DONE]\n\n"...)
	if _, err := w.Write(b); err == nil {
		s.stats.answered.Add(1)
	}
	return b
}

// writeError writes an OpenAI error body with its status.
func (s *Server) writeError(w http.ResponseWriter, e *apiError) {
	sc := s.getScratch()
	b := appendErrorBody(sc.out, e)
	w.Header()["Content-Type"] = hdrJSON
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
	s.putScratch(sc, b)
}

// writeInvalidURL answers a request for a route the simulator lacks.
func (s *Server) writeInvalidURL(w http.ResponseWriter, r *http.Request, status int, what string) {
	s.writeError(w, &apiError{status: status, typ: "invalid_request_error",
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
