package openai

// This file is the chunkDecoder's part for choices[].logprobs. Every field
// the completion type declares (token, logprob, top_logprobs and its
// token and logprob) is type-checked whether or not it is kept, so the
// decoder never accepts a chunk that encoding/json rejects; tokens are
// stored only when keepTokens is set, and a chunk without logprobs costs
// nothing.

func (d *chunkDecoder) logprobsValue() bool {
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
		if string(key) == "content" {
			ok = once(&set, 1) && d.array(d.logprobEntry)
		} else {
			ok = d.skip(0)
		}
		if !ok {
			return false
		}
	}
}

// array decodes a JSON array (or null) whose elements elem decodes.
func (d *chunkDecoder) array(elem func() bool) bool {
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
		if !elem() {
			return false
		}
	}
}

// logprobEntry decodes one content entry {token, logprob, top_logprobs}.
// A null entry, or a null member, counts as zero, as encoding/json leaves
// the zero struct.
func (d *chunkDecoder) logprobEntry() bool {
	tok := tokenSpan{altFrom: len(d.spans.alts)}
	if !d.null() {
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
				break
			}
			switch string(key) {
			case "logprob":
				ok = once(&set, 1) && (d.null() || d.float(&tok.logprob))
			case "token":
				ok = once(&set, 2) && d.tokenText(&tok.start, &tok.end)
			case "top_logprobs":
				ok = once(&set, 4) && d.array(d.altEntry)
			default:
				ok = d.skip(0)
			}
			if !ok {
				return false
			}
		}
	}
	d.logprobs = append(d.logprobs, tok.logprob)
	if d.keepTokens {
		tok.altTo = len(d.spans.alts)
		d.spans.tokens = append(d.spans.tokens, tok)
	}
	return true
}

// altEntry decodes one top_logprobs entry {token, logprob}.
func (d *chunkDecoder) altEntry() bool {
	var a altSpan
	if !d.null() {
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
				break
			}
			switch string(key) {
			case "logprob":
				ok = once(&set, 1) && (d.null() || d.float(&a.logprob))
			case "token":
				ok = once(&set, 2) && d.tokenText(&a.start, &a.end)
			default:
				ok = d.skip(0)
			}
			if !ok {
				return false
			}
		}
	}
	if d.keepTokens {
		d.spans.alts = append(d.spans.alts, a)
	}
	return true
}

// tokenText decodes a token string (or null, the empty token) into
// spans.text[*start:*end] when tokens are kept, and checks it otherwise.
func (d *chunkDecoder) tokenText(start, end *int) bool {
	if d.null() {
		return true
	}
	if !d.keepTokens {
		return d.peek() == '"' && d.skipString()
	}
	*start = len(d.spans.text)
	ok := d.str(&d.spans.text)
	*end = len(d.spans.text)
	return ok
}
