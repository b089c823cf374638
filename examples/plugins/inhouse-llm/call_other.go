//go:build !wasip1

package main

import "errors"

// call has no host outside WebAssembly; tests replace httpCall.
func call(string, []byte) ([]byte, error) {
	return nil, errors.New("http.request exists only inside the plugin host")
}
