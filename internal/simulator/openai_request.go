package simulator

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fastParseChat decodes the common shape of a Chat Completions request
// without reflection. It reports ok=false for anything unusual (escaped or
// invalid UTF-8 strings are fine; nulls outside content, wrong types,
// case-folded keys, malformed JSON are not), and the caller then falls back
// to encoding/json, which also produces the exact error message. On ok it
// yields what encoding/json would; FuzzFastParseChat checks that.
func fastParseChat(b []byte, req *chatRequest) bool {
	p := jsonParser{b: b}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "model":
			return p.str(&req.Model)
		case "messages":
			return p.messages(&req.Messages)
		case "stream":
			return p.boolean(&req.Stream)
		case "stream_options":
			if req.StreamOptions == nil { // encoding/json reuses a set pointer
				req.StreamOptions = new(streamOptions)
			}
			return p.object(func(key []byte) bool {
				switch string(key) {
				case "include_usage":
					return p.boolean(&req.StreamOptions.IncludeUsage)
				case "include_obfuscation":
					if req.StreamOptions.IncludeObfuscation == nil {
						req.StreamOptions.IncludeObfuscation = new(bool)
					}
					return p.boolean(req.StreamOptions.IncludeObfuscation)
				}
				return p.other(key, "include_usage", "include_obfuscation")
			})
		case "max_tokens":
			return p.intPtr(&req.MaxTokens)
		case "max_completion_tokens":
			return p.intPtr(&req.MaxCompletionTokens)
		case "logprobs":
			return p.boolean(&req.Logprobs)
		case "top_logprobs":
			return p.intPtr(&req.TopLogprobs)
		case "stop":
			return p.stop(&req.Stop)
		case "n":
			return p.intPtr(&req.N)
		case "tools", "tool_choice", "parallel_tool_calls":
			return false // encoding/json reads tools
		}
		return p.other(key, "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "logprobs", "top_logprobs",
			"stop", "n")
	})
	p.space()
	return ok && p.i == len(p.b)
}

// jsonParser is a strict recursive-descent reader over one JSON document.
type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (p *jsonParser) peek() byte {
	p.space()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// object reads an object, calling field after each key with the parser
// positioned at the value. Keys are passed undecoded, so an object with an
// escaped key is refused; field must not keep key.
func (p *jsonParser) object(field func(key []byte) bool) bool {
	if p.peek() != '{' {
		return false
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		key, ok := p.rawKey()
		if !ok || p.peek() != ':' {
			return false
		}
		p.i++
		if !field(key) {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// array reads an array, calling elem with the parser at each element.
func (p *jsonParser) array(elem func() bool) bool {
	if p.peek() != '[' {
		return false
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return false
		}
	}
}

// rawKey reads an object key without escapes and returns its bytes.
func (p *jsonParser) rawKey() ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	start := p.i + 1
	for p.i = start; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			key := p.b[start : p.i-1]
			return key, utf8.Valid(key)
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// str reads a string; escapes are decoded by encoding/json.
func (p *jsonParser) str(dst *string) bool {
	if p.peek() != '"' {
		return false
	}
	start := p.i
	p.i++
	escaped, ascii := false, true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			raw := p.b[start+1 : p.i-1]
			if escaped || (!ascii && !utf8.Valid(raw)) {
				return json.Unmarshal(p.b[start:p.i], dst) == nil
			}
			*dst = string(raw)
			return true
		case c == '\\':
			escaped = true
			p.i += 2
		case c < 0x20:
			return false
		default:
			if c >= utf8.RuneSelf {
				ascii = false
			}
			p.i++
		}
	}
	return false
}

func (p *jsonParser) literal(lit string) bool {
	if p.peek() == 0 || !bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
		return false
	}
	p.i += len(lit)
	return true
}

func (p *jsonParser) boolean(dst *bool) bool {
	switch p.peek() {
	case 't':
		*dst = true
		return p.literal("true")
	case 'f':
		*dst = false
		return p.literal("false")
	}
	return false
}

// boolPtr reads a boolean into *dst, which encoding/json reuses when a key
// repeats.
func (p *jsonParser) boolPtr(dst **bool) bool {
	if *dst == nil {
		*dst = new(bool)
	}
	return p.boolean(*dst)
}

