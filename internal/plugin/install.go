package plugin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// Install copies a validated plugin's manifest and module into
// root/NAME, replacing an installed version only when replace is set.
// It returns the new directory.
func Install(p *Plugin, root string, replace bool) (string, error) {
	files, err := p.files()
	if err != nil {
		return "", err
	}
	return installFiles(root, p.Name(), files, replace)
}

// files reads the manifest and module of a plugin loaded from a directory.
func (p *Plugin) files() (map[string][]byte, error) {
	if p.Dir == "" {
		return nil, errors.New("install: the plugin was not loaded from a directory")
	}
	files := map[string][]byte{}
	for _, name := range []string{ManifestFile, p.Manifest.Plugin.EntryPoint} {
		b, err := readRegular(filepath.Join(p.Dir, name))
		if err != nil {
			return nil, fmt.Errorf("install %q: %w", p.Name(), err)
		}
		files[name] = b
	}
	return files, nil
}

// installFiles writes files (plain names) into root/name. They land in a
// fresh directory that is then renamed into place, so a reader (a run,
// the watcher) never sees half a plugin.
func installFiles(root, name string, files map[string][]byte, replace bool) (string, error) {
	dest := filepath.Join(root, name)
	if _, err := os.Stat(dest); err == nil && !replace {
		return "", fmt.Errorf("install %q: %s exists (pass --force to replace it): %w", name, dest, store.ErrExists)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("install %q: %w", name, err)
	}
	tmp, err := os.MkdirTemp(root, ".install-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("install %q: %w", name, err)
	}
	defer os.RemoveAll(tmp)
	for file, b := range files {
		if filepath.Base(file) != file {
			return "", fmt.Errorf("install %q: %q is not a plain file name", name, file)
		}
		if err := os.WriteFile(filepath.Join(tmp, file), b, 0o644); err != nil {
			return "", fmt.Errorf("install %q: %w", name, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("install %q: %w", name, err)
	}
	if replace {
		old, err := os.MkdirTemp(root, ".replace-"+name+"-")
		if err != nil {
			return "", fmt.Errorf("install %q: %w", name, err)
		}
		defer os.RemoveAll(old)
		if err := os.Rename(dest, filepath.Join(old, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("install %q: %w", name, err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return "", fmt.Errorf("install %q: %w", name, err)
	}
	return dest, nil
}

// readRegular reads a regular file (a symlink or device is refused).
func readRegular(path string) ([]byte, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	return os.ReadFile(path)
}

// InstallDir validates the plugin in dir (manifest, grants, module, ABI)
// and installs it under the manager's directory, replacing an installed
// version only when replace is set; the new version then serves.
func (m *Manager) InstallDir(ctx context.Context, dir string, replace bool) (*Plugin, error) {
	p, err := m.host.Load(ctx, dir)
	if err != nil {
		return nil, refused(err)
	}
	files, err := p.files()
	if err != nil {
		p.Close(ctx)
		return nil, err
	}
	return m.install(ctx, p, files, replace)
}

// InstallArchive validates a plugin uploaded as a zip archive (see
// ReadArchive) and installs it like InstallDir. Nothing is written
// before the manifest, the grants, the module and its ABI are checked.
func (m *Manager) InstallArchive(ctx context.Context, zipData []byte, replace bool) (*Plugin, error) {
	a, err := ReadArchive(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return nil, refused(err)
	}
	p, err := m.host.New(ctx, a.Manifest, a.Module)
	if err != nil {
		return nil, refused(err)
	}
	files := map[string][]byte{ManifestFile: a.ManifestText, a.Manifest.Plugin.EntryPoint: a.Module}
	return m.install(ctx, p, files, replace)
}

// install writes a checked plugin's files, swaps it in and records it.
func (m *Manager) install(ctx context.Context, p *Plugin, files map[string][]byte, replace bool) (*Plugin, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	dest, err := installFiles(m.dir, p.Name(), files, replace)
	if err != nil {
		p.Close(ctx)
		return nil, err
	}
	p.Dir = dest
	if err := m.swap(ctx, p); err != nil {
		return nil, err
	}
	if m.rec != nil {
		if err := m.rec.PutPlugin(ctx, p.Record(string(files[ManifestFile]))); err != nil {
			return p, fmt.Errorf("install %q: installed in %s, not recorded: %w", p.Name(), dest, err)
		}
	}
	m.log.Info("plugin installed", "plugin", p.Name(), "version", p.Manifest.Package.Version, "sha256", p.Hash, "dir", dest)
	return p, nil
}

// Record is the plugins-table record of p, with its manifest's text.
func (p *Plugin) Record(manifest string) *store.PluginRecord {
	pkg := p.Manifest.Package
	author := pkg.Author
	if author == "" && len(pkg.Authors) > 0 {
		author = pkg.Authors[0]
		for _, a := range pkg.Authors[1:] {
			author += ", " + a
		}
	}
	caps := p.Manifest.Requested()
	if caps == nil {
		caps = []string{}
	}
	return &store.PluginRecord{
		Name: p.Name(), Version: pkg.Version, Type: p.Manifest.Plugin.Type, Author: author,
		Description: pkg.Description, Hash: p.Hash, Manifest: manifest, Capabilities: caps,
		Path: p.Dir, Enabled: true,
	}
}
