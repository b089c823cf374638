package dataset

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// CSV columns with a meaning of their own; every other column becomes a
// variable of the row's case.
const (
	colID         = "id"
	colPrompt     = "prompt"
	colExpected   = "expected"
	colCategory   = "category"
	colReferences = "references" // a JSON list of strings
	colAssert     = "assert"     // a JSON list of assertions
)

// csvSource reads a CSV file with a header row, one case per row. Only the
// current row is held in memory.
type csvSource struct {
	fsys   files
	name   string
	header []string
}

// newCSVSource opens a CSV file and checks its header.
func newCSVSource(fsys files, name string) (*csvSource, error) {
	disp := fsys.display(name)
	f, err := fsys.open(name)
	if err != nil {
		return nil, &LoadError{File: disp, Err: pathErr(err)}
	}
	defer f.Close()
	r := newCSVReader(f)
	header, err := readCSVHeader(disp, r)
	if err != nil {
		return nil, err
	}
	return &csvSource{fsys: fsys, name: name, header: header}, nil
}

func newCSVReader(f io.Reader) *csv.Reader {
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	return r
}

// readCSVHeader reads and checks the header row: names must be non-empty
// and distinct; reserved names are matched without regard to case.
func readCSVHeader(file string, r *csv.Reader) ([]string, error) {
	rec, err := r.Read()
	if err == io.EOF {
		return nil, &LoadError{File: file, Err: errors.New("empty CSV file: want a header row")}
	}
	if err != nil {
		return nil, csvError(file, err)
	}
	if err := checkCSVRecord(file, r, rec, nil); err != nil {
		return nil, err
	}
	header := make([]string, len(rec))
	seen := map[string]int{}
	for i, h := range rec {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.TrimSpace(h)
		if isReservedColumn(strings.ToLower(h)) {
			h = strings.ToLower(h)
		}
		if h == "" {
			return nil, &LoadError{File: file, Line: 1, Err: fmt.Errorf("CSV header: column %d has no name", i+1)}
		}
		if j, dup := seen[h]; dup {
			return nil, &LoadError{File: file, Line: 1, Err: fmt.Errorf("CSV header: column %q appears twice (columns %d and %d)", h, j+1, i+1)}
		}
		seen[h] = i
		header[i] = h
	}
	return header, nil
}

func isReservedColumn(h string) bool {
	switch h {
	case colID, colPrompt, colExpected, colCategory, colReferences, colAssert:
		return true
	}
	return false
}

// csvError turns an encoding/csv error into a LoadError with the line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LoadError{File: file, Line: pe.Line, Col: pe.Column, Err: fmt.Errorf("csv: %w", pe.Err)}
	}
	return &LoadError{File: file, Err: fmt.Errorf("read: %w", pathErr(err))}
}

func (s *csvSource) each(yield func(bench.Case, error) bool) {
	disp := s.fsys.display(s.name)
	f, err := s.fsys.open(s.name)
	if err != nil {
		yield(bench.Case{}, &LoadError{File: disp, Err: pathErr(err)})
		return
	}
	defer f.Close()
	r := newCSVReader(f)
	if _, err := readCSVHeader(disp, r); err != nil {
		yield(bench.Case{}, err)
		return
	}
	base := baseName(s.name)
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			var pe *csv.ParseError
			fieldCount := errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)
			le := csvError(disp, err)
			if fieldCount {
				le = &LoadError{File: disp, Line: pe.Line, Err: fmt.Errorf("row has %d columns, the header has %d", len(rec), len(s.header))}
			}
			if !yield(bench.Case{}, le) || !fieldCount {
				return
			}
			continue
		}
		if err := checkCSVRecord(disp, r, rec, s.header); err != nil {
			if !yield(bench.Case{}, err) {
				return
			}
			continue
		}
		line, _ := r.FieldPos(0)
		c, err := s.decodeRow(disp, rec, line)
		if err != nil {
			if !yield(bench.Case{}, err) {
				return
			}
			continue
		}
		finishCase(&c, base, n)
		if !yield(c, nil) {
			return
		}
	}
}

// decodeRow turns one CSV row into a case.
func (s *csvSource) decodeRow(file string, rec []string, line int) (bench.Case, error) {
	c := bench.Case{Source: bench.Location{File: file, Line: line}}
	d := &decoder{file: file}
	for i, h := range s.header {
		if h == colID {
			c.ID = strings.TrimSpace(rec[i])
			d.caseID = c.ID
		}
	}
	for i, h := range s.header {
		v := rec[i]
		var err error
		switch h {
		case colID:
		case colPrompt:
			c.Prompt = v
		case colExpected:
			c.Expected = v
		case colCategory:
			c.Category = v
		case colReferences:
			var n *node
			if n, err = d.jsonCell(v, line, h); err == nil && n.kind != kindNull {
				if n.kind != kindList {
					return c, d.errorf(line, "column %s must hold a JSON list of strings, not %s", h, n.kind)
				}
				c.References, err = d.strList(n, line, h)
			}
		case colAssert:
			var n *node
			if n, err = d.jsonCell(v, line, h); err == nil {
				c.Assert, err = d.assertions(n, line)
			}
		default:
			if c.Variables == nil {
				c.Variables = make(map[string]any, len(s.header))
			}
			c.Variables[h] = v
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// jsonCell parses a cell that holds JSON; an empty cell is null.
func (d *decoder) jsonCell(v string, line int, col string) (*node, error) {
	if strings.TrimSpace(v) == "" {
		return &node{kind: kindNull, line: line}, nil
	}
	n, err := parseJSON(d.file, []byte(v), line)
	if err != nil {
		var le *LoadError
		if errors.As(err, &le) {
			err = le.Err
		}
		return nil, d.errorf(line, "column %s: %v", col, err)
	}
	return n, nil
}
