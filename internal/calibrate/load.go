package calibrate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// MaxFileSize bounds a labelled set, so a wrong path cannot exhaust memory.
const MaxFileSize = 256 << 20

// Set is a labelled set: items of one kind with labels of one kind.
type Set struct {
	File   string
	Kind   Kind
	Labels LabelKind
	Items  []Item
}

// LoadError is a labelled set that cannot be used, with where and why.
type LoadError struct {
	File string
	Line int // 0 when the problem is the file as a whole
	Err  error
}

func (e *LoadError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// Load reads a labelled set from a file: JSON lines (.jsonl, .ndjson, or
// a .json file whose first value is an object), a JSON array (.json) or a
// YAML list (.yaml, .yml).
func Load(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &LoadError{File: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &LoadError{File: path, Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, &LoadError{File: path, Err: fmt.Errorf("larger than %d MiB", MaxFileSize>>20)}
	}
	return Parse(path, data)
}

// Parse reads a labelled set from data; name's extension picks the format
// as in Load, and errors name it.
func Parse(name string, data []byte) (*Set, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if line, ok := badUTF8(data); ok {
		return nil, &LoadError{File: name, Line: line, Err: errors.New("not valid UTF-8: save the file as UTF-8")}
	}
	b := &builder{set: &Set{File: name}}
	var err error
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case ext == ".yaml" || ext == ".yml":
		err = b.yaml(data)
	case ext == ".json" && bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("[")):
		err = b.array(data)
	case ext == ".json" || ext == ".jsonl" || ext == ".ndjson":
		err = b.lines(data)
	default:
		err = &LoadError{File: name, Err: fmt.Errorf("unknown format %q: use .jsonl, .json, .yaml or .yml", ext)}
	}
	if err != nil {
		return nil, err
	}
	if len(b.set.Items) == 0 {
		return nil, &LoadError{File: name, Err: errors.New("no items")}
	}
	return b.set, nil
}

// badUTF8 finds the first line with invalid UTF-8.
func badUTF8(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, false
	}
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(l) {
			return i + 1, true
		}
	}
	return 0, false
}

// builder adds items to a set, checking that they agree with the first.
type builder struct {
	set   *Set
	first int            // line of the first item
	ids   map[string]int // id -> line
}

func (b *builder) errorf(line int, format string, args ...any) error {
	return &LoadError{File: b.set.File, Line: line, Err: fmt.Errorf(format, args...)}
}

// add parses one item that starts at line.
func (b *builder) add(raw []byte, line int) error {
	it, err := ParseItem(raw)
	if err != nil {
		return &LoadError{File: b.set.File, Line: line, Err: err}
	}
	it.Line = line
	s := b.set
	if len(s.Items) == 0 {
		s.Kind, s.Labels, b.first = it.Kind, it.Labels, line
		b.ids = map[string]int{}
	}
	switch {
	case it.Kind != s.Kind:
		return b.errorf(line, "a %s item in a %s set (line %d is %s): a set is all graded or all pairwise", it.Kind, s.Kind, b.first, s.Kind)
	case it.Labels != s.Labels:
		return b.errorf(line, "a %s label in a set of %s labels (line %d): labels are all true/false or all numbers", it.Labels, s.Labels, b.first)
	}
	if it.ID == "" {
		it.ID = fmt.Sprintf("#%d", len(s.Items)+1)
	}
	if prev, dup := b.ids[it.ID]; dup {
		return b.errorf(line, "id %q again (first at line %d)", it.ID, prev)
	}
	b.ids[it.ID] = line
	s.Items = append(s.Items, it)
	return nil
}

// lines reads one JSON object per line; blank lines are skipped.
func (b *builder) lines(data []byte) error {
	for i, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if err := b.add(l, i+1); err != nil {
			return err
		}
	}
	return nil
}

// array reads a JSON array of objects, each located by the line it starts on.
func (b *builder) array(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	fail := func(off int64, err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		return b.errorf(lineAt(off), "not a JSON array of items: %v", err)
	}
	if _, err := dec.Token(); err != nil {
		return fail(0, err)
	}
	for dec.More() {
		start := dec.InputOffset()
		for int(start) < len(data) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fail(start, err)
		}
		if err := b.add(raw, lineAt(start)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fail(dec.InputOffset(), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return b.errorf(lineAt(dec.InputOffset()), "more data after the JSON array")
	}
	return nil
}

// yaml reads a YAML list of mappings.
func (b *builder) yaml(data []byte) (err error) {
	defer func() {
		// The parser is third-party code fed with user input: a panic
		// in it becomes an error naming the file.
		if r := recover(); r != nil {
			err = b.errorf(0, "yaml parser failed: %v", r)
		}
	}()
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var ye yaml.Error
		if errors.As(err, &ye) {
			l := 0
			if tk := ye.GetToken(); tk != nil && tk.Position != nil {
				l = tk.Position.Line
			}
			return b.errorf(l, "yaml: %s", ye.GetMessage())
		}
		return b.errorf(0, "yaml: %v", err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return b.errorf(0, "want one YAML document: a list of items")
	}
	seq, ok := f.Docs[0].Body.(*ast.SequenceNode)
	if !ok {
		return b.errorf(line(f.Docs[0].Body), "want a list of items, not %s", f.Docs[0].Body.Type())
	}
	var alias aliasFinder
	ast.Walk(&alias, seq)
	if alias.found != nil {
		return b.errorf(line(alias.found), "yaml aliases (*name) are not supported in a labelled set: write the value out")
	}
	for _, n := range seq.Values {
		var v any
		if err := yaml.NodeToValue(n, &v); err != nil {
			return b.errorf(line(n), "yaml: %v", err)
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return b.errorf(line(n), "an item must be a mapping of strings, numbers and booleans: %v", err)
		}
		if err := b.add(raw, line(n)); err != nil {
			return err
		}
	}
	return nil
}

// aliasFinder finds the first alias, which could expand a small file
// into a huge one.
type aliasFinder struct{ found ast.Node }

func (a *aliasFinder) Visit(n ast.Node) ast.Visitor {
	if a.found != nil {
		return nil
	}
	if _, ok := n.(*ast.AliasNode); ok {
		a.found = n
		return nil
	}
	return a
}

func line(n ast.Node) int {
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}
