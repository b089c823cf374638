package dataset

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset/builtin"
)

const builtinPrefix = "builtin:"

// BuiltinInfo describes one built-in dataset.
type BuiltinInfo struct {
	Name        string
	Description string
	Version     string
	Cases       int
	Path        string // "builtin:NAME", accepted by Load
}

// Builtins lists the built-in datasets, sorted by name.
func Builtins() []BuiltinInfo {
	names := builtinNames()
	out := make([]BuiltinInfo, 0, len(names))
	for _, name := range names {
		s, err := loadBuiltin(name)
		if err != nil {
			continue // every built-in is loaded by the package tests
		}
		info := BuiltinInfo{Name: name, Description: s.Description, Version: s.Version, Path: s.Path}
		for _, err := range s.Cases() {
			if err != nil {
				break
			}
			info.Cases++
		}
		out = append(out, info)
	}
	return out
}

// builtinNames lists the embedded datasets.
func builtinNames() []string {
	entries, err := fs.ReadDir(builtin.FS(), ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

func isBuiltin(name string) bool {
	for _, n := range builtinNames() {
		if n == name {
			return true
		}
	}
	return false
}

// loadBuiltin loads the built-in dataset name.
func loadBuiltin(name string) (*Suite, error) {
	if !isBuiltin(name) {
		return nil, &LoadError{File: builtinPrefix + name, Err: fmt.Errorf("no such built-in dataset (available: %s)", strings.Join(builtinNames(), ", "))}
	}
	return load(embedFiles{fsys: builtin.FS()}, name+".yaml")
}

// embedFiles reads suites from the embedded built-ins.
type embedFiles struct {
	fsys fs.FS
}

func (e embedFiles) open(name string) (io.ReadCloser, error) { return e.fsys.Open(name) }

func (embedFiles) resolve(from, ref string) string {
	return path.Join(path.Dir(from), ref)
}

func (embedFiles) display(name string) string {
	return builtinPrefix + strings.TrimSuffix(name, path.Ext(name))
}
