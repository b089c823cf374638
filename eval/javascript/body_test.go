package javascript

import "testing"

// Cases from promptfoo's buildFunctionBody tests.
func TestFunctionBody(t *testing.T) {
	tests := []struct{ in, want string }{
		{`output === "test"`, `return output === "test"`},
		{`output.length > 5`, `return output.length > 5`},
		{`true`, `return true`},
		{`const s = output; s === "test"`, `const s = output; return s === "test"`},
		{`const x = 5; const y = 10; x + y`, `const x = 5; const y = 10; return x + y`},
		{`let x = output.length; x > 5`, `let x = output.length; return x > 5`},
		{`var x = output.length; x > 5`, `var x = output.length; return x > 5`},
		{`const x = 5; x > 0;`, `const x = 5; return x > 0`},
		{`const x = 5; x > 0;;`, `const x = 5; return x > 0`},
		{`output === "test";`, `return output === "test"`},
		{`  const x = 5; x > 0  `, `const x = 5; return x > 0`},
		{`  output === "test"  `, `return output === "test"`},
		{`const x = 5;`, `const x = 5`},
		{`const s = "a;b"; s.length`, `const s = "a;b"; return s.length`},
		{`const s = output; s === "test;value"`, `const s = output; return s === "test;value"`},
		{`const x = output; x.includes(";")`, `const x = output; return x.includes(";")`},
		{`const x = output; x === "a;b;c"`, `const x = output; return x === "a;b;c"`},
		{`const s = output; s === 'test;value'`, `const s = output; return s === 'test;value'`},
		{`const s = 'a;b'; s.length`, `const s = 'a;b'; return s.length`},
		{"const s = output; s === `test;value`", "const s = output; return s === `test;value`"},
		{"const s = `a;b`; s.length", "const s = `a;b`; return s.length"},
		{`const s = output; s === "test\"with;quotes"`, `const s = output; return s === "test\"with;quotes"`},
		{`const s = output; s === 'test\'with;quotes'`, `const s = output; return s === 'test\'with;quotes'`},
		{`const s = "a\\"; s.length`, `const s = "a\\"; return s.length`},
		{`const s = output; s === "it's;here"`, `const s = output; return s === "it's;here"`},
		{`const s = output; s === 'say "hi;there"'`, `const s = output; return s === 'say "hi;there"'`},
		{`constant === true`, `return constant === true`},
		// Beyond promptfoo's list: brackets, template substitutions, comments.
		{`const f = () => { a; b }; f()`, `const f = () => { a; b }; return f()`},
		{"const s = `${(() => { x; return 1 })()};`; s", "const s = `${(() => { x; return 1 })()};`; return s"},
		{`const a = 1; /* ; */ a`, `const a = 1; return /* ; */ a`},
		{"x === 1\n", "return x === 1"},
		{"\nreturn 1\n", "\nreturn 1"},
	}
	for _, tt := range tests {
		if got := FunctionBody(tt.in); got != tt.want {
			t.Errorf("FunctionBody(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
