package simulator

import (
	"github.com/llm-test-bench/llm-test-bench/internal/jsonstr"
	"strconv"
)

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal as OpenAI writes it:
// non-ASCII text and <, >, & as they are, U+2028/2029 raw.
func appendJSONString(b []byte, s string) []byte { return jsonstr.Append(b, s, false) }

// appendInt appends n in decimal.
func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }
