package serve_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"mime/multipart"
	"os"
	"path/filepath"
)

// rawBody is a request body sent as it is, with its content type.
type rawBody struct {
	contentType string
	data        []byte
}

// pluginUpload is a multipart upload of a plugin called name: the
// server's test guest (internal/server/testdata/score.wat, which scores
// 1) zipped with its manifest.
func pluginUpload(name string) rawBody {
	wasm, err := os.ReadFile(filepath.Join("..", "server", "testdata", "score.wasm"))
	if err != nil {
		panic(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	for file, body := range map[string][]byte{
		"plugin.toml": fmt.Appendf(nil, "[package]\nname = %q\nversion = \"1.0.0\"\n[plugin]\ntype = \"evaluator\"\nentry_point = \"main.wasm\"\n", name),
		"main.wasm":   wasm,
	} {
		w, err := zw.Create(file)
		if err != nil {
			panic(err)
		}
		_, _ = w.Write(body)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("file", "plugin.zip")
	if err != nil {
		panic(err)
	}
	_, _ = w.Write(zbuf.Bytes())
	_ = mw.Close()
	return rawBody{contentType: mw.FormDataContentType(), data: buf.Bytes()}
}
