package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Check tells, before a run makes any call, whether a report can be
// written to spec, a path or a named output "SCHEME:NAME=PATH" (an
// exporter plugin; see RegisterScheme): its extension names a registered
// format or its scheme resolves NAME, the file's directory
// exists and is a directory, path is not itself a directory, and a file
// can be created next to it (a temporary one, removed at once). The error
// says what is wrong, where, and what to do.
func Check(spec string) error {
	_, path, err := resolve(spec)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := checkDir(path, dir); err != nil {
		return err
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("report file %q is a directory; name a file inside it instead", path)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("report file %q: cannot create a file in directory %q (%s); choose a writable directory", path, dir, reason(err))
	}
	name := f.Name()
	err = f.Close()
	if rmErr := os.Remove(name); err == nil {
		err = rmErr
	}
	if err != nil {
		return fmt.Errorf("report file %q: a test file in directory %q could not be closed and removed (%s); check the directory", path, dir, reason(err))
	}
	return nil
}

// checkDir reports why dir cannot hold report files: a part of it is a
// file, or it does not exist.
func checkDir(path, dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return fmt.Errorf("report file %q: %q is a file, not a directory; choose a path inside a directory", path, dir)
		}
		return nil
	}
	// Find the deepest part of dir that exists, to say which part is wrong.
	for parent := dir; ; {
		next := filepath.Dir(parent)
		if next == parent {
			break
		}
		parent = next
		pfi, perr := os.Stat(parent)
		if perr != nil {
			continue
		}
		if !pfi.IsDir() {
			return fmt.Errorf("report file %q: %q is a file, not a directory; choose a path inside a directory", path, parent)
		}
		break
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("report file %q: directory %q does not exist; create it first (mkdir -p %s) or choose another path", path, dir, dir)
	}
	return fmt.Errorf("report file %q: cannot use directory %q (%s)", path, dir, reason(err))
}

// reason is the operating system's reason for a failed file operation,
// without the path the caller already names.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
