package plugin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// ErrNotInstalled is returned for a plugin name with no directory.
var ErrNotInstalled = errors.New("not installed")

// Recorder keeps the plugins table: the record of each install.
type Recorder = store.PluginStore

// Manager keeps the plugins of one directory in a host: it loads them,
// makes the evaluators assertion types (when activate is set), and
// installs, removes and reloads them, recording installs in a Recorder.
// A new version is compiled and checked before it replaces the old one,
// which finishes its calls in flight on its own instances; a version that
// fails to load leaves the old one serving. It is safe for concurrent use.
type Manager struct {
	host     *Host
	dir      string
	rec      Recorder
	log      *slog.Logger
	activate bool

	mu     sync.Mutex // serialises changes
	loaded map[string]*Plugin
}

// ManagerOptions configure a Manager.
type ManagerOptions struct {
	// Dir is plugin_directory.
	Dir string
	// Recorder, when set, receives each install and removal.
	Recorder Recorder
	// Activate makes loaded plugins reachable by name: evaluators as the
	// assertion types plugin:NAME, the other types where runs name them
	// ([plugins] enable_plugins); without it plugins are only checked,
	// installed and removed.
	Activate bool
	Logger   *slog.Logger
}

// NewManager manages o.Dir's plugins in h.
func NewManager(h *Host, o ManagerOptions) *Manager {
	log := o.Logger
	if log == nil {
		log = h.log
	}
	return &Manager{host: h, dir: o.Dir, rec: o.Recorder, log: log, activate: o.Activate, loaded: map[string]*Plugin{}}
}

// Dir is the directory the manager keeps.
func (m *Manager) Dir() string { return m.dir }

// Host is the manager's host.
func (m *Manager) Host() *Host { return m.host }

// LoadAll loads every plugin of the directory. A plugin that fails to
// load is left out and named in the error; the others are loaded.
func (m *Manager) LoadAll(ctx context.Context) error {
	ps, err := m.host.LoadDir(ctx, m.dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range ps {
		if serr := m.swap(ctx, p); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	return err
}

// Plugins returns the loaded plugins, by name.
func (m *Manager) Plugins() []*Plugin {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*Plugin, 0, len(m.loaded))
	for _, p := range m.loaded {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Plugin) int { return cmpString(a.Name(), b.Name()) })
	return out
}

// Get returns the loaded plugin of a name.
func (m *Manager) Get(name string) (*Plugin, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.loaded[name]
	return p, ok
}

// Reload loads a plugin's directory anew and swaps the new version in.
// When it fails to load, the loaded version keeps serving and the error
// is logged and returned. A plugin whose directory is gone is unloaded
// and ErrNotInstalled returned.
func (m *Manager) Reload(ctx context.Context, name string) (*Plugin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reload(ctx, name)
}

func (m *Manager) reload(ctx context.Context, name string) (*Plugin, error) {
	return m.reloadFrom(ctx, name, m.dirOf(name))
}

// reloadFrom loads plugin name from dir and swaps it in.
func (m *Manager) reloadFrom(ctx context.Context, name, dir string) (*Plugin, error) {
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); errors.Is(err, os.ErrNotExist) {
		m.unload(ctx, name)
		return nil, fmt.Errorf("plugin %q: %w (no %s in %s)", name, ErrNotInstalled, ManifestFile, dir)
	}
	p, err := m.host.Load(ctx, dir)
	if err == nil && p.Name() != name {
		p.Close(ctx)
		err = fmt.Errorf("plugin %q: %s now holds plugin %q", name, dir, p.Name())
	}
	if err != nil {
		m.log.Error("plugin reload failed; the loaded version, if any, keeps serving", "plugin", name, "err", err)
		m.host.logs.write(m.log, name, slog.LevelError, "reload failed; the loaded version, if any, keeps serving: "+err.Error())
		return nil, refused(err)
	}
	if err := m.swap(ctx, p); err != nil {
		return nil, err
	}
	m.log.Info("plugin loaded", "plugin", name, "version", p.Manifest.Package.Version, "sha256", p.Hash)
	return p, nil
}

