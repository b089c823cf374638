package simulator

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The wire-neutral core of a chat request: read the body, let the wire's
// dialect decode it, draw a fault, decide the answer, then pace and write
// it with the dialect's encoder. Every wire shares the latency model, the
// answer policy and fault injection; only bytes differ.

// turn is one chat request in wire-neutral form and the answer decided for it.
type turn struct {
	rnd          rng
	start        time.Time     // when the request arrived
	ttft         time.Duration // time from start to the first token
	model        string        // as the request or its URL names it (every wire requires one)
	prompt       string        // the policy's input: the last user message
	promptTokens int
	maxTokens    int  // completion limit; < 0 means none
	stream       bool // the client asked for a stream
	silent       bool // answer nothing whatever the policy says (Ollama's load request)

	stops []string // stop sequences: the answer ends before the first one found

	answer     string
	completion int    // tokens in answer
	cut        bool   // the answer was cut at maxTokens
	stopSeq    string // the stop sequence the answer ended at, when one did

	tool toolTurn // the tools offered and the calls made (tools.go)
}

// apiError is an error answer in wire-neutral form; each dialect renders it
// in its vendor's shape, choosing a default type for the status when typ is
// empty.
type apiError struct {
	status      int
	message     string
	typ         string        // OpenAI and Anthropic error type, Gemini status
	param, code string        // OpenAI's param and code; "" encodes as null
	retry       time.Duration // Gemini's RetryInfo of a rate limit; 0 means none
}

// errorShape renders errors in one vendor's shape.
type errorShape interface {
	// faultError returns fault f (faultRateLimit, faultOverload or
	// faultServer) in the vendor's shape and sets its headers on h.
	faultError(h http.Header, f fault, t *turn, cfg *Config) *apiError
	// appendError sets the content type of e on h and appends its body.
	appendError(h http.Header, b []byte, e *apiError) []byte
}

// dialect is one vendor's wire format for a single request. Its value
// holds the request's wire-specific state (ids, options), so one is used
// per request; the core calls the methods in the order listed.
type dialect interface {
	// parse decodes a request into t, or returns the vendor's answer to a
	// bad request.
	parse(r *http.Request, body []byte, t *turn) *apiError
	errorShape
	// begin picks the answer's ids and sets the headers of a 200 answer.
	begin(h http.Header, t *turn)
	// appendComplete appends the non-streamed answer.
	appendComplete(b []byte, t *turn) []byte
	// appendStart appends the events a stream opens with.
	appendStart(b []byte, t *turn) []byte
	// appendDelta appends the event carrying the k-th token (from 1),
	// text; last is set on the final token of a stream that will end well.
	appendDelta(b []byte, t *turn, text string, k int, last bool) []byte
	// appendEnd appends the events that end a stream well.
	appendEnd(b []byte, t *turn) []byte
	// The tool calls of a stream (t.tool.calls), after the text: for each
	// call, appendCallStart appends the events that open call i (its
	// name and id), appendCallDelta those carrying the next piece of its
	// arguments, and appendCallEnd those that close it, when it was sent
	// whole. Wires that send calls whole do so in appendEnd instead.
	appendCallStart(b []byte, t *turn, i int) []byte
	appendCallDelta(b []byte, t *turn, i int, args string) []byte
	appendCallEnd(b []byte, t *turn, i int) []byte
}

// serveChat answers one chat request with dialect d, which lives in sc.
func (s *Server) serveChat(w http.ResponseWriter, r *http.Request, d dialect, sc *scratch) {
	s.stats.requests.Add(1)
	t := &sc.turn
	*t = turn{rnd: newRNG(s.cfg.Seed, s.seq.Add(1)), start: time.Now(), maxTokens: -1}
	out := sc.out
	defer func() { s.putScratch(sc, out) }()
	body, e := s.readBody(r, sc)
	if e == nil {
		e = d.parse(r, body, t)
	}
	if e != nil {
		s.stats.badRequest.Add(1)
		out = writeAPIError(w, d, e, out)
		return
	}
	if t.stream {
		s.stats.streamed.Add(1)
	}
	f := s.drawFault(&t.rnd)
	if f != faultNone && s.injectFault(w, r, d, f, t) {
		return
	}
	s.decide(t)
	d.begin(w.Header(), t)
	if t.stream {
		out = s.stream(w, r, d, t, f == faultTruncate, out)
		return
	}
	out = s.complete(w, r, d, t, f == faultTruncate, out)
}

// readBody reads a request body into sc, refusing one above maxBody.
func (s *Server) readBody(r *http.Request, sc *scratch) ([]byte, *apiError) {
	_, err := sc.body.ReadFrom(io.LimitReader(r.Body, maxBody+1))
	if err == nil && sc.body.Len() <= maxBody {
		return sc.body.Bytes(), nil
	}
	msg := "The request body could not be read."
	if err == nil {
		msg = "The request body is larger than " + strconv.Itoa(maxBody) + " bytes."
	}
	return nil, &apiError{status: http.StatusBadRequest, message: msg}
}

