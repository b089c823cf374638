// Package bench holds the public value types that flow through LLM Test Bench:
// test cases, assertions, result records, token usage, cost and scores.
//
// It depends on the standard library only, so plugins, SDKs and every internal
// package can share these types without import cycles.
package bench
