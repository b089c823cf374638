package javascript

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

// FuzzScript runs arbitrary source as an assertion. Whatever it does, the
// host must not crash or hang: each run is bounded (100 ms, 8 MiB), and the
// result is a verdict or an error naming the assertion.
func FuzzScript(f *testing.F) {
	for _, s := range []string{
		`output === "x"`, "while (true) {}\nreturn 1", "const a = [];\nwhile (true) a.push([a]);",
		"function f() { return f() }\nreturn f()", `JSON.parse(output)`, "({pass: true, score: 1, reason: 'r'})",
		"const p = new Promise(() => {});\nreturn p", "throw 1\n", "return Symbol()\n", `}); (function(){`,
		"globalThis.x = 1; Object.freeze(globalThis);\nreturn true", "Object.defineProperty(globalThis, 'y', {value: 1});\nreturn true",
		`"x".repeat(1 << 29)`, `/(a+)+$/.test("a".repeat(30) + "!")`, "const s = `${output};`; s", "return import('std')\n",
		"Error.prototype.toString = null; String.prototype.at = 1;\nreturn 1",
	} {
		f.Add(s, "x")
	}
	e := New(NewPool(2), Limits{Timeout: 100 * time.Millisecond, Memory: 8 << 20})
	f.Fuzz(func(t *testing.T, src, output string) {
		if len(src) > 4096 || len(output) > 4096 {
			t.Skip()
		}
		a := bench.Assertion{Type: "javascript", Value: src, Metric: "fuzz"}
		if e.Validate(a) != nil {
			return
		}
		start := time.Now()
		s, err := e.Evaluate(context.Background(), a, input(output))
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("run took %s", d)
		}
		if err != nil {
			if !strings.Contains(err.Error(), `javascript assertion "fuzz"`) {
				t.Fatalf("error does not name the assertion: %v", err)
			}
			return
		}
		if s.Unscored {
			t.Fatalf("unscored verdict without an error: %+v", s)
		}
		// The engine stays usable for the next assertion.
		s, err = e.Evaluate(context.Background(), bench.Assertion{Type: "javascript", Value: `typeof output === "string" && !!JSON && [1].includes(1)`}, input(output))
		if err != nil || !s.Pass {
			t.Fatalf("next assertion after %q: %+v %v", src, s, err)
		}
	})
}

// FuzzFunctionBody: the body builder never panics, keeps a multi-line
// source as written, and always returns a single line's final expression.
func FuzzFunctionBody(f *testing.F) {
	for _, s := range []string{"output", "const a = 1; a", "let s = `a;${b;c}`; s", "var x = '\\';'; x", "const x = 1; // c; d", "/* ; */ x", "a\nb", "const x = {a: 1;}; x;;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		b := FunctionBody(src)
		trimmed := strings.TrimRight(src, jsSpace)
		if strings.Contains(trimmed, "\n") {
			if b != trimmed {
				t.Fatalf("multi-line source changed: %q -> %q", src, b)
			}
			return
		}
		if !declaration.MatchString(strings.TrimSpace(trimmed)) && !strings.HasPrefix(b, "return ") {
			t.Fatalf("expression %q not returned: %q", src, b)
		}
	})
}
