package text

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TestRegexJavaScriptSyntax: promptfoo compiles the value with JavaScript's
// new RegExp (src/assertions/regex.ts), so suites use look-ahead,
// look-behind and backreferences. Expressions RE2 compiles stay on RE2.
func TestRegexJavaScriptSyntax(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, output string
		want         bool
		re2          bool
	}{
		{`\d{3}-\d{4}`, "call 555-1234", true, true},
		{`^Hello`, "Hello world", true, true},
		{`^Hello`, "Say Hello", false, true},
		{`(a+)+$`, strings.Repeat("a", 5000) + "b", false, true},
		{`^(?=.*\d)(?=.*[A-Z]).{8,}$`, "Passw0rdX", true, false},
		{`^(?=.*\d)(?=.*[A-Z]).{8,}$`, "password", false, false},
		{`(?<!\$)\b\d+\b`, "costs $5 or 7", true, false},
		{`(?<=\$)\d+`, "costs 5", false, false},
		{`(?<=\$)\d+`, "costs $5", true, false},
		{`\b(\w+) \1\b`, "it is is here", true, false},
		{`\b(\w+) \1\b`, "it is here", false, false},
		{`(?<year>\d{4})-\k<year>`, "2024-2024", true, false},
		{`foo(?!bar)`, "foobar", false, false},
		{`foo(?!bar)`, "foobaz", true, false},
	}
	r := NewRegex()
	for _, tt := range tests {
		m, err := r.compile(tt.expr)
		if err != nil {
			t.Fatalf("compile %q: %v", tt.expr, err)
		}
		if (m.re2 != nil) != tt.re2 {
			t.Errorf("%q on RE2 = %v, want %v", tt.expr, m.re2 != nil, tt.re2)
		}
		got, err := m.match(tt.output)
		if err != nil || got != tt.want {
			t.Errorf("/%s/ on %q = %v, %v; want %v", tt.expr, tt.output, got, err, tt.want)
		}
	}
}

// TestRegexBacktrackingTimeout: a catastrophically backtracking expression
// that RE2 refuses (the look-ahead sends it to the backtracking engine)
// stops at the timeout and leaves the assertion unscored with a reason;
// the same expression without the look-ahead runs on RE2 in linear time.
func TestRegexBacktrackingTimeout(t *testing.T) {
	t.Parallel()
	r := NewRegexTimeout(100 * time.Millisecond)
	input := strings.Repeat("a", 5000) + "b"
	a := bench.Assertion{Type: "regex", Value: `^(?=a)(a+)+$`}
	if err := r.Validate(a); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	start := time.Now()
	_, err := r.Evaluate(context.Background(), a, &eval.Input{Output: input})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "gave up after 100ms") {
		t.Fatalf("Evaluate = %v, want a timeout error", err)
	}
	// Without the limit this match backtracks for longer than the age of
	// the universe; the bound is loose so that a loaded machine, whose
	// timer fires late, does not fail it.
	if took > 20*time.Second {
		t.Errorf("timeout took %s", took)
	}
	start = time.Now()
	s, err := r.Evaluate(context.Background(), bench.Assertion{Type: "regex", Value: `(a+)+$`}, &eval.Input{Output: input})
	if err != nil || s.Pass {
		t.Errorf("RE2 (a+)+$ = %+v, %v; want a failure", s, err)
	}
	if d := time.Since(start); d > 5*time.Second { // linear time: milliseconds, were it not for the machine's load
		t.Errorf("RE2 match took %s", d)
	}
}

func TestRegexInvalidOnBothEngines(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{`a(b`, `(?<name>x)\`, `[z-a]`} {
		if _, err := NewRegex().compile(expr); err == nil || !strings.Contains(err.Error(), "invalid regex") {
			t.Errorf("compile(%q) = %v, want invalid regex", expr, err)
		}
	}
}

// TestRegexTimeoutThroughCheck: through eval.Check, as the runner scores,
// a match that gives up is an unscored verdict that fails its case.
func TestRegexTimeoutThroughCheck(t *testing.T) {
	t.Parallel()
	a := bench.Assertion{Type: "regex", Value: `^(?=a)(a+)+$`}
	in := &eval.Input{Output: strings.Repeat("a", 5000) + "b"}
	out := eval.Check(context.Background(), []bench.Assertion{a}, nil, in)
	got := out.Scores["regex"]
	if !got.Unscored || out.Passed || !strings.Contains(got.Reason, "gave up after 1s") {
		t.Errorf("Check = %+v (case passed %v), want an unscored timeout", got, out.Passed)
	}
}
