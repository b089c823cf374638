// Package javascript registers the javascript assertion type: promptfoo's
// inline JavaScript checks, run in an embedded engine (QuickJS compiled to
// pure Go by modernc.org/quickjs: no Node, no cgo) that has no filesystem,
// network, environment, require or module loading, and in which each run is
// bounded in time and memory. A script that times out, runs out of memory,
// throws or returns something other than a boolean, a finite number or
// {pass, score, reason} leaves its assertion unscored with a reason naming
// it; the run goes on. docs/JAVASCRIPT.md tells why this engine and what
// differs from promptfoo.
package javascript
