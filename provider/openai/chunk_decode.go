package openai

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// chunkFields is what the client reads from one completion or chunk: the
// text of choice 0 (delta then message content), its last non-empty
// finish_reason, the model, the usage, the logprobs (with the tokens and
// their alternatives when asked for) and llama.cpp's timings.prompt_n.
type chunkFields struct {
	text     []byte
	model    []byte
	finish   []byte
	logprobs []float64
	// spans are the tokens of logprobs.content, filled only when the
	// decoder keeps tokens.
	spans    tokenSpans
	usage    bench.Usage
	hasUsage bool
	hasError bool
	// cost is usage.cost (OpenRouter), valid when hasCost.
	cost    float64
	hasCost bool
	// promptN is timings.prompt_n (llama.cpp), valid when hasPromptN.
	promptN    int
	hasPromptN bool
	// delta is true when choice 0 has a delta object (role or content).
	delta bool
}

// fieldsOf maps a completion decoded by encoding/json to chunkFields, with
// the tokens when keepTokens; the fuzz test compares it with chunkDecoder.
func fieldsOf(c *completion, keepTokens bool) chunkFields {
	var f chunkFields
	f.model = []byte(c.Model)
	if c.Usage != nil {
		f.usage, f.hasUsage = c.Usage.toUsage(), true
		if c.Usage.Cost != nil {
			f.cost, f.hasCost = *c.Usage.Cost, true
		}
	}
	f.hasError = c.hasError()
	if c.Timings != nil && c.Timings.PromptN != nil {
		f.promptN, f.hasPromptN = *c.Timings.PromptN, true
	}
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.Index != 0 {
			continue
		}
		if ch.Delta != nil {
			f.text = append(f.text, ch.Delta.Content...)
			f.delta = true
		}
		if ch.Message != nil {
			f.text = append(f.text, ch.Message.Content...)
		}
		if ch.FinishReason != "" {
			f.finish = []byte(ch.FinishReason)
		}
		if ch.Logprobs != nil {
			for _, lp := range ch.Logprobs.Content {
				f.logprobs = append(f.logprobs, lp.Logprob)
			}
			if keepTokens {
				f.spans.addEntries(ch.Logprobs.Content)
			}
		}
	}
	return f
}

// chunkDecoder decodes the common chat.completion.chunk shape without
// reflection, reusing its buffers from chunk to chunk. It gives up (decode
// returns false) on anything it does not fully understand: malformed JSON,
// type mismatches, duplicate or non-lowercase-ASCII keys, content as an
// array of parts, tool calls (whose fragments state joins), deep nesting. The caller then uses encoding/json, so
// results and error messages are those of encoding/json.
type chunkDecoder struct {
	chunkFields
	// keepTokens fills spans; otherwise the tokens are checked and skipped.
	keepTokens bool
	tmp        []byte // finish_reason of the current choice
	data       []byte
	pos        int
}

const maxSkipDepth = 64

// decode parses data (already trimmed) into d.chunkFields.
func (d *chunkDecoder) decode(data []byte) bool {
	d.text, d.model, d.finish, d.logprobs = d.text[:0], d.model[:0], d.finish[:0], d.logprobs[:0]
	d.spans.reset()
	d.usage, d.hasUsage, d.hasError = bench.Usage{}, false, false
	d.cost, d.hasCost = 0, false
	d.promptN, d.hasPromptN, d.delta = 0, false, false
	d.data, d.pos = data, 0
	ok := d.top()
	d.ws()
	d.data = nil
	return ok && d.pos == len(data)
}

