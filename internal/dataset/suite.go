// Package dataset reads evaluation suites and their test cases (the README's "Suites"):
// YAML or JSON suite files with prompts, providers, defaults and inline or
// referenced test cases; bare test-case files in JSONL, CSV, or a JSON/YAML
// list; and the built-in datasets.
//
// Load reads and checks a suite's header only. Cases streams the test cases
// lazily, so a JSONL or CSV file of any size is read one record at a time.
// Validate reads every case once and reports every problem it finds, with
// file and line, before any model is called. Render turns a prompt and a case
// into chat messages.
//
// A suite's test_cases is an inline list or "file://PATH"; a prompt template
// may also be "file://PATH". Such paths are relative to the file naming them.
// Unknown keys are errors (naming the key, its line and the closest known
// key), except inside the free-form maps metadata, variables and config.
// The sampling settings of a config (a case's, the defaults' or a suite
// provider's: temperature, top_p, max_tokens, seed, stop, logprobs) are
// checked as a run reads them (provider.ParseSampling), so a value of the
// wrong type is an error naming its file, line and key; other config keys
// are vendor extras, passed on as they are.
// Cases without an id get "BASE-N": the base name of their file and their
// 1-based position in it. In CSV files the columns id, prompt, expected,
// category, references (a JSON list) and assert (a JSON list) are the case's
// fields; every other column is a variable.
//
// Every file must be UTF-8 (a leading byte order mark is skipped): a byte
// sequence that is not is an error naming its file, line and (except in
// CSV, which names the column) column, never replaced or passed on.
//
// Importing this package registers the built-in assertion types (package
// eval/all), which Validate checks assertions against.
//
// Templates use the syntax of package template. Only a case's variables
// (after the suite's default variables are merged in) are visible to its
// templates: the case's id, expected answer or category are not implicit
// variables; put what a template needs into variables.
package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/internal/media"
)

// Prompt is one entry of a suite's prompts: a single user message template,
// or chat messages whose contents are templates.
type Prompt struct {
	ID       string
	Template string
	Messages []bench.Message
}

// IsZero reports whether p carries no template, which means "use each case's
// own prompt or messages".
func (p Prompt) IsZero() bool { return p.Template == "" && len(p.Messages) == 0 }

// ProviderSpec is one entry of a suite's providers: a "vendor:model" string
// or an object with connection settings and sampling config.
type ProviderSpec struct {
	ID        string            // "vendor:model"
	Label     string            // display name; defaults to ID
	BaseURL   string            // base_url
	APIKeyEnv string            // api_key_env: the environment variable holding the key
	Headers   map[string]string // extra HTTP headers
	Config    map[string]any    // sampling (temperature, max_tokens, top_p, stop, seed) and vendor extras
}

// Defaults are merged into every case of a suite. A case's own values win:
// Config, Variables and Metadata are merged key by key; Tools and
// ToolChoice apply when the case has none (a case's tools replace the
// list, they are not merged); Assert is appended
// after the case's own assertions; Threshold applies when the case has none;
// Tags are added after the case's own, without duplicates.
//
// Provider and EmbeddingProvider are the suite's judge and embedding
// provider: a model-graded assertion that names none gets them (before
// [evaluation] judge_provider and embedding_provider apply).
type Defaults struct {
	Provider          string
	EmbeddingProvider string
	Config            map[string]any
	Assert            []bench.Assertion
	Threshold         *float64
	Variables         map[string]any
	Tags              []string
	Metadata          map[string]any
	// Tools and ToolChoice apply to a case that gives none of its own.
	Tools      []bench.Tool
	ToolChoice *bench.ToolChoice
}

// Suite is a loaded suite or dataset: its header, and where its cases come
// from. It is safe for concurrent use once loaded.
type Suite struct {
	Name, Description, Version string
	// Path is the file the suite came from ("builtin:NAME" for built-ins).
	Path string
	// Prompts is empty when each case's own prompt or messages is used.
	Prompts   []Prompt
	Providers []ProviderSpec
	Defaults  Defaults
	// Metadata is the suite's free-form top-level metadata.
	Metadata map[string]any
	// Transform, when set, is the transformer plugin every call and
	// answer of the suite goes through.
	Transform *Transform

	src          caseSource
	compiled     map[string]*compiledPrompt // by prompt ID
	defaultsLine int
	// validCases is how many cases the last clean Validate read; 0 before.
	validCases int
	// media bounds the cases' inputs; inputKinds are those Validate saw.
	media      media.Limits
	inputKinds []InputKind
	// toolUse is the first case with tools the last Validate saw.
	toolUse *ToolUse
}