// writeError writes e in d's shape with its status.
func (s *Server) writeError(w http.ResponseWriter, d errorShape, e *apiError) {
	sc := s.getScratch()
	s.putScratch(sc, writeAPIError(w, d, e, sc.out))
}

// writeAPIError writes e in d's shape, building it in b, and returns b.
func writeAPIError(w http.ResponseWriter, d errorShape, e *apiError, b []byte) []byte {
	b = d.appendError(w.Header(), b[:0], e)
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
	return b
}

// injectFault answers with fault f when it is an error status or a hang,
// and reports whether it did.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request, d errorShape, f fault, t *turn) bool {
	switch f {
	case faultRateLimit:
		s.stats.rateLimit.Add(1)
	case faultOverload:
		s.stats.overload.Add(1)
	case faultServer:
		s.stats.server.Add(1)
	case faultTimeout:
		s.stats.timeout.Add(1)
		s.hang(r.Context())
		return true
	default:
		return false
	}
	s.writeError(w, d, d.faultError(w.Header(), f, t, &s.cfg))
	return true
}

// decide picks the answer to t with the policy, ends it before the first
// stop sequence it contains, and cuts it at the limit.
func (s *Server) decide(t *turn) {
	if t.wantsCalls() {
		s.pickCalls(t)
		return
	}
	full := ""
	if !t.silent {
		full = s.answer(t.prompt)
	}
	full, t.stopSeq = cutAtStop(full, t.stops)
	t.answer, t.completion = truncateTokens(full, t.maxTokens)
	t.cut = len(t.answer) < len(full)
	if t.cut {
		t.stopSeq = "" // the limit came first
	}
}

// cutAtStop ends answer before the earliest occurrence of a stop sequence
// (the longest when several start there), as the vendors do, and returns
// the sequence; empty sequences are ignored.
func cutAtStop(answer string, stops []string) (string, string) {
	at, seq := len(answer)+1, ""
	for _, s := range stops {
		if s == "" {
			continue
		}
		if i := strings.Index(answer, s); i >= 0 && (i < at || i == at && len(s) > len(seq)) {
			at, seq = i, s
		}
	}
	if seq == "" {
		return answer, ""
	}
	return answer[:at], seq
}

// complete sends a non-streamed answer after the configured latency; a
// truncated one is cut after half of its body (see truncated). It builds the answer in b
// and returns b for reuse.
func (s *Server) complete(w http.ResponseWriter, r *http.Request, d dialect, t *turn, truncate bool, b []byte) []byte {
	p := pacer{s: s, ctx: r.Context(), start: t.start}
	defer p.stop()
	var lat time.Duration
	if d := s.lat(); d.Kind != "" {
		lat = d.sample(&t.rnd)
	} else {
		t.ttft = s.cfg.TTFT.sample(&t.rnd)
		lat = t.ttft + s.tokenOffset(t.completion)
	}
	if !p.until(lat) {
		abort()
	}
	b = d.appendComplete(b, t)
	if truncate {
		s.truncated(w, b[:len(b)/2])
		return b
	}
	if _, err := w.Write(b); err == nil {
		s.stats.answered.Add(1)
	}
	return b
}

// truncated sends part, the first part of an answer, and ends the response
// as Config.TruncateMode says: cleanly, or by dropping the connection after
// part has reached the client.
func (s *Server) truncated(w http.ResponseWriter, part []byte) {
	s.stats.truncate.Add(1)
	_, err := w.Write(part)
	if s.cfg.TruncateMode == TruncateClean {
		return
	}
	if err == nil {
		_ = http.NewResponseController(w).Flush()
	}
	abort()
}

// tokenOffset is the time after the first token at which token k is sent.
func (s *Server) tokenOffset(k int) time.Duration {
	return tokenOffset(k, s.cfg.TokensPerSec)
}

func tokenOffset(k int, tps float64) time.Duration {
	if tps == 0 || k <= 0 {
		return 0
	}
	return time.Duration(float64(k) / tps * float64(time.Second))
}

// streamPace is when the parts of one stream are due, counted from the
// request's arrival.
type streamPace struct {
	first time.Duration // the first token
	// total is when the stream ends; with spread set the tokens after the
	// first are spread evenly up to it, else they follow at tps.
	total  time.Duration
	spread bool
	n      int     // tokens in the whole answer
	tps    float64 // tokens per second after the first, without spread
}

// pace draws the timing of a stream of n tokens. With Config.Latency set,
// the latency drawn is the stream's total time: the first token comes
// after TTFT when it is set (at most the total), else after TTFTShare of
// the total, and the other tokens are spread evenly over the rest, so the
// last one arrives at the total. Without it, the first token comes after
// TTFT and the others at TokensPerSec.
func (s *Server) pace(r *rng, n int) streamPace {
	d := s.lat()
	if d.Kind == "" {
		return streamPace{first: s.cfg.TTFT.sample(r), n: n, tps: s.cfg.TokensPerSec}
	}
	total := d.sample(r)
	first := time.Duration(float64(total) * TTFTShare)
	if s.cfg.TTFT.Kind != "" {
		first = min(s.cfg.TTFT.sample(r), total)
	}
	return streamPace{first: first, total: total, spread: true, n: n}
}