// ReloadAll reloads every plugin in the directory and unloads those whose
// directory is gone; each failure is in the error.
func (m *Manager) ReloadAll(ctx context.Context) error {
	dirs, err := PluginDirs(m.dir)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	var errs []error
	for _, d := range dirs {
		man, err := ReadManifest(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seen[man.Package.Name] = true
		if _, err := m.reloadFrom(ctx, man.Package.Name, d); err != nil {
			errs = append(errs, err)
		}
	}
	for name := range m.loaded {
		if !seen[name] {
			m.unload(ctx, name)
		}
	}
	return errors.Join(errs...)
}

// Remove deletes a plugin's directory, unloads it and deletes its record.
func (m *Manager) Remove(ctx context.Context, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("plugin %q: %w", name, ErrNotInstalled)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	dir := m.dirOf(name)
	if !m.inside(dir) {
		return fmt.Errorf("plugin %q: %s is outside %s; remove it by hand", name, dir, m.dir)
	}
	_, statErr := os.Stat(dir)
	_, wasLoaded := m.loaded[name]
	if errors.Is(statErr, os.ErrNotExist) && !wasLoaded {
		return fmt.Errorf("plugin %q: %w", name, ErrNotInstalled)
	}
	if statErr == nil {
		// Renamed away first, so a reader never sees half a plugin.
		gone, err := os.MkdirTemp(m.dir, ".remove-"+name+"-")
		if err != nil {
			return fmt.Errorf("remove plugin %q: %w", name, err)
		}
		if err := os.Rename(dir, filepath.Join(gone, name)); err != nil {
			_ = os.Remove(gone)
			return fmt.Errorf("remove plugin %q: %w", name, err)
		}
		if err := os.RemoveAll(gone); err != nil {
			m.log.Warn("removed plugin's files not all deleted", "plugin", name, "dir", gone, "err", err)
		}
	}
	m.unload(ctx, name)
	if m.rec != nil {
		if err := m.rec.DeletePlugin(ctx, name); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("remove plugin %q: the files are gone, the record is not: %w", name, err)
		}
	}
	m.log.Info("plugin removed", "plugin", name)
	return nil
}

// Close closes every loaded plugin's idle instances.
func (m *Manager) Close(ctx context.Context) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, p := range m.loaded {
		if m.activate {
			Deactivate(name, p)
		}
		p.Close(ctx)
	}
	m.loaded = map[string]*Plugin{}
}

// swap makes p the loaded version of its name, activating it, and closes
// the version it replaces once its calls are done.
func (m *Manager) swap(ctx context.Context, p *Plugin) error {
	if m.activate {
		replaced, err := Activate([]*Plugin{p})
		if err != nil {
			return err
		}
		for _, old := range replaced {
			if old != m.loaded[p.Name()] {
				old.Close(ctx) // activated by someone else: still ours to retire
			}
		}
	}
	if old, ok := m.loaded[p.Name()]; ok && old != p {
		old.Close(ctx) // its calls in flight finish on their own instances
	}
	m.loaded[p.Name()] = p
	return nil
}

// unload takes a plugin out of service.
func (m *Manager) unload(ctx context.Context, name string) {
	p, ok := m.loaded[name]
	if !ok {
		return
	}
	if m.activate {
		Deactivate(name, p)
	}
	p.Close(ctx)
	delete(m.loaded, name)
}

// dirOf is the directory of a plugin: where it was loaded from, else dir/NAME.
func (m *Manager) dirOf(name string) string {
	if p, ok := m.loaded[name]; ok && p.Dir != "" {
		return p.Dir
	}
	return filepath.Join(m.dir, name)
}

// inside reports whether path is a directory directly under the manager's.
func (m *Manager) inside(path string) bool {
	rel, err := filepath.Rel(m.dir, path)
	return err == nil && rel != "." && filepath.Base(rel) == rel && rel != ".."
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
