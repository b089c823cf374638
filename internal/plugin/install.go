package plugin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Install copies a validated plugin's manifest and module into
// root/NAME, replacing an installed version only when replace is set.
// The files land in a fresh directory that is then renamed into place,
// so a reader never sees half a plugin. It returns the new directory.
func Install(p *Plugin, root string, replace bool) (string, error) {
	if p.Dir == "" {
		return "", errors.New("install: the plugin was not loaded from a directory")
	}
	dest := filepath.Join(root, p.Name())
	if _, err := os.Stat(dest); err == nil && !replace {
		return "", fmt.Errorf("install %q: %s exists (pass --force to replace it)", p.Name(), dest)
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("install %q: %w", p.Name(), err)
	}
	tmp, err := os.MkdirTemp(root, ".install-"+p.Name()+"-")
	if err != nil {
		return "", fmt.Errorf("install %q: %w", p.Name(), err)
	}
	defer os.RemoveAll(tmp)
	for _, name := range []string{ManifestFile, p.Manifest.Plugin.EntryPoint} {
		if err := copyFile(filepath.Join(p.Dir, name), filepath.Join(tmp, name)); err != nil {
			return "", fmt.Errorf("install %q: %w", p.Name(), err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("install %q: %w", p.Name(), err)
	}
	old := dest + ".old"
	if replace {
		if err := os.RemoveAll(old); err != nil {
			return "", fmt.Errorf("install %q: %w", p.Name(), err)
		}
		if err := os.Rename(dest, old); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("install %q: %w", p.Name(), err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return "", fmt.Errorf("install %q: %w", p.Name(), err)
	}
	_ = os.RemoveAll(old)
	return dest, nil
}

// copyFile copies a regular file (a symlink or device is refused).
func copyFile(src, dst string) error {
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", src)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