func (d *chunkDecoder) ws() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (d *chunkDecoder) peek() byte {
	d.ws()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

func (d *chunkDecoder) literal(lit string) bool {
	if len(d.data)-d.pos >= len(lit) && string(d.data[d.pos:d.pos+len(lit)]) == lit {
		d.pos += len(lit)
		return true
	}
	return false
}

// null consumes a null literal if one is next.
func (d *chunkDecoder) null() bool {
	return d.peek() == 'n' && d.literal("null")
}

// member reads the next key of an object whose '{' was consumed; i is the
// member's ordinal. more is false at '}'. Keys must be plain lowercase
// ASCII, so encoding/json's case-insensitive matching cannot differ.
func (d *chunkDecoder) member(i int) (key []byte, more, ok bool) {
	c := d.peek()
	if c == '}' {
		d.pos++
		return nil, false, true
	}
	if i > 0 {
		if c != ',' {
			return nil, false, false
		}
		d.pos++
		c = d.peek()
	}
	if c != '"' {
		return nil, false, false
	}
	start := d.pos + 1
	for j := start; j < len(d.data); j++ {
		b := d.data[j]
		if b == '"' {
			key = d.data[start:j]
			d.pos = j + 1
			if d.peek() != ':' {
				return nil, false, false
			}
			d.pos++
			return key, true, true
		}
		if b < 0x20 || b >= utf8.RuneSelf || b == '\\' || ('A' <= b && b <= 'Z') {
			return nil, false, false
		}
	}
	return nil, false, false
}

// once marks bit in *set, failing on a duplicate key.
func once(set *uint32, bit uint32) bool {
	if *set&bit != 0 {
		return false
	}
	*set |= bit
	return true
}

func (d *chunkDecoder) top() bool {
	if d.peek() != '{' {
		return false
	}
	d.pos++
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		switch string(key) {
		case "model":
			ok = once(&set, 1) && (d.null() || d.str(&d.model))
		case "choices":
			ok = once(&set, 2) && d.choices()
		case "usage":
			ok = once(&set, 4) && d.usageValue()
		case "error":
			if ok = once(&set, 8); ok {
				d.hasError = !d.null()
				ok = !d.hasError || d.skip(0)
			}
		case "timings":
			ok = once(&set, 16) && d.timingsValue()
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
}

func (d *chunkDecoder) choices() bool {
	if d.null() {
		return true
	}
	if d.peek() != '[' {
		return false
	}
	d.pos++
	for i := 0; ; i++ {
		c := d.peek()
		if c == ']' {
			d.pos++
			return true
		}
		if i > 0 {
			if c != ',' {
				return false
			}
			d.pos++
		}
		if !d.choice() {
			return false
		}
	}
}

// choice decodes one choice, keeping what it added only when its index is 0.
func (d *chunkDecoder) choice() bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.pos++
	textAt, lpAt, spansAt := len(d.text), len(d.logprobs), d.spans.mark()
	d.tmp = d.tmp[:0]
	index := 0
	hasDelta := false
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			break
		}
		switch string(key) {
		case "index":
			ok = once(&set, 1) && (d.null() || d.int(&index))
		case "delta":
			// Text is delta then message whatever the key order.
			if ok = once(&set, 2) && set&4 == 0; ok {
				hasDelta = d.peek() == '{'
				ok = d.message()
			}
		case "message":
			ok = once(&set, 4) && d.message()
		case "finish_reason":
			ok = once(&set, 8) && (d.null() || d.str(&d.tmp))
		case "logprobs":
			ok = once(&set, 16) && d.logprobsValue()
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
	if index != 0 {
		d.text, d.logprobs = d.text[:textAt], d.logprobs[:lpAt]
		d.spans.truncate(spansAt)
		return true
	}
	if len(d.tmp) > 0 {
		d.finish = append(d.finish[:0], d.tmp...)
	}
	d.delta = d.delta || hasDelta
	return true
}

// message decodes a delta or message object, appending its string content.
func (d *chunkDecoder) message() bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.pos++
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		switch {
		case string(key) == "content":
			ok = once(&set, 1) && (d.null() || d.str(&d.text))
		case hasToolCallKey(key):
			return false // tool calls are joined by encoding/json's path
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
}

func (d *chunkDecoder) usageValue() bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.pos++
	var p, c, t, cached, reasoning int
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			break
		}
		switch string(key) {
		case "prompt_tokens":
			ok = once(&set, 1) && (d.null() || d.int(&p))
		case "completion_tokens":
			ok = once(&set, 2) && (d.null() || d.int(&c))
		case "total_tokens":
			ok = once(&set, 4) && (d.null() || d.int(&t))
		case "prompt_tokens_details":
			ok = once(&set, 8) && d.detail("cached_tokens", &cached)
		case "completion_tokens_details":
			ok = once(&set, 16) && d.detail("reasoning_tokens", &reasoning)
		case "cost":
			if ok = once(&set, 32); ok && !d.null() {
				ok = d.float(&d.cost)
				d.hasCost = ok
			}
		default:
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
	d.usage, d.hasUsage = benchUsage(p, c, t, cached, reasoning), true
	return true
}

