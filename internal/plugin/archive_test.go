package plugin

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// zipEntry is one entry of a test archive; mode 0 is a regular file.
type zipEntry struct {
	name string
	body []byte
	mode os.FileMode
}

func makeZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		} else {
			fh.SetMode(0o644)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var archiveManifest = []byte(manifestText("zipped", "1.0.0", ""))

func TestReadArchive(t *testing.T) {
	t.Parallel()
	wasm := []byte("\x00asm\x01\x00\x00\x00")
	for _, tc := range []struct {
		name    string
		entries []zipEntry
		want    string // "" = accepted
	}{
		{"flat", []zipEntry{{name: ManifestFile, body: archiveManifest}, {name: "main.wasm", body: wasm}, {name: "README.md", body: []byte("hi")}}, ""},
		{"one top directory", []zipEntry{{name: "zipped/", mode: os.ModeDir | 0o755}, {name: "zipped/" + ManifestFile, body: archiveManifest}, {name: "zipped/main.wasm", body: wasm}}, ""},
		{"zip slip", []zipEntry{{name: ManifestFile, body: archiveManifest}, {name: "main.wasm", body: wasm}, {name: "../../etc/cron.d/x", body: []byte("x")}}, `".."`},
		{"absolute path", []zipEntry{{name: "/etc/passwd", body: []byte("x")}}, "absolute path"},
		{"backslash", []zipEntry{{name: `..\..\x`, body: []byte("x")}}, "backslash"},
		{"drive letter", []zipEntry{{name: "C:x", body: []byte("x")}}, "drive letter"},
		{"dot segment", []zipEntry{{name: "./plugin.toml", body: archiveManifest}}, `"."`},
		{"symlink", []zipEntry{{name: ManifestFile, body: archiveManifest}, {name: "main.wasm", body: []byte("/etc/passwd"), mode: os.ModeSymlink | 0o777}}, "symlink"},
		{"device", []zipEntry{{name: "dev", mode: os.ModeDevice | 0o644}}, "not a regular file"},
		{"nested", []zipEntry{{name: "a/b/plugin.toml", body: archiveManifest}}, "nested too deep"},
		{"two plugins", []zipEntry{{name: "a/plugin.toml", body: archiveManifest}, {name: "b/plugin.toml", body: archiveManifest}}, "several directories"},
		{"no manifest", []zipEntry{{name: "main.wasm", body: wasm}}, "no plugin.toml"},
		{"bad manifest", []zipEntry{{name: ManifestFile, body: []byte("[package]\nname = \"X Y\"\n")}, {name: "main.wasm", body: wasm}}, "package.name"},
		{"manifest asks too much", []zipEntry{{name: ManifestFile, body: append(append([]byte(nil), archiveManifest...), "[capabilities]\nfilesystem = true\n"...)}}, "unknown keys"},
		{"no module", []zipEntry{{name: ManifestFile, body: archiveManifest}}, "no main.wasm"},
		{"manifest bomb", []zipEntry{{name: ManifestFile, body: make([]byte, maxManifestBytes+1)}}, "over the cap"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := makeZip(t, tc.entries...)
			a, err := ReadArchive(bytes.NewReader(data), int64(len(data)))
			if tc.want == "" {
				if err != nil || a.Manifest.Package.Name != "zipped" || !bytes.Equal(a.Module, wasm) {
					t.Fatalf("ReadArchive = %+v, %v", a, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadArchive = %v, want an error with %q", err, tc.want)
			}
		})
	}
	if _, err := ReadArchive(bytes.NewReader([]byte("not a zip")), 9); err == nil || !strings.Contains(err.Error(), "not a zip") {
		t.Errorf("not a zip: %v", err)
	}
	if _, err := ReadArchive(bytes.NewReader(nil), MaxArchiveBytes+1); err == nil || !strings.Contains(err.Error(), "over the cap") {
		t.Errorf("too large: %v", err)
	}
}

// TestReadArchiveLyingSize: an entry that inflates past what its header
// claims is refused, not trusted.
func TestReadArchiveLyingSize(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: ManifestFile, Method: zip.Store, UncompressedSize64: 10, CompressedSize64: uint64(len(archiveManifest))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(archiveManifest); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadArchive(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
		t.Fatal("an entry longer than its header says was accepted")
	}
}

// TestInstallArchiveWritesNothingOnFailure: a hostile or broken upload
// leaves the plugin directory as it was.
func TestInstallArchiveWritesNothingOnFailure(t *testing.T) {
	h := newTestHost(t, testLimits())
	root := t.TempDir()
	m := NewManager(h, ManagerOptions{Dir: root})
	good := wat2wasm(t, scoreGuest("1").source())
	for name, data := range map[string][]byte{
		"zip slip":  makeZip(t, zipEntry{name: ManifestFile, body: archiveManifest}, zipEntry{name: "main.wasm", body: good}, zipEntry{name: "../evil", body: []byte("x")}),
		"not wasm":  makeZip(t, zipEntry{name: ManifestFile, body: archiveManifest}, zipEntry{name: "main.wasm", body: []byte("nope")}),
		"wrong ABI": makeZip(t, zipEntry{name: ManifestFile, body: archiveManifest}, zipEntry{name: "main.wasm", body: wat2wasm(t, watGuest{body: okBody, version: 2}.source())}),
		"ungranted": makeZip(t, zipEntry{name: ManifestFile, body: []byte(manifestText("zipped", "1", "[capabilities]\nrequires_llm = true\n"))}, zipEntry{name: "main.wasm", body: good}),
	} {
		if name == "ungranted" {
			// The test host grants everything; this manager's host grants nothing.
			strict, err := NewHost(context.Background(), Options{Limits: testLimits()})
			if err != nil {
				t.Fatal(err)
			}
			defer strict.Close(context.Background())
			if _, err := NewManager(strict, ManagerOptions{Dir: root}).InstallArchive(context.Background(), data, false); err == nil || !strings.Contains(err.Error(), "not granted") {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if _, err := m.InstallArchive(context.Background(), data, false); err == nil {
			t.Errorf("%s: installed", name)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("failed uploads left %v in the plugin directory", entries)
	}
	p, err := m.InstallArchive(context.Background(), makeZip(t, zipEntry{name: ManifestFile, body: archiveManifest}, zipEntry{name: "main.wasm", body: good}), false)
	if err != nil || p.Dir != filepath.Join(root, "zipped") {
		t.Fatalf("good upload: %v, %v", p, err)
	}
	if _, err := os.Stat(filepath.Join(root, "zipped", "main.wasm")); err != nil {
		t.Error(err)
	}
}

func FuzzReadArchive(f *testing.F) {
	f.Add(makeZip(f, zipEntry{name: ManifestFile, body: archiveManifest}, zipEntry{name: "main.wasm", body: []byte("\x00asm")}))
	f.Add(makeZip(f, zipEntry{name: "../x", body: []byte("x")}))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadArchive(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		if a.Manifest == nil || checkEntryPoint(a.Manifest.Plugin.EntryPoint) != nil || len(a.Module) > maxWasmBytes {
			t.Fatalf("accepted an archive with %+v", a.Manifest)
		}
	})
}
