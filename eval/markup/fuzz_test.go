package markup

import (
	"strings"
	"testing"
)

// FuzzMarkup runs every check on arbitrary text: none may panic, and the
// checks must agree with each other where the rules tie them together.
func FuzzMarkup(f *testing.F) {
	for _, s := range []string{
		"<div>x</div>", "<root><child/></root>", "a < b", "<!DOCTYPE html>", "<a", "<!--",
		"<a>&amp;</a>", "<?xml version=\"1.0\"?><r/>", "<x:y xmlns:x='u'/>", "<a b='1' b='2'/>",
		"<r><![CDATA[</r>]]></r>", "\uFEFF<r/>", strings.Repeat("<a>", 50),
	} {
		f.Add(s, "r.a")
	}
	f.Fuzz(func(t *testing.T, text, path string) {
		if containsHTML(text) && htmlIndicators(text).score() < 2 {
			t.Fatal("containsHTML true with fewer than two indicators")
		}
		_ = validateHTML(text)
		req := []string{path}
		whole := validateXML(text, nil)
		some := containsXML(text, nil)
		// A well-formed document is XML the answer contains.
		if whole == "" && strings.HasPrefix(strings.TrimLeft(text, " \t\r\n"), "<") && some != "" && !strings.Contains(text, "<!") && !strings.Contains(text, "<?") {
			t.Fatalf("is-xml passes but contains-xml fails (%s)", some)
		}
		if validateXML(text, req) == "" && whole != "" {
			t.Fatal("is-xml passes with a required path but not without one")
		}
		_ = containsXML(text, req)
	})
}
