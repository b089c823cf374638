package dataset

import (
	"fmt"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// caseSource yields a suite's test cases in file order, without defaults.
// After an error about one case it goes on while yield returns true, so
// Validate can report every bad case; after an error that makes the rest
// unreadable (I/O, syntax) it stops.
type caseSource interface {
	each(yield func(c bench.Case, err error) bool)
}

// newFileSource returns the source for a bare test-case file, checking what
// can be checked without reading the cases: that the file opens and, for
// CSV, its header.
func newFileSource(fsys files, name string) (caseSource, error) {
	disp := fsys.display(name)
	switch strings.ToLower(path.Ext(filepath.ToSlash(name))) {
	case ".jsonl", ".ndjson":
		f, err := fsys.open(name)
		if err != nil {
			return nil, &LoadError{File: disp, Err: pathErr(err)}
		}
		f.Close()
		return &jsonlSource{fsys: fsys, name: name}, nil
	case ".csv":
		return newCSVSource(fsys, name)
	case ".json", ".yaml", ".yml":
		f, err := fsys.open(name)
		if err != nil {
			return nil, &LoadError{File: disp, Err: pathErr(err)}
		}
		f.Close()
		return &listFileSource{fsys: fsys, name: name}, nil
	}
	return nil, &LoadError{File: disp, Err: fmt.Errorf("unsupported test case file type: use .jsonl, .csv, .json, .yaml or .yml")}
}

// inlineSource holds cases that were parsed with their suite file.
type inlineSource struct {
	file  string
	base  string
	items []*node
	// fsys and name read the files the cases refer to; fsys nil reads none.
	fsys files
	name string
}

func (s *inlineSource) each(yield func(bench.Case, error) bool) {
	for i, item := range s.items {
		d := &decoder{file: s.file, refs: s.fsys, from: s.name}
		c, err := d.decodeCase(item)
		if err != nil {
			if !yield(bench.Case{}, err) {
				return
			}
			continue
		}
		finishCase(&c, s.base, i+1)
		if !yield(c, nil) {
			return
		}
	}
}

// listFileSource is a referenced .json or .yaml file whose top level is a
// list of cases; it is parsed when the cases are read.
type listFileSource struct {
	fsys files
	name string
}

func (s *listFileSource) each(yield func(bench.Case, error) bool) {
	root, err := parseFile(s.fsys, s.name)
	if err != nil {
		yield(bench.Case{}, err)
		return
	}
	disp := s.fsys.display(s.name)
	if root.kind != kindList {
		yield(bench.Case{}, &LoadError{File: disp, Line: root.line, Err: fmt.Errorf("a referenced test case file must hold a list of cases, not %s", root.kind)})
		return
	}
	in := &inlineSource{file: disp, base: baseName(s.name), items: root.items, fsys: s.fsys, name: s.name}
	in.each(yield)
}

// finishCase gives a case without an id the deterministic id "BASE-N", where
// N is its 1-based position in its file.
func finishCase(c *bench.Case, base string, n int) {
	if c.ID == "" {
		c.ID = base + "-" + strconv.Itoa(n)
	}
}
