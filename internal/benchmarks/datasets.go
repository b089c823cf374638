package benchmarks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/dataset"
	"github.com/llm-test-bench/llm-test-bench/internal/problem"
)

const builtinPrefix = "builtin:"

// resolveDataset turns a requested dataset into what the session loads:
// "builtin:NAME" for a built-in (given with or without the prefix), else
// the absolute path of a file inside dir. Absolute paths, ".." and
// symbolic links that lead out of dir are refused: the API reads no other
// file of the server.
func resolveDataset(dir, field, name string) (string, *problem.Details) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", badField(field, "empty dataset name")
	}
	builtins := builtinNames()
	if n, ok := strings.CutPrefix(name, builtinPrefix); ok {
		if !slices.Contains(builtins, n) {
			return "", badField(field, "no built-in dataset %q (available: %s)", n, strings.Join(builtins, ", "))
		}
		return name, nil
	}
	if slices.Contains(builtins, name) {
		return builtinPrefix + name, nil
	}
	if dir == "" {
		return "", badField(field, "%q is not a built-in dataset, and this server reads no dataset files ([server] datasets_dir is not set); send the suite inline", name)
	}
	if filepath.IsAbs(name) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) {
		return "", badField(field, "%q is an absolute path; name a file relative to the server's datasets directory", name)
	}
	if !filepath.IsLocal(name) {
		return "", badField(field, "%q leads out of the server's datasets directory", name)
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", problem.New(500, fmt.Sprintf("the server's datasets directory cannot be read: %v", err))
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", badField(field, "no dataset %q in the server's datasets directory", name)
		}
		return "", badField(field, "dataset %q cannot be read", name)
	}
	if rel, err := filepath.Rel(root, real); err != nil || !filepath.IsLocal(rel) {
		return "", badField(field, "%q leads out of the server's datasets directory", name)
	}
	if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() {
		return "", badField(field, "dataset %q is not a file", name)
	}
	return real, nil
}

// builtinNames lists the built-in datasets, read once (they are embedded).
var builtinNames = sync.OnceValue(func() []string {
	infos := dataset.Builtins()
	names := make([]string, len(infos))
	for i, b := range infos {
		names[i] = b.Name
	}
	return names
})
