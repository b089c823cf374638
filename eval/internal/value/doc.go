// Package value turns the loosely typed Value of a bench.Assertion (a string,
// number, list or map as YAML or JSON decoded it) into the Go values the
// assertion families need, renders {{var}} placeholders in string values with
// the case's variables, and caches compiled artefacts (regular expressions,
// JSON Schemas) keyed by the value that produced them.
package value
