package simulator

import (
	"encoding/base64"
	"encoding/binary"
	"math"
	"net/http"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// The wire-neutral core of an embedding request, shared by OpenAI's
// /embeddings, Gemini's :embedContent and :batchEmbedContents, Cohere's
// /v2/embed and Ollama's /api/embed: read the body, let the wire decode it,
// draw a fault, wait the configured latency, then write the vectors with
// the wire's encoder. Every wire embeds a text the same way (embed), so the
// same text at the same size has the same vector on every wire.

// EmbedDimensions is the length of the vectors every embedding route
// returns when the request does not ask for another size (at most
// MaxEmbedDimensions).
const EmbedDimensions = 384

// MaxEmbedDimensions bounds the vector size a request may ask for.
const MaxEmbedDimensions = 4096

// Embedding vectors are deterministic functions of the text, a bag of
// words by feature hashing: every word, lowercased, adds +1 or -1 at two
// positions picked by its FNV-1a hash, and the vector is scaled to unit
// length. Texts that share words therefore have a positive cosine
// similarity, identical texts have similarity 1, and a text without words
// hashes whole into one position.

// embedJob is one embedding request in wire-neutral form.
type embedJob struct {
	model  string
	texts  []string
	dim    int           // vector length; 0 means EmbedDimensions
	dims   []int         // per text, when they differ (Gemini's batches); 0 means dim
	parsed time.Duration // time from arrival to the decoded request
	vec    []float32     // the vector being encoded
}

// vector returns the embedding of the i-th text, valid until the next call.
func (j *embedJob) vector(i int) []float32 {
	dim := j.dim
	if i < len(j.dims) && j.dims[i] != 0 {
		dim = j.dims[i]
	}
	if dim == 0 {
		dim = EmbedDimensions
	}
	if len(j.vec) != dim {
		j.vec = make([]float32, dim)
	}
	return embed(j.vec, j.texts[i])
}

// tokens counts the job's texts as described in tokens.go.
func (j *embedJob) tokens() int {
	n := 0
	for _, t := range j.texts {
		n += countTokens(t)
	}
	return n
}

// embedWire is one vendor's embedding wire for a single request.
type embedWire interface {
	errorShape
	// parseEmbed decodes a request into job, or returns the vendor's
	// answer to a bad request; t holds the request's random source.
	parseEmbed(r *http.Request, body []byte, t *turn, job *embedJob) *apiError
	// appendEmbed sets the headers of a 200 answer on h and appends its body.
	appendEmbed(h http.Header, b []byte, t *turn, job *embedJob) []byte
}

// serveEmbed answers one embedding request with wire ew, with the core's
// latency (Config.Latency; TTFT and TokensPerSec do not apply) and faults:
// a truncated answer is cut after half of its body.
func (s *Server) serveEmbed(w http.ResponseWriter, r *http.Request, ew embedWire) {
	s.stats.requests.Add(1)
	sc := s.getScratch()
	t := &sc.turn
	*t = turn{rnd: newRNG(s.cfg.Seed, s.seq.Add(1)), start: time.Now()}
	out := sc.out
	defer func() { s.putScratch(sc, out) }()
	var job embedJob
	body, e := s.readBody(r, sc)
	if e == nil {
		e = ew.parseEmbed(r, body, t, &job)
	}
	if e != nil {
		s.stats.badRequest.Add(1)
		out = writeAPIError(w, ew, e, out)
		return
	}
	job.parsed = time.Since(t.start)
	t.model = job.model
	if t.model == "" {
		t.model = s.cfg.Model
	}
	f := s.drawFault(&t.rnd)
	if f != faultNone && s.injectFault(w, r, ew, f, t) {
		return
	}
	p := pacer{s: s, ctx: r.Context(), start: t.start}
	defer p.stop()
	if !p.until(s.lat().sample(&t.rnd)) {
		abort()
	}
	out = ew.appendEmbed(w.Header(), out[:0], t, &job)
	if f == faultTruncate {
		s.truncated(w, out[:len(out)/2])
		return
	}
	if _, err := w.Write(out); err == nil {
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

// appendBase64Vector appends vec as a JSON string: the base64 of its
// little-endian float32s, as OpenAI's and Cohere's base64 encodings send
// them.
func appendBase64Vector(b []byte, vec []float32) []byte {
	raw := make([]byte, 4*len(vec))
	for i, v := range vec {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, raw)
	return append(b, '"')
}
