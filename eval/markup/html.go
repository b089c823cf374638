package markup

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxMarkupBytes bounds the answers the HTML and XML checks read, as
// promptfoo's 10 MB limit: a longer answer does not count as markup.
const maxMarkupBytes = 10 << 20

// htmlEntity is a character reference as written in the source text.
var htmlEntity = regexp.MustCompile(`&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);`)

// quotedAttr is an attribute with a quoted value, as written in a tag.
var quotedAttr = regexp.MustCompile(`\s[a-zA-Z-]+=\s*["'][^"']*["']`)

// plainClose is an end tag with nothing but white space after its name.
var plainClose = regexp.MustCompile(`^</[a-zA-Z][a-zA-Z0-9-]*\s*>$`)

// commonTags are the tag names that alone make text HTML for promptfoo.
var commonTags = map[string]bool{
	"html": true, "head": true, "body": true, "div": true, "span": true, "p": true,
	"a": true, "img": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true,
	"h6": true, "ul": true, "ol": true, "li": true, "table": true, "tr": true, "td": true,
	"th": true, "form": true, "input": true, "button": true, "script": true,
	"style": true, "link": true, "meta": true, "br": true, "hr": true,
}

// htmlSeen records which kinds of HTML evidence a text shows.
type htmlSeen struct {
	opening, closing, selfClosing, entity, doctype, comment, attribute, common bool
}

// score counts promptfoo's indicators: paired tags 2 (one kind alone 1),
// a self-closing tag 1, an entity 1, a DOCTYPE 2, a comment 1, a quoted
// attribute 1 and a common tag name 2.
func (s htmlSeen) score() int {
	n := 0
	switch {
	case s.opening && s.closing:
		n += 2
	case s.opening || s.closing:
		n++
	}
	for _, one := range []bool{s.selfClosing, s.entity, s.comment, s.attribute} {
		if one {
			n++
		}
	}
	if s.doctype {
		n += 2
	}
	if s.common {
		n += 2
	}
	return n
}

// validTagName is promptfoo's tag name: a letter, then letters, digits
// and hyphens. The HTML tokenizer takes more ("<john@example.com>" is a
// start tag to it); such names are not evidence of HTML.
func validTagName(name string) bool {
	if name == "" || !isASCIILetter(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !isASCIILetter(c) && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// htmlIndicators tokenizes text and reports the HTML evidence it holds.
func htmlIndicators(text string) htmlSeen {
	var s htmlSeen
	z := html.NewTokenizer(strings.NewReader(text))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return s
		}
		raw := string(z.Raw())
		switch tt {
		case html.TextToken:
			s.entity = s.entity || htmlEntity.MatchString(raw)
		case html.StartTagToken, html.SelfClosingTagToken:
			s.tag(z, raw, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			s.closing = s.closing || plainClose.MatchString(raw)
		case html.CommentToken:
			s.comment = s.comment || (strings.HasPrefix(raw, "<!--") && strings.HasSuffix(raw, "-->"))
		case html.DoctypeToken:
			s.doctype = s.doctype || strings.HasPrefix(strings.ToLower(strings.TrimSpace(string(z.Text()))), "html")
		}
	}
}

// tag records a start or self-closing tag whose name promptfoo accepts.
func (s *htmlSeen) tag(z *html.Tokenizer, raw string, selfClosing bool) {
	name, _ := z.TagName()
	if !validTagName(string(name)) {
		return
	}
	s.opening = true
	s.selfClosing = s.selfClosing || selfClosing
	s.attribute = s.attribute || quotedAttr.MatchString(raw)
	s.common = s.common || commonTags[strings.ToLower(string(name))]
}

// containsHTML is promptfoo's rule: at least two indicators.
func containsHTML(text string) bool {
	if len(text) > maxMarkupBytes {
		return false
	}
	return htmlIndicators(text).score() >= 2
}

// knownElements are the HTML5 elements is-html recognises (obsolete ones
// left out), as promptfoo lists them.
var knownElements = func() map[atom.Atom]bool {
	m := map[atom.Atom]bool{}
	for _, name := range strings.Fields(`html head title base link meta style body article
		section nav aside h1 h2 h3 h4 h5 h6 header footer address p hr pre blockquote ol ul
		li dl dt dd figure figcaption main div a em strong small s cite q dfn abbr ruby rt
		rp data time code var samp kbd sub sup i b u mark bdi bdo span br wbr img iframe
		embed object param picture source video audio track map area svg math script
		noscript canvas ins del table caption colgroup col tbody thead tfoot tr td th form
		label input button select datalist optgroup option textarea output progress meter
		fieldset legend details summary dialog menu slot template`) {
		m[atom.Lookup([]byte(name))] = true
	}
	return m
}()

// xmlDeclaration starts an XML document, which is-html refuses.
var xmlDeclaration = regexp.MustCompile(`(?i)^\s*<\?xml`)

// validateHTML reports why the whole of text is not HTML, or "" when it is.
func validateHTML(text string) string {
	trimmed := strings.TrimSpace(text)
	switch {
	case trimmed == "":
		return "Output is empty"
	case len(trimmed) > maxMarkupBytes:
		return "Output exceeds maximum size limit"
	case xmlDeclaration.MatchString(trimmed):
		return "Output appears to be XML, not HTML"
	}
	doc, err := html.Parse(strings.NewReader(trimmed))
	if err != nil {
		return "HTML parsing failed: " + err.Error()
	}
	lower := strings.ToLower(trimmed)
	if !strings.Contains(lower, "<body") && textInBody(doc) {
		return "Output must be wrapped in HTML tags"
	}
	if !hasKnownElement(doc, lower) {
		return "Output does not contain recognized HTML elements"
	}
	return ""
}

// textInBody reports whether the body the parser made holds text directly.
func textInBody(doc *html.Node) bool {
	body := findAtom(doc, atom.Body)
	if body == nil {
		return false
	}
	for c := body.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return true
		}
	}
	return false
}

// hasKnownElement reports whether the document holds an element the
// answer wrote (html, head and body count only when it wrote them) that
// is a known HTML element or a custom one.
func hasKnownElement(n *html.Node, lower string) bool {
	if n.Type == html.ElementNode {
		switch {
		case (n.DataAtom == atom.Html || n.DataAtom == atom.Head || n.DataAtom == atom.Body) &&
			!strings.Contains(lower, "<"+n.Data):
		case knownElements[n.DataAtom] || strings.Contains(n.Data, "-"):
			return true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if hasKnownElement(c, lower) {
			return true
		}
	}
	return false
}

// findAtom returns the first element of kind a, depth first.
func findAtom(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findAtom(c, a); f != nil {
			return f
		}
	}
	return nil
}