// timingsValue decodes llama.cpp's timings object, keeping prompt_n.
func (d *chunkDecoder) timingsValue() bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.pos++
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		if string(key) == "prompt_n" {
			if ok = once(&set, 1); ok && !d.null() {
				ok = d.int(&d.promptN)
				d.hasPromptN = ok
			}
		} else {
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
}

// detail decodes a *_tokens_details object, reading the integer member name.
func (d *chunkDecoder) detail(name string, n *int) bool {
	if d.null() {
		return true
	}
	if d.peek() != '{' {
		return false
	}
	d.pos++
	var set uint32
	for i := 0; ; i++ {
		key, more, ok := d.member(i)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		if string(key) == name {
			ok = once(&set, 1) && (d.null() || d.int(n))
		} else {
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
}

// number consumes a JSON number and returns its text, nil if malformed.
func (d *chunkDecoder) number() []byte {
	b, start := d.data, d.pos
	i := start
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return nil
	}
	if i < len(b) && b[i] == '.' {
		i++
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == j {
			return nil
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == j {
			return nil
		}
	}
	d.pos = i
	return b[start:i]
}

// int decodes a plain integer of at most 18 digits; fractions and
// exponents, which encoding/json rejects for an int, give up.
func (d *chunkDecoder) int(n *int) bool {
	d.ws()
	num := d.number()
	if num == nil {
		return false
	}
	neg := num[0] == '-'
	if neg {
		num = num[1:]
	}
	if len(num) > 18 {
		return false
	}
	v := 0
	for _, c := range num {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	*n = v
	return true
}

func (d *chunkDecoder) float(f *float64) bool {
	d.ws()
	num := d.number()
	if num == nil {
		return false
	}
	v, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		return false
	}
	*f = v
	return true
}

// str decodes a JSON string, appending it to *dst as encoding/json would
// decode it: escapes resolved, lone surrogates and invalid UTF-8 replaced
// by U+FFFD.
func (d *chunkDecoder) str(dst *[]byte) bool {
	if d.peek() != '"' {
		return false
	}
	b, out := d.data, *dst
	i := d.pos + 1
	for {
		// Copy the run of plain ASCII at once.
		j := i
		for j < len(b) && b[j] >= 0x20 && b[j] < utf8.RuneSelf && b[j] != '"' && b[j] != '\\' {
			j++
		}
		out = append(out, b[i:j]...)
		i = j
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '"':
			*dst, d.pos = out, i+1
			return true
		case c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, b[i:i+size]...)
			}
			i += size
		default: // backslash
			if i+1 >= len(b) {
				return false
			}
			switch e := b[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := hex4(b[i+2:])
				if !ok {
					return false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if i+1 < len(b) && b[i] == '\\' && b[i+1] == 'u' {
						r2, ok2 = hex4(b[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
				continue
			default:
				return false
			}
			i += 2
		}
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// skip validates and consumes any JSON value.
func (d *chunkDecoder) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch d.peek() {
	case '"':
		return d.skipString()
	case '{':
		d.pos++
		for i := 0; ; i++ {
			c := d.peek()
			if c == '}' {
				d.pos++
				return true
			}
			if i > 0 {
				if c != ',' {
					return false
				}
				d.pos++
			}
			if d.peek() != '"' || !d.skipString() || d.peek() != ':' {
				return false
			}
			d.pos++
			if !d.skip(depth + 1) {
				return false
			}
		}
	case '[':
		d.pos++
		for i := 0; ; i++ {
			c := d.peek()
			if c == ']' {
				d.pos++
				return true
			}
			if i > 0 {
				if c != ',' {
					return false
				}
				d.pos++
			}
			if !d.skip(depth + 1) {
				return false
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		return d.number() != nil
	}
}

// skipString consumes a string at d.pos, checking its escapes.
func (d *chunkDecoder) skipString() bool {
	b := d.data
	for i := d.pos + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			d.pos = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			if i+1 >= len(b) {
				return false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				if _, ok := hex4(b[i+2:]); !ok {
					return false
				}
				i += 5
			default:
				return false
			}
		}
	}
	return false
}