// intPtr reads a plain integer that fits an int.
func (p *jsonParser) intPtr(dst **int) bool {
	p.space()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || (p.b[digits] == '0' && p.i-digits > 1) {
		return false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return false
	}
	n, err := strconv.Atoi(string(p.b[start:p.i]))
	if err != nil {
		return false
	}
	*dst = &n
	return true
}

// messages reads an array of chat messages. A repeated key is refused:
// encoding/json would decode the second array over the first one's
// elements.
func (p *jsonParser) messages(dst *[]chatMessage) bool {
	if *dst != nil {
		return false
	}
	msgs := make([]chatMessage, 0, 4)
	ok := p.array(func() bool {
		msgs = append(msgs, chatMessage{})
		return p.message(&msgs[len(msgs)-1])
	})
	*dst = msgs
	return ok
}

// message reads one chat message.
func (p *jsonParser) message(m *chatMessage) bool {
	return p.object(func(key []byte) bool {
		switch string(key) {
		case "role":
			return p.str(&m.Role)
		case "content":
			return p.content(&m.Content)
		}
		return p.other(key, "role", "content")
	})
}

// content reads a message's content: a string, null, or content parts.
func (p *jsonParser) content(dst *textContent) bool {
	switch p.peek() {
	case '"':
		var s string
		ok := p.str(&s)
		*dst = textContent(s)
		return ok
	case 'n':
		*dst = ""
		return p.literal("null")
	}
	var text []byte
	ok := p.array(func() bool {
		var typ, txt string
		if !p.object(func(key []byte) bool {
			switch string(key) {
			case "type":
				return p.str(&typ)
			case "text":
				return p.str(&txt)
			}
			return p.other(key, "type", "text")
		}) {
			return false
		}
		if typ == "tool_result" {
			return false // encoding/json's path reads tool results
		}
		if typ == "text" {
			if len(text) > 0 {
				text = append(text, '\n')
			}
			text = append(text, txt...)
		}
		return true
	})
	*dst = textContent(text)
	return ok
}

// stop reads OpenAI's stop: a string, null or a list of strings.
func (p *jsonParser) stop(dst *stopSequences) bool {
	if p.peek() == '"' {
		var one string
		if !p.str(&one) {
			return false
		}
		*dst = stopSequences{one}
		return true
	}
	return p.strList((*[]string)(dst))
}

// strList reads null (nil) or a list of strings.
func (p *jsonParser) strList(dst *[]string) bool {
	if p.peek() == 'n' {
		*dst = nil
		return p.literal("null")
	}
	list := []string{}
	ok := p.array(func() bool {
		var s string
		if !p.str(&s) {
			return false
		}
		list = append(list, s)
		return true
	})
	*dst = list
	return ok
}

// other skips the value of a key the simulator ignores; a key that only
// differs in case from a known one would be matched by encoding/json, so it
// is refused.
func (p *jsonParser) other(key []byte, known ...string) bool {
	for _, k := range known {
		if bytes.EqualFold(key, []byte(k)) {
			return false
		}
	}
	return p.skip(0)
}

// skip reads and discards any value, validating it strictly.
func (p *jsonParser) skip(depth int) bool {
	if depth > 64 {
		return false
	}
	switch c := p.peek(); {
	case c == '{':
		return p.object(func([]byte) bool { return p.skip(depth + 1) })
	case c == '[':
		return p.array(func() bool { return p.skip(depth + 1) })
	case c == '"':
		return p.skipString()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return false
}

func (p *jsonParser) skipString() bool {
	p.i++
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return true
		case c == '\\':
			p.i++
			if p.i >= len(p.b) {
				return false
			}
			switch p.b[p.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i++
			case 'u':
				if p.i+5 > len(p.b) {
					return false
				}
				for _, h := range p.b[p.i+1 : p.i+5] {
					if !strings.ContainsRune("0123456789abcdefABCDEF", rune(h)) {
						return false
					}
				}
				p.i += 5
			default:
				return false
			}
		case c < 0x20:
			return false
		default:
			p.i++
		}
	}
	return false
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *jsonParser) number() bool {
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return false
		}
	}
	return true
}
