package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// lineIndex maps byte offsets in a text to 1-based line and column numbers.
type lineIndex struct {
	starts []int // byte offset where each line starts
	base   int   // line number of the text's first line, minus one
}

func newLineIndex(src []byte, firstLine int) *lineIndex {
	li := &lineIndex{starts: []int{0}, base: firstLine - 1}
	for i, c := range src {
		if c == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

// pos returns the line and column of byte offset off.
func (li *lineIndex) pos(off int64) (int, int) {
	i := sort.Search(len(li.starts), func(i int) bool { return int64(li.starts[i]) > off }) - 1
	if i < 0 {
		i = 0
	}
	return li.base + i + 1, int(off) - li.starts[i] + 1
}

// jsonParser builds a node tree from JSON text, with the line of every value
// and key. It uses encoding/json's tokenizer, so it accepts exactly JSON.
type jsonParser struct {
	file  string
	dec   *json.Decoder
	lines *lineIndex
}

// parseJSON parses one JSON value that fills src (apart from white space).
// firstLine is the line number of src's first line in its file.
func parseJSON(file string, src []byte, firstLine int) (*node, error) {
	p := &jsonParser{file: file, dec: json.NewDecoder(bytes.NewReader(src)), lines: newLineIndex(src, firstLine)}
	p.dec.UseNumber()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		line, col := p.lines.pos(p.dec.InputOffset())
		return nil, &LoadError{File: file, Line: line, Col: col, Err: errors.New("json: unexpected data after the top-level value")}
	}
	return n, nil
}

// errAt builds a LoadError at the decoder's position, or at a syntax
// error's own offset.
func (p *jsonParser) errAt(err error) error {
	off := p.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	line, col := p.lines.pos(off)
	return &LoadError{File: p.file, Line: line, Col: col, Err: fmt.Errorf("json: %w", err)}
}

func (p *jsonParser) value(depth int) (*node, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.errAt(err)
	}
	line, col := p.lines.pos(p.dec.InputOffset())
	if depth > maxDepth {
		return nil, &LoadError{File: p.file, Line: line, Err: fmt.Errorf("json: nested deeper than %d levels", maxDepth)}
	}
	switch t := tok.(type) {
	case nil:
		return &node{kind: kindNull, line: line, col: col}, nil
	case bool:
		return scalar(line, col, t, fmt.Sprint(t)), nil
	case string:
		return scalar(line, col, t, t), nil
	case json.Number:
		n, err := numberNode(line, col, t.String())
		if err != nil {
			return nil, &LoadError{File: p.file, Line: line, Col: col, Err: fmt.Errorf("json: %w", err)}
		}
		return n, nil
	case json.Delim:
		if t == '{' {
			return p.object(line, col, depth)
		}
		if t == '[' {
			return p.array(line, col, depth)
		}
	}
	return nil, &LoadError{File: p.file, Line: line, Col: col, Err: fmt.Errorf("json: unexpected %v", tok)}
}

func (p *jsonParser) object(line, col, depth int) (*node, error) {
	out := &node{kind: kindMap, line: line, col: col}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.errAt(err)
		}
		key, ok := tok.(string)
		kline, _ := p.lines.pos(p.dec.InputOffset())
		if !ok {
			return nil, &LoadError{File: p.file, Line: kline, Err: fmt.Errorf("json: object key must be a string, got %v", tok)}
		}
		if _, first, dup := out.get(key); dup {
			return nil, &LoadError{File: p.file, Line: kline, Err: fmt.Errorf("duplicate key %q (first at line %d)", key, first)}
		}
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out.keys = append(out.keys, key)
		out.keyLines = append(out.keyLines, kline)
		out.vals = append(out.vals, val)
	}
	if _, err := p.dec.Token(); err != nil { // the closing '}'
		return nil, p.errAt(err)
	}
	return out, nil
}

func (p *jsonParser) array(line, col, depth int) (*node, error) {
	out := &node{kind: kindList, line: line, col: col}
	for p.dec.More() {
		item, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		out.vals = append(out.vals, item)
	}
	if _, err := p.dec.Token(); err != nil { // the closing ']'
		return nil, p.errAt(err)
	}
	return out, nil
}
