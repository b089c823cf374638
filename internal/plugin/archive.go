package plugin

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Bounds of an uploaded plugin archive.
const (
	// MaxArchiveBytes is the largest archive accepted (the module's cap
	// plus room for the manifest and the zip's own bytes).
	MaxArchiveBytes = maxWasmBytes + 1<<20
	// maxArchiveEntries bounds the entries read from an archive.
	maxArchiveEntries = 64
)

// Archive is a plugin read from a zip archive, checked but not installed.
type Archive struct {
	Manifest     *Manifest
	ManifestText []byte
	Module       []byte
}

// ReadArchive reads a plugin from a zip archive: plugin.toml and its
// entry point, at the archive's root or under one top directory (as
// zipping a plugin's folder makes). Every entry's name is checked before
// anything is read: an absolute path, a "..", a backslash, a drive
// letter, a symlink or any other non-regular file refuses the whole
// archive, as do more than 64 entries. The manifest is parsed and
// checked before the module is read; sizes are enforced on the bytes
// actually inflated, not the sizes the archive claims. Other regular
// files (a README) are ignored.
func ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	if size > MaxArchiveBytes {
		return nil, fmt.Errorf("archive of %d bytes is over the cap of %d MiB", size, MaxArchiveBytes>>20)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("archive: not a zip file: %w", err)
	}
	if len(zr.File) > maxArchiveEntries {
		return nil, fmt.Errorf("archive: %d entries, at most %d", len(zr.File), maxArchiveEntries)
	}
	top, err := checkEntries(zr.File)
	if err != nil {
		return nil, err
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		if !f.FileInfo().IsDir() {
			byName[strings.TrimPrefix(f.Name, top)] = f
		}
	}
	mf, ok := byName[ManifestFile]
	if !ok {
		return nil, fmt.Errorf("archive: no %s at its root (or under its one top directory)", ManifestFile)
	}
	text, err := inflate(mf, maxManifestBytes)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(text)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: %w", ManifestFile, err)
	}
	wf, ok := byName[m.Plugin.EntryPoint]
	if !ok {
		return nil, fmt.Errorf("archive: plugin %q: no %s beside %s", m.Package.Name, m.Plugin.EntryPoint, ManifestFile)
	}
	wasm, err := inflate(wf, maxWasmBytes)
	if err != nil {
		return nil, fmt.Errorf("archive: plugin %q: %w", m.Package.Name, err)
	}
	return &Archive{Manifest: m, ManifestText: text, Module: wasm}, nil
}

// checkEntries refuses unsafe entry names and types, and returns the one
// top directory ("dir/") all entries share, or "".
func checkEntries(files []*zip.File) (string, error) {
	tops := map[string]bool{}
	nested := false
	for _, f := range files {
		name := f.Name
		if err := checkEntryName(name); err != nil {
			return "", fmt.Errorf("archive: entry %q: %w", name, err)
		}
		mode := f.Mode()
		if !mode.IsRegular() && !mode.IsDir() {
			return "", fmt.Errorf("archive: entry %q is a %s, not a regular file", name, typeOf(mode.Type().String()))
		}
		first, rest, cut := strings.Cut(strings.TrimSuffix(name, "/"), "/")
		switch {
		case strings.Contains(rest, "/"):
			return "", fmt.Errorf("archive: entry %q is nested too deep (a plugin is one flat directory)", name)
		case cut:
			nested = true
			tops[first] = true
		case mode.IsDir():
			tops[first] = true
		default:
			tops[""] = true // a file at the root
		}
	}
	if !nested {
		return "", nil
	}
	if len(tops) != 1 {
		return "", errors.New("archive: files at the root and in directories, or in several directories; want one plugin")
	}
	for t := range tops {
		return t + "/", nil
	}
	return "", nil
}

// checkEntryName refuses names that could land outside the plugin's directory.
func checkEntryName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case strings.ContainsRune(name, '\\'):
		return errors.New("backslash in the name")
	case strings.ContainsRune(name, 0):
		return errors.New("NUL in the name")
	case strings.HasPrefix(name, "/"):
		return errors.New("absolute path")
	case len(name) >= 2 && name[1] == ':':
		return errors.New("drive letter")
	}
	for _, seg := range strings.Split(strings.TrimSuffix(name, "/"), "/") {
		if seg == ".." || seg == "." || seg == "" {
			return errors.New(`"..", "." or an empty segment in the path`)
		}
	}
	if path.Clean(name) != strings.TrimSuffix(name, "/") {
		return errors.New("not a clean path")
	}
	return nil
}

func typeOf(mode string) string {
	if strings.HasPrefix(mode, "L") {
		return "symlink"
	}
	return "special file (" + mode + ")"
}

// inflate reads an entry, refusing more than max bytes however small the
// archive says it is.
func inflate(f *zip.File, max int) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s: %d bytes, over the cap of %d", f.Name, f.UncompressedSize64, max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	defer rc.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(rc, int64(max)+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if buf.Len() > max {
		return nil, fmt.Errorf("%s: inflates past the cap of %d bytes", f.Name, max)
	}
	return buf.Bytes(), nil
}
