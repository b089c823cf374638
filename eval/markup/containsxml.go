package markup

import (
	"unicode/utf8"
)

// xmlScanBudget bounds the bytes contains-xml decodes over all its tries,
// as a multiple of the answer's length: an answer of many unclosed tags
// ("<a><a><a>…") cannot make it quadratic.
const xmlScanBudget = 64

// xmlCandidate is a well-formed element found in the answer.
type xmlCandidate struct {
	end   int
	name  string
	value xmlNode
}

// elementAt reads one element starting at s[start:]; ok is false when it
// is not well-formed. read is how many bytes the decoder consumed.
func elementAt(s string, start int) (c xmlCandidate, ok bool, read int) {
	r := newXMLReader(s[start:])
	top := &xmlElement{fields: map[string]any{}}
	err := r.element(top)
	read = int(r.d.InputOffset())
	if err != nil || len(top.order) != 1 {
		return c, false, read
	}
	name := top.order[0]
	return xmlCandidate{end: start + read, name: name, value: top.fields[name]}, true, read
}

// startsElement reports whether s begins with a start tag's '<' and a
// name-start character.
func startsElement(s string) bool {
	if len(s) < 2 || s[0] != '<' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return r == ':' || r == '_' || r >= 0x80 || isASCIILetter(byte(r))
}

// outermostElements finds the well-formed elements of s that no other
// well-formed element holds, left to right.
func outermostElements(s string) []xmlCandidate {
	budget := xmlScanBudget*len(s) + 1<<16
	var out []xmlCandidate
	for i := 0; i < len(s) && budget > 0; i++ {
		if !startsElement(s[i:]) {
			continue
		}
		c, ok, read := elementAt(s, i)
		budget -= read + 1
		if ok {
			out = append(out, c)
			i = c.end - 1
		}
	}
	return out
}

// containsXML reports why no well-formed XML in s holds the required
// elements, or "" when some does. Like promptfoo it reads the outermost
// well-formed elements together as one fragment (so required paths may
// start at any of them), then each alone, and does not look inside a
// well-formed element for a nested one.
func containsXML(s string, required []string) string {
	if len(s) > maxMarkupBytes {
		return "Output exceeds maximum size limit"
	}
	found := outermostElements(s)
	if len(found) == 0 {
		return "No XML content found in the output"
	}
	if len(found) > 1 {
		all := &xmlElement{fields: map[string]any{}}
		for _, c := range found {
			all.add(c.name, c.value)
		}
		if len(missing(all.fields, required)) == 0 {
			return ""
		}
	}
	for _, c := range found {
		if len(missing(map[string]any{c.name: c.value}, required)) == 0 {
			return ""
		}
	}
	return "No valid XML content found matching the requirements"
}
