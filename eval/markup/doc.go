// Package markup registers the assertion types that check an answer for
// markup, with promptfoo's rules for what counts:
//
//   - contains-html: the answer shows at least two of promptfoo's HTML
//     indicators (see htmlIndicators), read by a real HTML tokenizer
//     (golang.org/x/net/html) rather than by regular expressions;
//   - is-html: the whole answer, trimmed, is HTML: no text outside the
//     elements, not an XML document, and at least one known HTML element
//     (or a custom element, whose name has a hyphen);
//   - is-xml: the whole answer is a well-formed XML document;
//   - contains-xml: some well-formed XML element appears in the answer.
//
// Both XML types take an optional value naming elements that must be
// present, as dot paths from the document's root element downwards
// ("analysis.sentiment"): a comma-separated string, a list, or a map
// with "requiredElements". All four types are binary (score 1 or 0).
package markup
