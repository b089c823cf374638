//go:build wasip1

package main

import "github.com/llm-test-bench/llm-test-bench/sdk/ltbplugin"

func call(service string, req []byte) ([]byte, error) { return ltbplugin.Call(service, req) }
