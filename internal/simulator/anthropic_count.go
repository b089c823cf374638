package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// anthropicCountTokens serves POST /v1/messages/count_tokens
// (PROVIDER_FACTS.md §3): the body of a Messages request without
// max_tokens, answered {"input_tokens":N} with N the input_tokens a
// Messages call with that body would report. It checks the version header
// and the body as Anthropic does; faults and latency do not apply, as the
// endpoint is not a model call.
func (s *Server) anthropicCountTokens(w http.ResponseWriter, r *http.Request) {
	var d anthropicDialect
	rnd := newRNG(s.cfg.Seed, s.seq.Add(1))
	d.setRequestID(&rnd)
	sc := s.getScratch()
	body, e := s.readBody(r, sc)
	var n int
	if e == nil {
		n, e = countAnthropicTokens(r.Header, body)
	}
	if e != nil {
		s.putScratch(sc, sc.out)
		s.writeError(w, &d, e)
		return
	}
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Request-Id"] = []string{string(d.requestID[:])}
	b := sc.out[:0]
	b = append(b, `{"input_tokens":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '}')
	_, _ = w.Write(b)
	s.putScratch(sc, b)
}

// countAnthropicTokens checks a count_tokens request and counts its input.
func countAnthropicTokens(h http.Header, body []byte) (int, *apiError) {
	if e := checkAnthropicVersion(h); e != nil {
		return 0, e
	}
	var req anthropicRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, anthropicDecodeError(err)
	}
	one := 1
	req.MaxTokens = &one // count_tokens takes no max_tokens
	if e := checkAnthropicRequest(&req); e != nil {
		return 0, e
	}
	return conversationTokens(string(req.System), req.Messages), nil
}
