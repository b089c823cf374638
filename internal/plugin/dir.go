package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LoadDir loads every plugin in dir: each subdirectory that holds a
// plugin.toml. Directories without one are skipped; a plugin that fails
// to load, or a name used twice, is an error naming it. A missing dir
// holds no plugins.
func (h *Host) LoadDir(ctx context.Context, dir string) ([]*Plugin, error) {
	dirs, err := PluginDirs(dir)
	if err != nil {
		return nil, err
	}
	var (
		out   []*Plugin
		errs  []error
		names = map[string]string{}
	)
	for _, d := range dirs {
		p, err := h.Load(ctx, d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if prev, dup := names[p.Name()]; dup {
			errs = append(errs, fmt.Errorf("plugin %q: in both %s and %s", p.Name(), prev, d))
			continue
		}
		names[p.Name()] = d
		out = append(out, p)
	}
	return out, errors.Join(errs...)
}

// PluginDirs lists the subdirectories of dir that hold a plugin.toml,
// sorted. A missing dir holds none.
func PluginDirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plugin directory: %w", err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue // .logs, and an install or removal under way
		}
		d := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(d, ManifestFile)); err == nil {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out, nil
}
