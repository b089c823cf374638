package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// Output is one sink of a run's results, in the manner of k6's outputs: it
// is begun with the run and its summary (computed while the run was live,
// so totals are known before the first row), then receives every result
// exactly once, in store order, and is ended. An output writes to the
// io.Writer it was opened on, which its caller buffers; it must not keep r
// after Add returns, nor modify s.
//
// An output that holds resources until End (temporary files) also
// implements Aborter, so an abandoned write releases them.
type Output interface {
	Begin(run bench.Run, s *Summary) error
	Add(r *bench.Result) error
	End() error
}

// Aborter is implemented by outputs that must release resources when a
// write is abandoned before End: the results could not be read, or the
// output itself or its file failed.
type Aborter interface {
	Abort()
}

// Opener makes a fresh Output that writes to w.
type Opener func(w io.Writer) Output

// Names of the built-in formats, as Render accepts them.
const (
	FormatJSON     = "json"
	FormatJSONL    = "jsonl"
	FormatCSV      = "csv"
	FormatJUnit    = "junit"
	FormatHTML     = "html"
	FormatMarkdown = "md"
)

// format is one registered output format.
type format struct {
	name, ext string
	open      Opener
}

// registry holds the formats by extension and by name, and their
// registration order for messages.
var registry = struct {
	sync.RWMutex
	byExt, byName map[string]*format
	order         []*format
}{byExt: map[string]*format{}, byName: map[string]*format{}}

func init() {
	Register(FormatJSON, ".json", newJSONOutput)
	Register(FormatJSONL, ".jsonl", newJSONLOutput)
	Register(FormatCSV, ".csv", newCSVOutput)
	Register(FormatJUnit, ".xml", newJUnitOutput)
	Register(FormatHTML, ".html", newHTMLOutput)
	Register(FormatMarkdown, ".md", newMarkdownOutput)
}

// Register makes files whose name ends in ext (".html", matched without
// regard to case) and the format name (as Render takes it) write through
// open, so an exporter plugs in without a change to this package. It panics
// when the name or extension is empty or already taken, as
// database/sql.Register does: registration happens at start-up, and a
// clash is a programming error.
func Register(name, ext string, open Opener) {
	ext = strings.ToLower(ext)
	if name == "" || open == nil || len(ext) < 2 || ext[0] != '.' {
		panic(fmt.Sprintf("report: Register(%q, %q): want a name, an extension such as \".html\" and an opener", name, ext))
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byExt[ext]; dup {
		panic(fmt.Sprintf("report: extension %q registered twice", ext))
	}
	if _, dup := registry.byName[name]; dup {
		panic(fmt.Sprintf("report: format %q registered twice", name))
	}
	f := &format{name: name, ext: ext, open: open}
	registry.byExt[ext] = f
	registry.byName[name] = f
	registry.order = append(registry.order, f)
}

// formatFor returns the format a report file's extension names.
func formatFor(path string) (*format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	registry.RLock()
	f := registry.byExt[ext]
	registry.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("report file %q: unknown extension %q; use %s", path, ext, knownExtensions())
	}
	return f, nil
}

// formatNamed returns the format registered under name.
func formatNamed(name string) (*format, error) {
	registry.RLock()
	f := registry.byName[name]
	registry.RUnlock()
	if f == nil {
		return nil, fmt.Errorf("unknown report format %q; use %s", name, knownNames())
	}
	return f, nil
}

// FormatFromPath returns the name of the format a report file's extension
// names (case-insensitive), for example "junit" for .xml.
func FormatFromPath(path string) (string, error) {
	f, err := formatFor(path)
	if err != nil {
		return "", err
	}
	return f.name, nil
}

// knownExtensions lists the registered extensions for an error message:
// ".json, .jsonl, .csv, .xml (junit), .html or .md".
func knownExtensions() string {
	registry.RLock()
	defer registry.RUnlock()
	items := make([]string, len(registry.order))
	for i, f := range registry.order {
		items[i] = f.ext
		if f.name != f.ext[1:] {
			items[i] += " (" + f.name + ")"
		}
	}
	return orList(items)
}

// knownNames lists the registered format names for an error message.
func knownNames() string {
	registry.RLock()
	defer registry.RUnlock()
	items := make([]string, len(registry.order))
	for i, f := range registry.order {
		items[i] = f.name
	}
	return orList(items)
}

// orList joins items as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
