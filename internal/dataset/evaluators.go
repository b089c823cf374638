package dataset

// Validate checks every assertion against the eval registry, so the package
// that validates suites brings the built-in assertion types with it: a
// library caller that loads and validates a suite needs no blank import of
// its own. Plugins still add their types with eval.Register.
import _ "github.com/llm-test-bench/llm-test-bench/eval/all"
