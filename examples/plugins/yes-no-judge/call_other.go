//go:build !wasip1

package main

import "errors"

// call has no host outside WebAssembly; tests replace ask.
func call(string, []byte) ([]byte, error) {
	return nil, errors.New("llm.complete exists only inside the plugin host")
}
