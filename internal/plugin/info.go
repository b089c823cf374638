package plugin

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"time"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Info describes an installed plugin for `plugin list` and the API.
type Info struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Type        string `json:"type"`
	Description string `json:"description"`
	// Assertion is plugin:NAME for an evaluator, "" for other types.
	Assertion string `json:"assertion,omitempty"`
	// Hash is the module's hex SHA-256 when it is loaded or recorded.
	Hash         string   `json:"sha256,omitempty"`
	Capabilities []string `json:"capabilities"`
	// Loaded says the plugin is compiled and serving in this process.
	Loaded bool   `json:"loaded"`
	Path   string `json:"path"`
	// InstalledAt is when this version was installed through `plugin
	// install` or the API; nil for a plugin copied in by hand.
	InstalledAt *time.Time `json:"installed_at"`
	// Problem says why a directory's plugin cannot load (a broken manifest).
	Problem string `json:"problem,omitempty"`
}

// List describes every plugin directory under the manager's directory,
// by name, with what is loaded and what the plugins table recorded.
func (m *Manager) List(ctx context.Context) ([]Info, error) {
	dirs, err := PluginDirs(m.dir)
	if err != nil {
		return nil, err
	}
	recs := map[string]store.PluginRecord{}
	if m.rec != nil {
		list, err := m.rec.ListPlugins(ctx)
		if err != nil {
			return nil, fmt.Errorf("plugins table: %w", err)
		}
		for _, r := range list {
			recs[r.Name] = r
		}
	}
	out := make([]Info, 0, len(dirs))
	for _, d := range dirs {
		out = append(out, m.info(d, recs))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Info describes the installed plugin of a name; ErrNotInstalled when none.
func (m *Manager) Info(ctx context.Context, name string) (Info, error) {
	list, err := m.List(ctx)
	if err != nil {
		return Info{}, err
	}
	for _, i := range list {
		if i.Name == name {
			return i, nil
		}
	}
	return Info{}, fmt.Errorf("plugin %q: %w", name, ErrNotInstalled)
}

func (m *Manager) info(dir string, recs map[string]store.PluginRecord) Info {
	man, err := ReadManifest(dir)
	if err != nil {
		return Info{Name: filepath.Base(dir), Path: dir, Capabilities: []string{}, Problem: err.Error()}
	}
	in := Info{
		Name: man.Package.Name, Version: man.Package.Version, Type: man.Plugin.Type,
		Description: man.Package.Description, Capabilities: man.Requested(), Path: dir,
	}
	if in.Capabilities == nil {
		in.Capabilities = []string{}
	}
	if in.Type == TypeEvaluator {
		in.Assertion = TypePrefix + in.Name
	}
	if p, ok := m.Get(in.Name); ok && p.Dir == dir {
		in.Loaded, in.Hash = true, p.Hash
	}
	if r, ok := recs[in.Name]; ok && r.Path == dir {
		at := r.InstalledAt
		in.InstalledAt = &at
		if in.Hash == "" {
			in.Hash = r.Hash
		}
	}
	return in
}

// IsNotInstalled reports whether err says a plugin is not installed.
func IsNotInstalled(err error) bool { return errors.Is(err, ErrNotInstalled) }
