package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/plugin"
)

// newPluginManager is a real plugin manager over dir, its host granting
// every capability.
func newPluginManager(t testing.TB, dir string) *plugin.Manager {
	t.Helper()
	l := plugin.DefaultLimits()
	l.MemoryMB = 8
	h, err := plugin.NewHost(context.Background(), plugin.Options{Limits: l, Grant: plugin.AllowAll})
	if err != nil {
		t.Fatal(err)
	}
	m := plugin.NewManager(h, plugin.ManagerOptions{Dir: dir})
	t.Cleanup(func() {
		m.Close(context.Background())
		_ = h.Close(context.Background())
	})
	return m
}

// scoreWasm is testdata/score.wasm, a plugin that scores 1 (score.wat).
func scoreWasm(t testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "score.wasm"))
	if err != nil {
		panic(err)
	}
	return b
}

type zipFile struct {
	name string
	body []byte
	mode os.FileMode
}

func zipOf(files ...zipFile) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		fh := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
		fh.SetMode(0o644)
		if f.mode != 0 {
			fh.SetMode(f.mode)
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			panic(err)
		}
		_, _ = w.Write(f.body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func pluginManifest(name string) []byte {
	return []byte(fmt.Sprintf("[package]\nname = %q\nversion = \"1.0.0\"\n[plugin]\ntype = \"evaluator\"\nentry_point = \"main.wasm\"\n", name))
}

// multipartBody wraps archive as the part named part.
func multipartBody(part string, archive []byte) rawBody {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile(part, "plugin.zip")
	if err != nil {
		panic(err)
	}
	_, _ = w.Write(archive)
	_ = mw.Close()
	return rawBody{contentType: mw.FormDataContentType(), data: buf.Bytes()}
}

// pluginUpload is the upload of a good plugin called name (archive nil)
// or of archive.
func pluginUpload(archive []byte, name string) rawBody {
	if archive == nil {
		wasm, err := os.ReadFile(filepath.Join("testdata", "score.wasm"))
		if err != nil {
			panic(err)
		}
		archive = zipOf(zipFile{name: "plugin.toml", body: pluginManifest(name)}, zipFile{name: "main.wasm", body: wasm})
	}
	return multipartBody("file", archive)
}

// TestPluginRoutes walks the plugin routes as an admin: upload, list,
// get, a conflicting upload, replace, reload, delete.
func TestPluginRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.do("admin", http.MethodPost, "/api/v1/plugins", pluginUpload(nil, "kw"))
	var in plugin.Info
	if a.status != http.StatusCreated || a.header.Get("Location") != "/api/v1/plugins/kw" {
		t.Fatalf("upload: %d %s", a.status, a.body)
	}
	a.decode(t, &in)
	if in.Name != "kw" || !in.Loaded || in.Assertion != "plugin:kw" || len(in.Hash) != 64 {
		t.Errorf("upload answered %+v", in)
	}
	if a := e.do("admin", http.MethodGet, "/api/v1/plugins", nil); a.status != 200 || !strings.Contains(string(a.body), `"name":"kw"`) {
		t.Errorf("list: %d %s", a.status, a.body)
	}
	if a := e.do("admin", http.MethodPost, "/api/v1/plugins", pluginUpload(nil, "kw")); a.status != http.StatusConflict {
		t.Errorf("second upload: %d %s, want 409", a.status, a.body)
	}
	if a := e.do("admin", http.MethodPost, "/api/v1/plugins?replace=true", pluginUpload(nil, "kw")); a.status != http.StatusCreated {
		t.Errorf("replace: %d %s", a.status, a.body)
	}
	if a := e.do("admin", http.MethodPost, "/api/v1/plugins/kw/reload", nil); a.status != 200 {
		t.Errorf("reload: %d %s", a.status, a.body)
	}
	if a := e.do("admin", http.MethodPost, "/api/v1/plugins/nope/reload", nil); a.status != 404 {
		t.Errorf("reload of an absent plugin: %d %s", a.status, a.body)
	}
	if a := e.do("admin", http.MethodDelete, "/api/v1/plugins/kw", nil); a.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", a.status, a.body)
	}
	for _, path := range []string{"/api/v1/plugins/kw", "/api/v1/plugins/..%2F..%2Fetc"} {
		if a := e.do("admin", http.MethodGet, path, nil); a.status != 404 {
			t.Errorf("GET %s: %d %s", path, a.status, a.body)
		}
		if a := e.do("admin", http.MethodDelete, path, nil); a.status != 404 {
			t.Errorf("DELETE %s: %d %s", path, a.status, a.body)
		}
	}
	if a := e.do("alice", http.MethodPost, "/api/v1/plugins", pluginUpload(nil, "kw")); a.status != http.StatusForbidden {
		t.Errorf("upload as a user: %d, want 403", a.status)
	}
}

