package markup

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xmlNode is an element as promptfoo's XML parser (fast-xml-parser) turns
// it into a value, reduced to what a required-element path can reach: a
// map of child names, "@_"+attribute names and "#text"; a string for an
// element with nothing but text (or nothing at all); a list where a name
// repeats.
type xmlNode = any

// xmlElement is an element while it is being read.
type xmlElement struct {
	name     string
	fields   map[string]any
	order    []string
	text     strings.Builder
	hasChild bool
}

func newElement(se xml.StartElement) (*xmlElement, error) {
	e := &xmlElement{name: qname(se.Name), fields: map[string]any{}}
	for _, at := range se.Attr {
		k := "@_" + qname(at.Name)
		if _, dup := e.fields[k]; dup {
			return nil, fmt.Errorf("attribute %q appears twice in <%s>", qname(at.Name), e.name)
		}
		e.fields[k] = at.Value
		e.hasChild = true
	}
	return e, nil
}

// qname is a name as written, prefix included.
func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// add puts a child's value under its name, a list when the name repeats.
func (e *xmlElement) add(name string, v xmlNode) {
	e.hasChild = true
	switch old := e.fields[name].(type) {
	case nil:
		e.fields[name] = v
		e.order = append(e.order, name)
	case []any:
		e.fields[name] = append(old, v)
	default:
		e.fields[name] = []any{old, v}
	}
}

// value is the element as promptfoo's parser gives it.
func (e *xmlElement) value() xmlNode {
	text := strings.TrimSpace(e.text.String())
	if !e.hasChild {
		return text
	}
	if text != "" {
		e.fields["#text"] = text
	}
	return e.fields
}

// xmlReader reads elements from a strict decoder, checking that end tags
// match (RawToken keeps prefixes as written and leaves matching to us).
type xmlReader struct {
	d     *xml.Decoder
	stack []*xmlElement
}

func newXMLReader(s string) *xmlReader {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	return &xmlReader{d: d}
}

// errTextOutside is text found beside the top-level elements.
var errTextOutside = errors.New("text data outside of root node")

// element reads one whole element whose start tag is the next token
// (white space before it is skipped) and returns its value.
func (r *xmlReader) element(top *xmlElement) error {
	for {
		tok, err := r.d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) && len(r.stack) > 0 {
				return fmt.Errorf("unclosed tag <%s>", r.stack[len(r.stack)-1].name)
			}
			return err
		}
		done, err := r.step(tok, top)
		if err != nil || done {
			return err
		}
	}
}

// step applies one token; done is true when the outermost element closed.
func (r *xmlReader) step(tok xml.Token, top *xmlElement) (done bool, err error) {
	depth := len(r.stack)
	switch t := tok.(type) {
	case xml.StartElement:
		e, err := newElement(t)
		if err != nil {
			return false, err
		}
		r.stack = append(r.stack, e)
	case xml.EndElement:
		if depth == 0 {
			return false, fmt.Errorf("unexpected end tag </%s>", qname(t.Name))
		}
		e := r.stack[depth-1]
		if qname(t.Name) != e.name {
			return false, fmt.Errorf("end tag </%s> does not match <%s>", qname(t.Name), e.name)
		}
		r.stack = r.stack[:depth-1]
		parent := top
		if depth > 1 {
			parent = r.stack[depth-2]
		}
		parent.add(e.name, e.value())
		return depth == 1, nil
	case xml.CharData:
		if depth == 0 {
			if len(bytes.TrimSpace(t)) > 0 {
				return false, errTextOutside
			}
			return false, nil
		}
		r.stack[depth-1].text.Write(t)
	case xml.Directive:
		if depth == 0 && bytes.HasPrefix(t, []byte("DOCTYPE")) && hasInternalSubset(t) {
			return false, errInternalSubset
		}
	}
	return false, nil
}

// errInternalSubset: promptfoo refuses DTD internal subsets (entity
// definitions can expand without bound).
var errInternalSubset = errors.New("DTD internal subsets are not supported by is-xml validation")

// hasInternalSubset reports a '[' outside quotes in a DOCTYPE.
func hasInternalSubset(d []byte) bool {
	var quote byte
	for _, c := range d {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[':
			return true
		}
	}
	return false
}

// parseXMLDocument checks that s is one well-formed XML document and
// returns its value: a map from the root element's name.
func parseXMLDocument(s string) (map[string]any, error) {
	r := newXMLReader(s)
	top := &xmlElement{fields: map[string]any{}}
	roots := 0
	for {
		tok, err := r.d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if _, ok := tok.(xml.StartElement); ok {
			if roots++; roots > 1 {
				return nil, errors.New("more than one root element")
			}
		}
		if _, err := r.step(tok, top); err != nil {
			return nil, err
		}
		if _, ok := tok.(xml.StartElement); ok {
			if err := r.element(top); err != nil {
				return nil, err
			}
		}
	}
	if roots == 0 {
		return nil, errors.New("document has no root element")
	}
	return top.fields, nil
}

// hasPath reports whether the dot path reaches a value: map keys, and
// list indexes where a name repeats.
func hasPath(v any, path []string) bool {
	for _, key := range path {
		switch cur := v.(type) {
		case map[string]any:
			next, ok := cur[key]
			if !ok {
				return false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || strconv.Itoa(i) != key || i >= len(cur) {
				return false
			}
			v = cur[i]
		default:
			return false
		}
	}
	return true
}

// missing lists the required paths v lacks.
func missing(v map[string]any, required []string) []string {
	var out []string
	for _, r := range required {
		if !hasPath(v, strings.Split(r, ".")) {
			out = append(out, r)
		}
	}
	return out
}

// validateXML reports why s is not a valid document with the required
// elements, or "" when it is.
func validateXML(s string, required []string) string {
	if len(s) > maxMarkupBytes {
		return "Output exceeds maximum size limit"
	}
	doc, err := parseXMLDocument(strings.TrimPrefix(s, "\uFEFF"))
	switch {
	case errors.Is(err, errInternalSubset):
		return err.Error()
	case err != nil:
		return "XML parsing failed: " + err.Error()
	}
	if m := missing(doc, required); len(m) > 0 {
		return "XML is missing required elements: " + strings.Join(m, ", ")
	}
	return ""
}
