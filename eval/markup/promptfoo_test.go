package markup

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// pfCase is a case of promptfoo's test/assertions/html.test.ts or
// xml.test.ts: the assertion, the output and promptfoo's verdict.
type pfCase struct {
	typ    string
	value  any
	output string
	pass   bool
	// differs names the README row of a deliberate difference; the case
	// then checks this project's verdict, the opposite of promptfoo's.
	differs string
}

var promptfooMarkup = []pfCase{
	// contains-html: HTML examples.
	{typ: "contains-html", output: "<div>Hello World</div>", pass: true},
	{typ: "contains-html", output: "<p>paragraph</p>", pass: true},
	{typ: "contains-html", output: `<a href="link">text</a>`, pass: true},
	{typ: "contains-html", output: `<img src="image.jpg" />`, pass: true},
	{typ: "contains-html", output: "<h1>heading</h1>", pass: true},
	{typ: "contains-html", output: `<div class="container"><span>nested</span></div>`, pass: true},
	{typ: "contains-html", output: "<!DOCTYPE html><html><head><title>Test</title></head><body>Content</body></html>", pass: true},
	{typ: "contains-html", output: "Some text with <strong>emphasis</strong> in it", pass: true},
	{typ: "contains-html", output: `<input type="text" value="test" />`, pass: true},
	{typ: "contains-html", output: "<br />", pass: true},
	{typ: "contains-html", output: "<table><tr><td>cell</td></tr></table>", pass: true},
	{typ: "contains-html", output: "<div>Text with &amp; entity</div>", pass: true},
	{typ: "contains-html", output: "<p>Multiple &nbsp; HTML &lt; entities &gt;</p>", pass: true},
	{typ: "contains-html", output: `<custom-element attr="value">Web component</custom-element>`, pass: true},
	{typ: "contains-html", output: `<div data-id="123" class="test">Modern HTML</div>`, pass: true},
	{typ: "contains-html", output: "\n<div class=\"container\" id=\"main\">\n<h1 style=\"color: red;\">Title</h1>\n<p data-value=\"123\">Paragraph with <a href=\"/link\">link</a></p>\n<img src=\"image.jpg\" alt=\"description\" width=\"100\" height=\"100\" />\n</div>\n", pass: true},
	{typ: "contains-html", output: "<div>&nbsp;</div>", pass: true},
	{typ: "contains-html", output: "<!-- comment --><span>text</span>", pass: true},
	{typ: "contains-html", output: "<br/><hr/>", pass: true},
	{typ: "contains-html", output: "Text with <b>bold</b> and <i>italic</i>", pass: true},
	// contains-html: false positives promptfoo avoids.
	{typ: "contains-html", output: "Just plain text without any HTML"},
	{typ: "contains-html", output: "Just plain text"},
	{typ: "contains-html", output: "2 < 3 and 4 > 1"},
	{typ: "contains-html", output: "email@example.com"},
	{typ: "contains-html", output: "Math: a < b > c"},
	{typ: "contains-html", output: "< div >"},
	{typ: "contains-html", output: "Generic <example> text"},
	{typ: "contains-html", output: "if (a<b) { return c>d; }"},
	{typ: "contains-html", output: "The price is <$50"},
	{typ: "contains-html", output: "Email me at <john@example.com>"},
	{typ: "contains-html", output: "<custom>"},
	{typ: "contains-html", output: "&amp;"},
	{typ: "contains-html", output: "<!-- comment -->"},
	{typ: "not-contains-html", output: "Just plain text", pass: true},
	{typ: "not-contains-html", output: "<div>HTML content</div>"},

	// is-html.
	{typ: "is-html", output: "<div>Hello World</div>", pass: true},
	{typ: "is-html", output: "<!DOCTYPE html><html><head><title>Test</title></head><body>Content</body></html>", pass: true},
	{typ: "is-html", output: "<p>Simple paragraph</p>", pass: true},
	{typ: "is-html", output: "<div><span>Nested</span></div>", pass: true},
	{typ: "is-html", output: `<img src="test.jpg" />`, pass: true},
	{typ: "is-html", output: "<br />", pass: true},
	{typ: "is-html", output: `<div class="test" id="main">Content</div>`, pass: true},
	{typ: "is-html", output: "  <div>With whitespace</div>  ", pass: true},
	{typ: "is-html", output: "<div>Fragment without doctype</div>", pass: true},
	{typ: "is-html", output: "<h1>Title</h1><p>Paragraph</p>", pass: true},
	{typ: "is-html", output: "<ul><li>Item 1</li><li>Item 2</li></ul>", pass: true},
	{typ: "is-html", output: `<form><input type="text" /><button>Submit</button></form>`, pass: true},
	{typ: "is-html", output: "Just plain text"},
	{typ: "is-html", output: "Some text with <strong>HTML</strong> inside"},
	{typ: "is-html", output: "Text before <div>HTML</div>"},
	{typ: "is-html", output: "<div>HTML</div> Text after"},
	{typ: "is-html", output: `<?xml version="1.0"?><root>XML</root>`},
	{typ: "is-html", output: ""},
	{typ: "is-html", output: "   "},
	{typ: "is-html", output: "<notarealtag>"},
	{typ: "is-html", output: "2 < 3 and 4 > 1"},
	{typ: "is-html", output: "Here is some HTML: <div>test</div>"},
	{typ: "is-html", output: "<div>HTML</div> and some text"},
	{typ: "is-html", output: "Text <br /> more text"},
	{typ: "not-is-html", output: "Just plain text", pass: true},
	{typ: "not-is-html", output: "<div>Valid HTML</div>"},

	// is-xml.
	{typ: "is-xml", output: "<root><child>Content</child></root>", pass: true},
	{typ: "is-xml", output: "<root><child>Content</child></root"},
	{typ: "is-xml", output: "<root/>", pass: true},
	{typ: "is-xml", output: "  <root/>\n", pass: true},
	{typ: "is-xml", output: "\uFEFF<root/>", pass: true},
	{typ: "is-xml", output: "\n<!-- before --><root/>", pass: true},
	{typ: "is-xml", output: "<!-- before --><root/><!-- after -->", pass: true},
	{typ: "is-xml", output: "<𐀀>astral name</𐀀>", pass: true, differs: "is-xml names"},
	{typ: "is-xml", output: "<!DOCTYPE root><root/>", pass: true},
	{typ: "is-xml", output: "<!DOCTYPE 𐀀><𐀀/>", pass: true, differs: "is-xml names"},
	{typ: "is-xml", output: "<a></b>"},
	{typ: "is-xml", output: "<a><b></a></b>"},
	{typ: "is-xml", output: "<a>text</a><b>more</b>"},
	{typ: "is-xml", output: "<a attr=unquoted>x</a>"},
	{typ: "is-xml", output: "<a/><b/>"},
	{typ: "is-xml", output: "<a/>trailing"},
	{typ: "is-xml", output: "<root><!-- bad -- comment --></root>"},
	{typ: "is-xml", output: `<root attr="1" attr="2"/>`},
	{typ: "is-xml", output: "<root>&undefined;</root>"},
	{typ: "is-xml", output: "<!DOCTYPE root><root>&undefined;</root>"},
	{typ: "is-xml", output: "<root>\u0001</root>"},
	{typ: "is-xml", output: ""},
	{typ: "is-xml", output: `"<a/>"`},
	{typ: "is-xml", output: "```xml\n<a/>\n```"},
	{typ: "is-xml", output: `<!DOCTYPE root [<!ENTITY writer "Donald">]><root>&writer;</root>`},
	{typ: "is-xml", output: `<!DOCTYPE root [<!ENTITY logo SYSTEM "logo.png" NDATA png>]><root>&logo;</root>`},
	{typ: "is-xml", output: `<!DOCTYPE root [<!ENTITY bad "<a>">]><root>&bad;</root>`},
	{typ: "is-xml", output: `<!DOCTYPE root [<!ELEMENT root (child>]><root/>`},
	{typ: "is-xml", output: `<!DOCTYPE root SYSTEM "weird[name].dtd"><root/>`, pass: true},
	{typ: "is-xml", output: `<!DOCTYPE root PUBLIC "-//x//EN" "weird[bracket].dtd"><root/>`, pass: true},
	{typ: "is-xml", output: `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><body>&nbsp;</body></html>`, pass: true, differs: "is-xml entities"},
	{typ: "is-xml", output: `<?xml version="1.0" standalone="no"?><!DOCTYPE root SYSTEM "entities.dtd"><root>&external;</root>`, pass: true, differs: "is-xml entities"},
	{typ: "is-xml", output: `<?xml version="1.0" standalone="yes"?><!DOCTYPE root SYSTEM "entities.dtd"><root>&external;</root>`},
	{typ: "is-xml", output: "<!DOCTYPE><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: "<!DOCTYPEroot><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: "<!DOCTYPE 123><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: "<!DOCTYPE root junk><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: "<!DOCTYPE root SYSTEM><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: `<!DOCTYPE root SYSTEM "sys.dtd" junk><root/>`, differs: "is-xml doctype"},
	{typ: "is-xml", output: `<!DOCTYPE root SYSTEM "sys.dtd#fragment"><root/>`, differs: "is-xml doctype"},
	{typ: "is-xml", output: `<!DOCTYPE root PUBLIC "-//x//EN"><root/>`, differs: "is-xml doctype"},
	{typ: "is-xml", output: `<!DOCTYPE root PUBLIC "-//x//EN" "sys.dtd#fragment"><root/>`, differs: "is-xml doctype"},
	{typ: "is-xml", output: `<!DOCTYPE root PUBLIC "-//x//[invalid]//EN" "sys.dtd"><root/>`, differs: "is-xml doctype"},
	{typ: "is-xml", output: "<!DOCTYPE root PUBLIC \"-//x//\tinvalid//EN\" \"sys.dtd\"><root/>", differs: "is-xml doctype"},
	{typ: "is-xml", output: `<root><child id="1">Content</child></root>`, pass: true},
	{typ: "is-xml", output: `<root xmlns:ns="http://example.com"><ns:child>Content</ns:child></root>`, pass: true},
	{typ: "is-xml", value: []any{"analysis.classification", "analysis.color"}, output: "<analysis><classification>T-shirt</classification><color>Red</color></analysis>", pass: true},
	{typ: "is-xml", value: []any{"analysis.classification", "analysis.color"}, output: "<analysis><classification>T-shirt</classification></analysis>"},
	{typ: "is-xml", value: "root.parent.child.grandchild", output: "<root><parent><child><grandchild>Content</grandchild></child></parent></root>", pass: true},
	{typ: "is-xml", value: "root.parent.child.grandchild", output: "<root><parent><child></child></parent></root>"},
	{typ: "is-xml", value: "root.emptyChild, root.nonEmptyChild", output: "<root><emptyChild></emptyChild><nonEmptyChild>Content</nonEmptyChild></root>", pass: true},
	{typ: "is-xml", value: "root.child", output: "<root><child>Content1</child><child>Content2</child></root>", pass: true},
	{typ: "is-xml", value: []any{"root.item.0.name", "root.item.1.name"}, output: "<root><item><name>First</name></item><item><name>Second</name></item></root>", pass: true},
	{typ: "is-xml", value: "root.child", output: "<root><child><![CDATA[<p>This is CDATA content</p>]]></child></root>", pass: true},
	{typ: "is-xml", value: "root.child", output: `<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="style.xsl"?><root><child>Content</child></root>`, pass: true},
	{typ: "is-xml", value: "root.child", output: "<root><!-- This is a comment --><child>Content</child></root>", pass: true},
	{typ: "is-xml", value: map[string]any{"requiredElements": []any{"analysis.classification", "analysis.color", "analysis.features", "analysis.style", "analysis.confidence", "analysis.reasoning"}},
		output: "<analysis>\n  <classification>T-shirt/top</classification>\n  <color>White with black print</color>\n  <features>Large circular graphic</features>\n  <style>Modern, casual streetwear</style>\n  <confidence>9</confidence>\n  <reasoning>The image clearly shows a short-sleeved garment.</reasoning>\n</analysis>", pass: true},

	// contains-xml.
	{typ: "contains-xml", output: "Some text <root><child>Content</child></root> more text", pass: true},
	{typ: "contains-xml", output: "This is just plain text"},
	{typ: "contains-xml", value: "root.child", output: "Text <root><child>Content</child></root> more", pass: true},
	{typ: "contains-xml", value: "root.item.1.name", output: "Text <root><item><name>First</name></item><item><name>Second</name></item></root> more", pass: true},
	{typ: "contains-xml", value: "root.missing", output: "Text <root><child>Content</child></root> more"},
	{typ: "contains-xml", value: "root2.child", output: "<root1>Content</root1> text <root2><child>More</child></root2>", pass: true},
	{typ: "contains-xml", value: []any{"xml1", "xml2"}, output: "<xml1>content1</xml1> more text <xml2>content2</xml2>", pass: true},
	{typ: "contains-xml", value: "root.child", output: "Text <unclosed><root><child>Content</child></root>", pass: true},
	{typ: "contains-xml", value: "élément", output: "Text <élément>Content</élément> more", pass: true},
	{typ: "contains-xml", value: "root.child", output: "<root><!-- </root> --><child>Content</child></root>", pass: true},
	{typ: "contains-xml", value: "root.child", output: "<root><![CDATA[</root>]]><child>Content</child></root>", pass: true},
	{typ: "contains-xml", value: "root.child", output: "Text <wrapper><root><child>Content</child></root></wrapper>"},
	{typ: "contains-xml", value: "a.missing", output: strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000)},
	{typ: "contains-xml", output: strings.Repeat("<a", 5000)},
	{typ: "contains-xml", output: strings.Repeat("<!--", 10000)},
}

// TestPromptfooMarkup holds this project's verdicts against promptfoo's
// on promptfoo's own cases and reports how many agree.
func TestPromptfooMarkup(t *testing.T) {
	agree := 0
	for _, c := range promptfooMarkup {
		got := run(t, c.typ, c.value, c.output)
		want := c.pass
		if c.differs != "" {
			want = !c.pass
		} else {
			agree++
		}
		if got.Pass != want || (got.Score == 1) != want {
			name := c.output
			if len(name) > 80 {
				name = name[:80]
			}
			t.Errorf("%s %v on %q: pass %v (%s), want %v", c.typ, c.value, name, got.Pass, got.Reason, want)
		}
	}
	t.Logf("promptfoo markup cases: %d of %d agree", agree, len(promptfooMarkup))
}

// run scores output against one assertion through the registry, as a run does.
func run(t *testing.T, typ string, value any, output string) bench.Score {
	t.Helper()
	as := []bench.Assertion{{Type: typ, Value: value}}
	if err := eval.Validate(as); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
	o := eval.Check(context.Background(), as, nil, &eval.Input{Output: output})
	return o.Scores[typ]
}
