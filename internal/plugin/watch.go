package plugin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchDebounce is how long the watcher waits after the last change in
// a plugin's directory before reloading it, so a module being copied in
// is read once it is whole.
const watchDebounce = 300 * time.Millisecond

// Watch reloads plugins when their files change ([plugins] auto_reload):
// it watches the manager's directory and each plugin directory in it, and
// after a change settles reloads the plugins it touched (Reload: the new
// version is compiled and checked, then swapped in; calls in flight
// finish on the old one; a version that fails leaves the old one serving
// and logs the error). A plugin directory that disappears is unloaded.
// It returns when ctx ends.
func (m *Manager) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("plugin watch: %w", err)
	}
	defer func() { _ = w.Close() }()
	if err := os.MkdirAll(m.dir, 0o755); err != nil {
		return fmt.Errorf("plugin watch: %w", err)
	}
	if err := w.Add(m.dir); err != nil {
		return fmt.Errorf("plugin watch %s: %w", m.dir, err)
	}
	dirs, err := PluginDirs(m.dir)
	if err != nil {
		return err
	}
	for _, d := range dirs {
		m.watchDir(w, d)
	}
	pending := map[string]bool{} // directory names under m.dir
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			m.log.Warn("plugin watch error", "dir", m.dir, "err", err)
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if name := m.changed(ev.Name); name != "" {
				pending[name] = true
				timer.Reset(watchDebounce)
			}
		case <-timer.C:
			for name := range pending {
				m.reloadChanged(ctx, w, name)
			}
			clear(pending)
		}
	}
}

// changed returns the plugin directory name (under m.dir) a path event
// concerns, "" for the log directory and installs or removals under way.
func (m *Manager) changed(path string) string {
	rel, err := filepath.Rel(m.dir, path)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	first, _, _ := strings.Cut(rel, string(filepath.Separator))
	if strings.HasPrefix(first, ".") {
		return ""
	}
	return first
}

// reloadChanged reloads the plugin in dir/name, watches its (new)
// directory, or unloads the plugin that lived there when it is gone.
func (m *Manager) reloadChanged(ctx context.Context, w *fsnotify.Watcher, name string) {
	dir := filepath.Join(m.dir, name)
	man, err := ReadManifest(dir)
	if err != nil {
		if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
			m.mu.Lock()
			for pname, p := range m.loaded {
				if p.Dir == dir {
					m.unload(ctx, pname)
					m.log.Info("plugin unloaded: its directory is gone", "plugin", pname, "dir", dir)
				}
			}
			m.mu.Unlock()
			return
		}
		m.log.Error("plugin reload failed; the loaded version, if any, keeps serving", "dir", dir, "err", err)
		return
	}
	m.watchDir(w, dir)
	m.mu.Lock()
	defer m.mu.Unlock()
	_, _ = m.reloadFrom(ctx, man.Package.Name, dir) // a failure is logged there
}

// watchDir adds a plugin directory to the watcher (again after a rename).
func (m *Manager) watchDir(w *fsnotify.Watcher, dir string) {
	if err := w.Add(dir); err != nil {
		m.log.Warn("plugin watch: directory not watched", "dir", dir, "err", err)
	}
}