// TestHostileUploads: each hostile or broken upload is refused with a
// problem, and nothing lands in the plugin directory.
func TestHostileUploads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := e.pluginDir
	wasm := scoreWasm(t)
	good := func(extra ...zipFile) []byte {
		return zipOf(append([]zipFile{{name: "plugin.toml", body: pluginManifest("evil")}, {name: "main.wasm", body: wasm}}, extra...)...)
	}
	for _, tc := range []struct {
		name   string
		body   rawBody
		status int
		detail string
	}{
		{"zip slip", pluginUpload(good(zipFile{name: "../../../tmp/pwned", body: []byte("x")}), ""), 422, `or an empty segment`},
		{"absolute path", pluginUpload(good(zipFile{name: "/etc/cron.d/pwned", body: []byte("x")}), ""), 422, "absolute path"},
		{"symlink", pluginUpload(zipOf(zipFile{name: "plugin.toml", body: pluginManifest("evil")}, zipFile{name: "main.wasm", body: []byte("/etc/passwd"), mode: os.ModeSymlink | 0o777}), ""), 422, "symlink"},
		{"backslash", pluginUpload(good(zipFile{name: `..\..\pwned`, body: []byte("x")}), ""), 422, "backslash"},
		{"bad name", pluginUpload(zipOf(zipFile{name: "plugin.toml", body: pluginManifest("../evil")}, zipFile{name: "main.wasm", body: wasm}), ""), 422, "package.name"},
		{"not wasm", pluginUpload(zipOf(zipFile{name: "plugin.toml", body: pluginManifest("evil")}, zipFile{name: "main.wasm", body: []byte("MZ")}), ""), 422, "compile"},
		{"not a zip", pluginUpload([]byte("plain text"), ""), 422, "not a zip"},
		{"wrong part", multipartBody("archive", good()), 400, `unexpected part`},
		{"not multipart", rawBody{contentType: "application/zip", data: good()}, 415, "multipart/form-data"},
	} {
		a := e.do("admin", http.MethodPost, "/api/v1/plugins", tc.body)
		if a.status != tc.status || !strings.Contains(string(a.body), tc.detail) || a.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %s %s, want %d with %q", tc.name, a.status, a.header.Get("Content-Type"), a.body, tc.status, tc.detail)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("hostile uploads left %v in the plugin directory", entries)
	}
	if _, err := os.Stat("/tmp/pwned"); err == nil {
		t.Error("/tmp/pwned exists")
	}
}

// TestUploadTooLarge: an archive over the cap is refused with 413 while
// it is read (checked on the handler's reader, without the contract
// wrapper, which would read the 65 MiB first).
func TestUploadTooLarge(t *testing.T) {
	t.Parallel()
	body := multipartBody("file", make([]byte, plugin.MaxArchiveBytes+1))
	r := httptest.NewRequest(http.MethodPost, PluginUploadPath, bytes.NewReader(body.data))
	r.Header.Set("Content-Type", body.contentType)
	if _, d := readUpload(r); d == nil || d.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("readUpload = %+v, want 413", d)
	}
}