// ValidatedCases is the number of cases a successful Validate read, so a
// caller that needs the count need not read the cases again; ok is false
// before Validate has succeeded.
func (s *Suite) ValidatedCases() (n int, ok bool) {
	return s.validCases, s.validCases > 0
}

// Load reads a suite or dataset file (.yaml, .yml, .json), or a bare
// test-case file (.jsonl, .csv, or a .json/.yaml whose top level is a list of
// cases), or a built-in dataset: "builtin:NAME", or a bare NAME when no such
// file exists. It reads and checks the whole header, but not the cases of a
// referenced file: Cases and Validate read those. Errors are *LoadError.
func Load(path string) (*Suite, error) {
	if name, ok := strings.CutPrefix(path, builtinPrefix); ok {
		return loadBuiltin(name)
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) && isBuiltin(path) {
			return loadBuiltin(path)
		}
		return nil, &LoadError{File: path, Err: pathErr(err)}
	}
	return load(osFiles{}, path)
}

// pathErr drops the path from an *fs.PathError, since LoadError names it.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// load reads the file name from fsys.
func load(fsys files, name string) (*Suite, error) {
	disp := fsys.display(name)
	s := &Suite{Name: baseName(name), Path: disp}
	ext := strings.ToLower(path.Ext(filepath.ToSlash(name)))
	switch {
	case ext == ".jsonl" || ext == ".ndjson" || ext == ".csv":
		src, err := newFileSource(fsys, name)
		if err != nil {
			return nil, err
		}
		s.src = src
		return s, nil
	case ext == ".json" || isYAMLExt(ext):
		root, err := parseFile(fsys, name)
		if err != nil {
			return nil, err
		}
		switch root.kind {
		case kindList:
			s.src = &inlineSource{file: disp, base: baseName(name), items: root.items, fsys: fsys, name: name}
			return s, nil
		case kindMap:
			if err := s.decodeHeader(fsys, name, root); err != nil {
				return nil, err
			}
			return s, nil
		}
		return nil, &LoadError{File: disp, Line: root.line, Err: fmt.Errorf("top level is %s: want a suite (a mapping) or a list of test cases", root.kind)}
	}
	return nil, &LoadError{File: disp, Err: fmt.Errorf("unsupported file type %q: use .yaml, .yml, .json, .jsonl or .csv", ext)}
}

// parseFile reads and parses a whole YAML or JSON file.
func parseFile(fsys files, name string) (*node, error) {
	disp := fsys.display(name)
	f, err := fsys.open(name)
	if err != nil {
		return nil, &LoadError{File: disp, Err: pathErr(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, &LoadError{File: disp, Err: fmt.Errorf("read: %w", pathErr(err))}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := checkUTF8(disp, data, 1); err != nil {
		return nil, err
	}
	if strings.EqualFold(path.Ext(filepath.ToSlash(name)), ".json") {
		return parseJSON(disp, data, 1)
	}
	return parseYAML(disp, data)
}

// baseName is a file's name without directory and extension; it prefixes
// generated case ids.
func baseName(name string) string {
	b := path.Base(filepath.ToSlash(name))
	return strings.TrimSuffix(b, path.Ext(b))
}

// PromptList returns the suite's prompts, or a single prompt with ID
// "default" and no template (use each case's own prompt) when it has none.
func (s *Suite) PromptList() []Prompt {
	if len(s.Prompts) == 0 {
		return []Prompt{{ID: "default"}}
	}
	return s.Prompts
}

// files is where suites and the files they reference are read from: the
// operating system, or the embedded built-ins.
type files interface {
	open(name string) (io.ReadCloser, error)
	// resolve returns the name of ref, a path relative to the file from.
	resolve(from, ref string) string
	// display is the name used in errors and Source.File.
	display(name string) string
}

type osFiles struct{}

func (osFiles) open(name string) (io.ReadCloser, error) { return os.Open(name) }

func (osFiles) resolve(from, ref string) string {
	if filepath.IsAbs(ref) {
		return filepath.Clean(ref)
	}
	return filepath.Join(filepath.Dir(from), filepath.FromSlash(ref))
}

func (osFiles) display(name string) string { return name }