// at is when the k-th token (from 0) is due.
func (p streamPace) at(k int) time.Duration {
	switch {
	case k <= 0:
		return p.first
	case !p.spread:
		return p.first + tokenOffset(k, p.tps)
	case p.n <= 1:
		return p.total
	}
	return p.first + time.Duration(float64(p.total-p.first)*float64(k)/float64(p.n-1))
}

// stream sends a streamed answer, one token per event, paced as pace
// describes. Events are flushed one by one only when they are paced;
// otherwise the whole stream is written at once. A truncated stream stops
// after half of its tokens, without the events that end it well. It builds
// the events in b and returns b for reuse.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, d dialect, t *turn, truncate bool, b []byte) []byte {
	paced := s.cfg.TokensPerSec > 0 || !s.cfg.TTFT.isZero() || !s.lat().isZero()
	var rc *http.ResponseController // only paced streams flush
	p := pacer{s: s, ctx: r.Context(), start: t.start}
	defer p.stop()
	if paced {
		rc = http.NewResponseController(w)
		w.WriteHeader(http.StatusOK)
		_ = rc.Flush()
	}
	sp := s.pace(&t.rnd, t.completion)
	if !p.until(sp.first) {
		abort()
	}
	t.ttft = time.Since(t.start)
	b = d.appendStart(b, t)
	n := t.completion
	if truncate {
		n = (n + 1) / 2
	}
	text := n // tokens of text; a stream of tool calls has none
	if len(t.tool.calls) > 0 {
		text = 0
	}
	for k, i := 0, 0; k < text; k++ {
		end := nextToken(t.answer, i)
		if paced && k > 0 {
			if _, err := w.Write(b); err != nil {
				return b
			}
			_ = rc.Flush()
			b = b[:0]
			if !p.until(sp.at(k)) {
				abort()
			}
		}
		b = d.appendDelta(b, t, t.answer[i:end], k+1, !truncate && k == n-1)
		i = end
	}
	if len(t.tool.calls) > 0 {
		var ok bool
		if b, ok = s.streamCalls(w, d, t, n, b, paced, rc, &p, sp); !ok {
			return b
		}
	}
	if truncate {
		s.truncated(w, b)
		return b
	}
	if sp.spread && time.Since(t.start) < sp.total {
		// A one-token or empty answer still takes the whole latency.
		if _, err := w.Write(b); err != nil {
			return b
		}
		_ = rc.Flush()
		b = b[:0]
		if !p.until(sp.total) {
			abort()
		}
	}
	b = d.appendEnd(b, t)
	if _, err := w.Write(b); err == nil {
		s.stats.answered.Add(1)
	}
	return b
}

// streamCalls sends the first n pieces of t's tool calls (the text being
// empty), each call's start counting one and each token of its
// arguments one, paced like the tokens of a text. It reports false when
// the client went away.
func (s *Server) streamCalls(w http.ResponseWriter, d dialect, t *turn, n int, b []byte, paced bool,
	rc *http.ResponseController, p *pacer, sp streamPace) ([]byte, bool) {
	k := 0
	// next readies piece k: a paced stream flushes what came before and
	// waits for the piece's time.
	next := func() bool {
		if paced && k > 0 {
			if _, err := w.Write(b); err != nil {
				return false
			}
			_ = rc.Flush()
			b = b[:0]
			if !p.until(sp.at(k)) {
				abort()
			}
		}
		k++
		return true
	}
	for i := range t.tool.calls {
		if k >= n {
			break
		}
		if !next() {
			return b, false
		}
		b = d.appendCallStart(b, t, i)
		args, j := t.tool.calls[i].args, 0
		for j < len(args) && k < n {
			if !next() {
				return b, false
			}
			end := nextToken(args, j)
			b = d.appendCallDelta(b, t, i, args[j:end])
			j = end
		}
		if j == len(args) {
			b = d.appendCallEnd(b, t, i)
		}
	}
	return b, true
}

// lastUserText returns the last user message, or the last message when no
// user spoke; the request has at least one message.
func lastUserText(msgs []chatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return string(msgs[i].Content)
		}
	}
	return string(msgs[len(msgs)-1].Content)
}

// conversationTokens counts a system prompt (when not empty) and messages
// as described in tokens.go.
func conversationTokens(system string, msgs []chatMessage) int {
	n := replyOverhead
	if system != "" {
		n += messageOverhead + countTokens(system)
	}
	for i := range msgs {
		n += messageOverhead + countTokens(string(msgs[i].Content))
	}
	return n
}
