package simulator

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// EmbedDimensions is the length of the vectors POST /api/embed returns
// when the request does not ask for "dimensions" (at most
// MaxEmbedDimensions).
const EmbedDimensions = 384

// MaxEmbedDimensions bounds the "dimensions" of an /api/embed request.
const MaxEmbedDimensions = 4096

// Embedding vectors are deterministic functions of the text, a bag of
// words by feature hashing: every word, lowercased, adds +1 or -1 at two
// positions picked by its FNV-1a hash, and the vector is scaled to unit
// length (as Ollama's are). Texts that share words therefore have a
// positive cosine similarity, identical texts have similarity 1, and a
// text without words hashes whole into one position.

// ollamaEmbedRequest is the part of an /api/embed request the simulator reads.
type ollamaEmbedRequest struct {
	Model      string          `json:"model"`
	Input      json.RawMessage `json:"input"`
	Dimensions int             `json:"dimensions"`
}

// parseOllamaEmbed decodes and checks an /api/embed body the way Ollama
// does, returning the texts to embed.
func parseOllamaEmbed(body []byte) (ollamaEmbedRequest, []string, *apiError) {
	var req ollamaEmbedRequest
	if e := decodeOllama(body, &req); e != nil {
		return req, nil, e
	}
	if req.Model == "" {
		return req, nil, badOllama("model is required")
	}
	if req.Dimensions < 0 || req.Dimensions > MaxEmbedDimensions {
		return req, nil, badOllama("dimensions must be between 1 and " + strconv.Itoa(MaxEmbedDimensions))
	}
	var inputs []string
	switch in := req.Input; {
	case len(in) == 0 || string(in) == "null":
	case in[0] == '"':
		var s string
		if err := json.Unmarshal(in, &s); err != nil {
			return req, nil, badOllama(err.Error())
		}
		if s != "" {
			inputs = []string{s}
		}
	case in[0] == '[':
		if err := json.Unmarshal(in, &inputs); err != nil {
			return req, nil, badOllama("invalid input type")
		}
	default:
		return req, nil, badOllama("invalid input type")
	}
	return req, inputs, nil
}

// ollamaEmbed serves POST /api/embed with the core's latency and faults:
// a truncated answer is cut after half of its body.
func (s *Server) ollamaEmbed(w http.ResponseWriter, r *http.Request) {
	s.stats.requests.Add(1)
	sc := s.getScratch()
	t := &sc.turn
	*t = turn{rnd: newRNG(s.cfg.Seed, s.seq.Add(1)), start: time.Now()}
	out := sc.out
	defer func() { s.putScratch(sc, out) }()
	d := &sc.ollama
	*d = ollamaDialect{}
	body, e := s.readBody(r, sc)
	var req ollamaEmbedRequest
	var inputs []string
	if e == nil {
		req, inputs, e = parseOllamaEmbed(body)
	}
	if e != nil {
		s.stats.badRequest.Add(1)
		out = writeAPIError(w, d, e, out)
		return
	}
	loaded := time.Since(t.start)
	f := s.drawFault(&t.rnd)
	if s.injectFault(w, r, d, f, t) {
		return
	}
	p := pacer{s: s, ctx: r.Context(), start: t.start}
	defer p.stop()
	if !p.until(s.cfg.Latency.sample(&t.rnd)) {
		abort()
	}
	dim := req.Dimensions
	if dim == 0 {
		dim = EmbedDimensions
	}
	b := out[:0]
	b = append(b, `{"model":`...)
	b = appendJSONString(b, req.Model)
	b = append(b, `,"embeddings":[`...)
	vec := make([]float32, dim)
	tokens := 0
	for i, text := range inputs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendVector(b, embed(vec, text))
		tokens += countTokens(text)
	}
	b = append(b, ']')
	if len(inputs) > 0 {
		b = append(b, `,"total_duration":`...)
		b = appendInt(b, int64(max(time.Since(t.start), loaded+1)))
		b = append(b, `,"load_duration":`...)
		b = appendInt(b, int64(max(loaded, 1)))
		b = append(b, `,"prompt_eval_count":`...)
		b = appendInt(b, int64(tokens))
	}
	b = append(b, '}')
	out = b
	w.Header()["Content-Type"] = hdrOllamaJSON
	if f == faultTruncate {
		s.stats.truncate.Add(1)
		_, _ = w.Write(b[:len(b)/2])
		return
	}
	if _, err := w.Write(b); err == nil {
		s.stats.answered.Add(1)
	}
}

// embed fills vec with the unit-length embedding of text and returns it.
func embed(vec []float32, text string) []float32 {
	clear(vec)
	n := uint64(len(vec))
	add := func(h uint64) {
		for _, x := range [2]uint64{h, h*0x9e3779b97f4a7c15 ^ h>>29} {
			if x>>63 == 0 {
				vec[x%n]++
			} else {
				vec[x%n]--
			}
		}
	}
	words := 0
	var buf [utf8.UTFMax]byte
	h, inWord := uint64(fnvOffset64), false
	for i := 0; i <= len(text); {
		if i < len(text) {
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if isWord(r) {
				h = fnv1a(h, buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))])
				inWord = true
				continue
			}
		} else {
			i++
		}
		if inWord {
			add(h)
			words++
			h, inWord = fnvOffset64, false
		}
	}
	if words == 0 {
		vec[fnv1a(fnvOffset64, []byte(text))%n] = 1
		return vec
	}
	var sum float64
	for _, v := range vec {
		sum += float64(v) * float64(v)
	}
	if sum == 0 { // every word cancelled out
		vec[0], sum = 1, 1
	}
	scale := float32(1 / math.Sqrt(sum))
	for i := range vec {
		vec[i] *= scale
	}
	return vec
}

// fnvOffset64 is the FNV-1a hash of nothing.
const fnvOffset64 = 14695981039346656037

// fnv1a continues the 64-bit FNV-1a hash h over p.
func fnv1a(h uint64, p []byte) uint64 {
	for _, c := range p {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h
}

// appendVector appends vec as a JSON array of float32s formatted like
// encoding/json formats them.
func appendVector(b []byte, vec []float32) []byte {
	b = append(b, '[')
	for i, v := range vec {
		if i > 0 {
			b = append(b, ',')
		}
		f := float64(v)
		format := byte('f')
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
			format = 'e'
		}
		b = strconv.AppendFloat(b, f, format, -1, 32)
	}
	return append(b, ']')
}
