// Package template renders prompt templates: plain text with {{name}}
// placeholders.
//
// The syntax is deliberately minimal:
//
//   - A placeholder is "{{", a variable path, "}}". Spaces and tabs around the
//     path are ignored: {{name}} and {{ name }} are the same.
//   - A path is one or more segments joined by dots. A segment is made of
//     letters, digits, '_' and '-'. Each segment looks up a key in a map, or,
//     when it is a whole number, an index into a list: {{user.name}},
//     {{items.0}}, {{rows.2.title}}.
//   - Everything outside placeholders is literal text. There is no escape and
//     "{{{{" is not special: to put a literal "{{" into a prompt, pass it in a
//     variable ({{open}} with open: "{{"). A lone "}}" is literal.
//   - An unterminated "{{", or a placeholder whose path is empty or has other
//     characters, is a parse error that gives its byte offset.
//
// Rendering writes strings as they are; whole numbers without a decimal part
// ("3", not "3.0"); other numbers in Go's shortest 'g' form; booleans as
// true/false; nil as the empty string; maps and lists as compact JSON.
// A path that does not resolve is a missing variable; Render names every
// missing variable in one error.
package template

import (
	"fmt"
	"strings"
)

// Template is a parsed template. It is immutable and safe for concurrent use.
type Template struct {
	src   string
	parts []part
	vars  []string
}

// part is a literal run of text or a placeholder.
type part struct {
	lit  string
	name string   // the placeholder's path as written (trimmed); empty for literals
	path []string // name split at dots
}

const (
	openDelim  = "{{"
	closeDelim = "}}"
)

// SyntaxError is a template that cannot be parsed.
type SyntaxError struct {
	Offset int // byte offset of the offending "{{"
	Msg    string
}

// Error describes the problem and where it is.
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("template: offset %d: %s", e.Offset, e.Msg)
}

// Parse compiles src. See the package documentation for the syntax.
func Parse(src string) (*Template, error) {
	t := &Template{src: src}
	seen := map[string]bool{}
	rest := src
	off := 0
	for {
		i := strings.Index(rest, openDelim)
		if i < 0 {
			if rest != "" {
				t.parts = append(t.parts, part{lit: rest})
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: rest[:i]})
		}
		start := off + i
		body := rest[i+len(openDelim):]
		j := strings.Index(body, closeDelim)
		if j < 0 {
			return nil, &SyntaxError{Offset: start, Msg: `unterminated "{{": no closing "}}"`}
		}
		name := strings.Trim(body[:j], " \t")
		path, err := splitPath(name)
		if err != nil {
			return nil, &SyntaxError{Offset: start, Msg: err.Error()}
		}
		t.parts = append(t.parts, part{name: name, path: path})
		if !seen[name] {
			seen[name] = true
			t.vars = append(t.vars, name)
		}
		consumed := i + len(openDelim) + j + len(closeDelim)
		rest = rest[consumed:]
		off += consumed
	}
}

// splitPath checks a placeholder's path and splits it into segments.
func splitPath(name string) ([]string, error) {
	if name == "" {
		return nil, fmt.Errorf("empty placeholder {{}}")
	}
	segs := strings.Split(name, ".")
	for _, s := range segs {
		if s == "" {
			return nil, fmt.Errorf("placeholder {{%s}}: empty path segment", name)
		}
		for _, r := range s {
			if !isNameRune(r) {
				return nil, fmt.Errorf("placeholder {{%s}}: %q is not allowed in a variable name (use letters, digits, '_', '-' and '.')", name, r)
			}
		}
	}
	return segs, nil
}

func isNameRune(r rune) bool {
	return r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// Source returns the text the template was parsed from.
func (t *Template) Source() string { return t.src }

// Vars returns the paths of the placeholders, as written, in order of first
// use and without duplicates. The caller must not modify the slice.
func (t *Template) Vars() []string { return t.vars }

// IsLiteral reports whether the template has no placeholders.
func (t *Template) IsLiteral() bool { return len(t.vars) == 0 }

// Missing returns the placeholder paths that do not resolve in vars, in
// order of first use; it is empty when Render would succeed.
func (t *Template) Missing(vars map[string]any) []string {
	var missing []string
	for _, p := range t.parts {
		if p.path == nil {
			continue
		}
		if _, ok := lookup(vars, p.path); !ok && !contains(missing, p.name) {
			missing = append(missing, p.name)
		}
	}
	return missing
}

// MissingError is returned by Render when variables do not resolve.
type MissingError struct {
	Names []string
}

// Error names every missing variable.
func (e *MissingError) Error() string {
	if len(e.Names) == 1 {
		return fmt.Sprintf("template: missing variable %q", e.Names[0])
	}
	q := make([]string, len(e.Names))
	for i, n := range e.Names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return "template: missing variables " + strings.Join(q, ", ")
}

// Render substitutes vars into the template. It fails with a *MissingError
// naming every placeholder that does not resolve.
func (t *Template) Render(vars map[string]any) (string, error) {
	if len(t.vars) == 0 {
		return t.src, nil
	}
	var b strings.Builder
	b.Grow(len(t.src) + 16*len(t.vars))
	var missing []string
	for _, p := range t.parts {
		if p.path == nil {
			b.WriteString(p.lit)
			continue
		}
		v, ok := lookup(vars, p.path)
		if !ok {
			if !contains(missing, p.name) {
				missing = append(missing, p.name)
			}
			continue
		}
		if err := writeValue(&b, v); err != nil {
			return "", fmt.Errorf("template: render {{%s}}: %w", p.name, err)
		}
	}
	if missing != nil {
		return "", &MissingError{Names: missing}
	}
	return b.String(), nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
