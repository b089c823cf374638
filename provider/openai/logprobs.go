package openai

import "github.com/llm-test-bench/llm-test-bench/provider"

// logprobs is choices[].logprobs: one entry per generated token, each with
// its most likely alternatives when top_logprobs was asked for.
type logprobs struct {
	Content []logprobEntry `json:"content"`
}

type logprobEntry struct {
	Token       string           `json:"token"`
	Logprob     float64          `json:"logprob"`
	TopLogprobs []logprobAltJSON `json:"top_logprobs"`
}

type logprobAltJSON struct {
	Token   string  `json:"token"`
	Logprob float64 `json:"logprob"`
}

// tokenSpans holds the tokens of decoded logprobs in buffers that are
// reused from chunk to chunk: token texts back to back in text, each token
// naming its text and its alternatives by offsets. The stream decoder
// fills it without allocating once the buffers have grown; a Response
// gets strings only when the state copies the spans out.
type tokenSpans struct {
	text   []byte
	tokens []tokenSpan
	alts   []altSpan
}

// tokenSpan is one generated token: text[start:end], and its
// alternatives alts[altFrom:altTo].
type tokenSpan struct {
	start, end     int
	logprob        float64
	altFrom, altTo int
}

// altSpan is one alternative token: text[start:end].
type altSpan struct {
	start, end int
	logprob    float64
}

// spanMark is the length of each buffer, to roll back a choice whose
// index turns out not to be 0.
type spanMark struct{ text, tokens, alts int }

func (s *tokenSpans) reset() {
	s.text, s.tokens, s.alts = s.text[:0], s.tokens[:0], s.alts[:0]
}

func (s *tokenSpans) mark() spanMark {
	return spanMark{len(s.text), len(s.tokens), len(s.alts)}
}

func (s *tokenSpans) truncate(m spanMark) {
	s.text, s.tokens, s.alts = s.text[:m.text], s.tokens[:m.tokens], s.alts[:m.alts]
}

// addEntries appends entries decoded by encoding/json.
func (s *tokenSpans) addEntries(entries []logprobEntry) {
	for i := range entries {
		e := &entries[i]
		start := len(s.text)
		s.text = append(s.text, e.Token...)
		tok := tokenSpan{start: start, end: len(s.text), logprob: e.Logprob, altFrom: len(s.alts)}
		for _, a := range e.TopLogprobs {
			start := len(s.text)
			s.text = append(s.text, a.Token...)
			s.alts = append(s.alts, altSpan{start: start, end: len(s.text), logprob: a.Logprob})
		}
		tok.altTo = len(s.alts)
		s.tokens = append(s.tokens, tok)
	}
}

// appendTo appends the tokens to dst as provider values. Their strings
// share one copy of the text and their Top lists one backing array, so a
// chunk costs two allocations (plus dst's growth) however many tokens and
// alternatives it has. A token without alternatives has a nil Top.
func (s *tokenSpans) appendTo(dst []provider.TokenLogprobs) []provider.TokenLogprobs {
	if len(s.tokens) == 0 {
		return dst
	}
	text := string(s.text)
	var alts []provider.TokenLogprob
	if len(s.alts) > 0 {
		alts = make([]provider.TokenLogprob, len(s.alts))
		for i, a := range s.alts {
			alts[i] = provider.TokenLogprob{Token: text[a.start:a.end], Logprob: a.logprob}
		}
	}
	for _, t := range s.tokens {
		tl := provider.TokenLogprobs{Token: text[t.start:t.end], Logprob: t.logprob}
		if t.altTo > t.altFrom {
			tl.Top = alts[t.altFrom:t.altTo:t.altTo]
		}
		dst = append(dst, tl)
	}
	return dst
}
