package cli_test

import (
	"io"
	"net/http"
)

func readAll(r *http.Request) ([]byte, error) { return io.ReadAll(r.Body) }

func ioNopCloser(r io.Reader) io.ReadCloser { return io.NopCloser(r) }
