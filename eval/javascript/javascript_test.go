package javascript

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func ptr(f float64) *float64 { return &f }

// testEvaluator has a short timeout and a small memory cap, so the
// stopping tests are quick.
func testEvaluator() *Evaluator {
	return New(NewPool(2), Limits{Timeout: 300 * 1e6, Memory: 16 << 20})
}

func input(output string) *eval.Input {
	return &eval.Input{Output: output, Prompt: "Some prompt", Provider: "openai:gpt-4o-mini"}
}

// Cases from promptfoo's javascript assertion tests that depend only on the
// output and the assertion (test/assertions/javascript.test.ts), plus the
// documented examples.
func TestPromptfooCases(t *testing.T) {
	multiline := `
      if (output === "Expected output") {
        return {
          pass: true,
          score: 0.5,
          reason: 'Assertion passed',
        };
      }
      return {
        pass: false,
        score: 0,
        reason: 'Assertion failed',
      };`
	tests := []struct {
		name   string
		output string
		a      bench.Assertion
		vars   map[string]any
		pass   bool
		score  float64
		reason string // a prefix of the reason
	}{
		{"expression passes", "Expected output", bench.Assertion{Value: `output === "Expected output"`}, nil, true, 1, "Assertion passed"},
		{"expression fails", "Different output", bench.Assertion{Value: `output === "Expected output"`}, nil, false, 0, "Custom function returned false\noutput === \"Expected output\""},
		{"number is the score", "Expected output", bench.Assertion{Value: `output.length * 10`}, nil, true, 150, "Assertion passed"},
		{"number above threshold", "Expected output", bench.Assertion{Value: `output.length * 10`, Threshold: ptr(0.5)}, nil, true, 150, "Assertion passed"},
		{"number below threshold", "", bench.Assertion{Value: `output.length * 10`, Threshold: ptr(0.5)}, nil, false, 0, "Custom function returned false"},
		{"zero without threshold fails", "", bench.Assertion{Value: `output.length`}, nil, false, 0, "Custom function returned false"},
		{"false scores 0", "Test output", bench.Assertion{Value: `output.length < 1`}, nil, false, 0, "Custom function returned false"},
		{"config within limit", "Expected output", bench.Assertion{Value: `output.length <= context.config.maximumOutputSize`, Config: map[string]any{"maximumOutputSize": 20}}, nil, true, 1, "Assertion passed"},
		{"config over limit", "Expected output with some extra characters", bench.Assertion{Value: `output.length <= context.config.maximumOutputSize`, Config: map[string]any{"maximumOutputSize": 20}}, nil, false, 0, "Custom function returned false"},
		{"vars match", "Expected output", bench.Assertion{Value: `output === "Expected output" && context.vars.foo === "bar"`}, map[string]any{"foo": "bar"}, true, 1, "Assertion passed"},
		{"vars differ", "Expected output", bench.Assertion{Value: `output === "Expected output" && context.vars.foo === "something else"`}, map[string]any{"foo": "bar"}, false, 0, "Custom function returned false"},
		{"multiline object passes", "Expected output", bench.Assertion{Value: multiline}, nil, true, 0.5, "Assertion passed"},
		{"multiline object fails", "Different output", bench.Assertion{Value: multiline}, nil, false, 0, "Assertion failed"},
		{"declaration then expression", "hello", bench.Assertion{Value: `const s = output; s === "hello"`}, nil, true, 1, "Assertion passed"},
		{"semicolon inside string", "a;b", bench.Assertion{Value: `const s = output; s === "a;b"`}, nil, true, 1, "Assertion passed"},
		{"semicolon inside template", "x", bench.Assertion{Value: "const s = `a;${output};b`; s === 'a;x;b'"}, nil, true, 1, "Assertion passed"},
		{"trailing semicolons", "x", bench.Assertion{Value: `output === "x";;`}, nil, true, 1, "Assertion passed"},
		{"async function result", "x", bench.Assertion{Value: "const r = (async () => ({pass: true, score: 0.5, reason: 'ok'}))();\nreturn r"}, nil, true, 0.5, "ok"},
		{"JSON output", `{"a": 2}`, bench.Assertion{Value: `JSON.parse(output).a === 2`}, nil, true, 1, "Assertion passed"},
		{"context prompt and provider", "x", bench.Assertion{Value: `context.prompt === "Some prompt" && context.provider.id === "openai:gpt-4o-mini"`}, nil, true, 1, "Assertion passed"},
		{"vars placeholder rendered", "Paris", bench.Assertion{Value: `output === "{{city}}"`}, map[string]any{"city": "Paris"}, true, 1, "Assertion passed"},
		{"documented log score", strings.Repeat("x", 100), bench.Assertion{Value: `Math.round(Math.log(output.length) * 1e6) / 1e6`, Threshold: ptr(0.5)}, nil, true, 4.60517, "Assertion passed"},
	}
	e := testEvaluator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.Type = "javascript"
			if err := e.Validate(tt.a); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			in := input(tt.output)
			in.Case = &bench.Case{ID: "c1", Variables: tt.vars}
			s, err := e.Evaluate(context.Background(), tt.a, in)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			if s.Pass != tt.pass || s.Score != tt.score || !strings.HasPrefix(s.Reason, tt.reason) {
				t.Errorf("got pass=%v score=%v reason=%q, want pass=%v score=%v reason %q...", s.Pass, s.Score, s.Reason, tt.pass, tt.score, tt.reason)
			}
		})
	}
}

// not-javascript flips the verdict as promptfoo does: a boolean's score
// follows the verdict, a number or an object keeps its own.
func TestNotJavascript(t *testing.T) {
	tests := []struct {
		name   string
		value  string
		thr    *float64
		pass   bool
		score  float64
		reason string
	}{
		{"true becomes a failure", `true`, nil, false, 0, "Custom function returned true"},
		{"false becomes a pass", `false`, nil, true, 1, "Assertion passed"},
		{"number keeps its score", `0.75`, nil, false, 0.75, "Custom function returned true"},
		{"number below threshold passes", `0.25`, ptr(0.5), true, 0.25, "Assertion passed"},
		{"object keeps its score", `({pass: true, score: 0.9, reason: "fine"})`, nil, false, 0.9, "fine"},
		{"failing object passes", `({pass: false, score: 0.1, reason: "bad"})`, nil, true, 0.1, "Assertion passed"},
		{"object without reason text", `({pass: true, score: 1, reason: ""})`, nil, false, 1, "Custom function returned true"},
	}
	e := testEvaluator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := bench.Assertion{Type: "javascript", Value: tt.value, Threshold: tt.thr}
			s, err := e.EvaluateNot(context.Background(), a, input("out"))
			if err != nil {
				t.Fatal(err)
			}
			if s.Pass != tt.pass || s.Score != tt.score || !strings.HasPrefix(s.Reason, tt.reason) {
				t.Errorf("got %+v, want pass=%v score=%v reason %q...", s, tt.pass, tt.score, tt.reason)
			}
		})
	}
}

// A script that cannot reach a verdict is an error naming the assertion,
// never a crash; the engine it ran on is replaced or cleaned, and the next
// assertion runs normally.
func TestScriptErrors(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"infinite loop", "while (true) {}\nreturn true", "stopped after 300ms (the time limit)"},
		{"memory bomb", "const a = [];\nwhile (true) a.push(new Array(1e5).fill(a.length));", "stopped at 16 MiB (the memory limit)"},
		{"string doubling", "let s = 'x';\nwhile (true) s += s;", "threw InternalError: string too long"},
		{"huge allocation at once", `new Array(1e9).fill(0).length > 0`, "stopped at 16 MiB (the memory limit)"},
		{"catastrophic regex", `/(a+)+$/.test("a".repeat(40) + "!")`, "stopped after 300ms"},
		{"endless microtasks", "const f = async () => { while (true) await 0; };\nreturn f()", "stopped after 300ms"},
		{"throw", "if (output) throw new Error('boom')\nreturn true", "threw Error: boom"},
		{"rejected promise", "const e = new TypeError('nope');\nreturn Promise.reject(e)", "threw TypeError: nope"},
		{"never settling promise", "const p = new Promise(() => {});\nreturn p", "a promise that never settled"},
		{"unbounded recursion", "function f() { return f() + 1 }\nreturn f()", "stack overflow"},
		{"deeply nested JSON", `JSON.parse("[".repeat(1e5) + "]".repeat(1e5))`, "threw"},
		{"deeply nested eval", `eval("(".repeat(1e5) + "1" + ")".repeat(1e5))`, "threw"},
		{"deeply nested regex", `new RegExp("(".repeat(1e5) + ")".repeat(1e5)).test(output)`, "threw"},
		{"huge string returned", `"x".repeat(1e6)`, "must return a boolean, a finite number or {pass, score, reason}, not a string"},
		{"undefined", `undefined`, "not a undefined"},
		{"null", `null`, "not null"},
		{"NaN", `0 / 0`, "not the non-finite number NaN"},
		{"Infinity", `1 / 0`, "not the non-finite number Infinity"},
		{"incomplete object", `({pass: true})`, "an object without pass"},
		{"non-finite object score", `({pass: true, score: Infinity, reason: "x"})`, "an object without pass"},
		{"require is absent", `require('fs')`, "ReferenceError"},
		{"process is undefined", `process.env.HOME`, "TypeError"},
		{"dynamic import refused", "const m = import('os');\nreturn m", "threw"},
	}
	e := testEvaluator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := bench.Assertion{Type: "javascript", Value: tt.value, Metric: "js-" + strings.ReplaceAll(tt.name, " ", "-")}
			_, err := e.Evaluate(context.Background(), a, input("out"))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), `javascript assertion "`+a.Metric+`"`) {
				t.Errorf("error %q does not name the assertion", err)
			}
			s, err := e.Evaluate(context.Background(), bench.Assertion{Type: "javascript", Value: `output === "out"`}, input("out"))
			if err != nil || !s.Pass {
				t.Fatalf("next assertion: %+v %v", s, err)
			}
		})
	}
}

// Through eval.Check, a stopped script is an unscored verdict and the
// case's other assertions are still scored.
func TestCheckRecordsErrors(t *testing.T) {
	as := []bench.Assertion{
		{Type: "javascript", Value: "while (true) {}\nreturn true", Metric: "loop", Config: map[string]any{"timeout_ms": 200}},
		{Type: "javascript", Value: "const a = [];\nwhile (true) a.push(new Array(1e5).fill(a.length));", Metric: "bomb", Config: map[string]any{"memory_mb": 8}},
		{Type: "not-javascript", Value: `output.includes("z")`, Metric: "no-z"},
	}
	in := input("abc")
	in.Case = &bench.Case{ID: "c1"}
	out := eval.Check(context.Background(), as, nil, in)
	if out.Passed || out.Unscored != 2 {
		t.Fatalf("outcome %+v, want 2 unscored and a failed case", out)
	}
	if s := out.Scores["loop"]; !s.Unscored || !strings.Contains(s.Reason, `javascript assertion "loop": stopped after`) {
		t.Errorf("loop: %+v", s)
	}
	if s := out.Scores["bomb"]; !s.Unscored || !strings.Contains(s.Reason, `javascript assertion "bomb": stopped at`) {
		t.Errorf("bomb: %+v", s)
	}
	if s := out.Scores["no-z"]; !s.Pass || s.Score != 1 {
		t.Errorf("no-z: %+v", s)
	}
}

// Globals a script adds, and changes it tries on the built-ins, are not
// seen by the next script on the same engine.
func TestIsolation(t *testing.T) {
	e := New(NewPool(1), DefaultLimits)
	steps := []struct{ value, want string }{
		{"leaked = 1; String.prototype.includes = () => true; Array.prototype.x = 1; JSON.parse = null;\nreturn true", ""},
		{"const ok = typeof leaked === 'undefined' && !'abc'.includes('z');\nreturn ok && [].x === undefined && typeof JSON.parse === 'function'", ""},
		{"const e = new Error('a'); e.message = 'b'; const o = {}; o.toString = () => 'mine';\nreturn e.message === 'b' && String(o) === 'mine'", ""},
	}
	for i, st := range steps {
		s, err := e.Evaluate(context.Background(), bench.Assertion{Type: "javascript", Value: st.value}, input("x"))
		if err != nil || !s.Pass {
			t.Fatalf("step %d: %+v %v", i, s, err)
		}
	}
}

func TestValidate(t *testing.T) {
	e := testEvaluator()
	bad := []struct {
		name string
		a    bench.Assertion
		want string
	}{
		{"syntax error", bench.Assertion{Value: `output ===`}, "does not compile: SyntaxError"},
		{"multiline syntax error", bench.Assertion{Value: "if (x {\nreturn true\n}"}, "does not compile"},
		{"no value", bench.Assertion{}, "value is required"},
		{"not text", bench.Assertion{Value: 3}, "want JavaScript source text"},
		{"blank", bench.Assertion{Value: "  "}, "value is empty"},
		{"one line is an expression", bench.Assertion{Value: "return true\n"}, "does not compile"},
		{"file reference", bench.Assertion{Value: "file://check.js:fn"}, "file:// script references are not supported"},
		{"timeout not a number", bench.Assertion{Value: "true", Config: map[string]any{"timeout_ms": "soon"}}, "config.timeout_ms"},
		{"timeout too long", bench.Assertion{Value: "true", Config: map[string]any{"timeout_ms": 3600000}}, "config.timeout_ms"},
		{"memory too small", bench.Assertion{Value: "true", Config: map[string]any{"memory_mb": 1}}, "config.memory_mb"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			tt.a.Type = "javascript"
			err := e.Validate(tt.a)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	for _, v := range []string{`output === "{{x"`, `{{ expected }} === output`, "\nreturn true"} {
		if err := e.Validate(bench.Assertion{Type: "javascript", Value: v}); err != nil {
			t.Errorf("Validate(%q): %v", v, err)
		}
	}
	// Source nested past the engine's depth is refused, not a crash.
	deep := strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	if err := e.Validate(bench.Assertion{Type: "javascript", Value: deep}); err == nil || !strings.Contains(err.Error(), "does not compile") {
		t.Errorf("deeply nested source: %v", err)
	}
	// The memory limit is the assertion's: 24 MB of array fits in 64 MiB,
	// not in 16 MiB.
	alloc := bench.Assertion{Type: "javascript", Value: "const a = new Array(1.5e6).fill(0.5);\nreturn a.length > 0"}
	if _, err := e.Evaluate(context.Background(), alloc, input("x")); err == nil || !strings.Contains(err.Error(), "stopped at 16 MiB") {
		t.Errorf("16 MiB: %v", err)
	}
	alloc.Config = map[string]any{"memory_mb": 64}
	if s, err := e.Evaluate(context.Background(), alloc, input("x")); err != nil || !s.Pass {
		t.Errorf("64 MiB: %+v %v", s, err)
	}
	// An assertion's own limits apply: a tighter timeout stops it sooner.
	a := bench.Assertion{Type: "javascript", Value: "while (true) {}\nreturn 1", Config: map[string]any{"timeout_ms": 50}}
	if _, err := e.Evaluate(context.Background(), a, input("x")); err == nil || !strings.Contains(err.Error(), "stopped after 50ms") {
		t.Errorf("config timeout: %v", err)
	}
}

// Cancelling the run stops a script at once and reports the cancellation.
func TestCancel(t *testing.T) {
	e := New(NewPool(1), DefaultLimits)
	ctx, cancel := context.WithCancel(context.Background())
	go cancel()
	_, err := e.Evaluate(ctx, bench.Assertion{Type: "javascript", Value: "while (true) {}\nreturn 1"}, input("x"))
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("got %v, want the cancellation", err)
	}
}

// Every eval test of the registry sees the type.
func TestRegistered(t *testing.T) {
	if _, ok := eval.Lookup("javascript"); !ok {
		t.Fatal("javascript is not registered")
	}
	err := eval.Validate([]bench.Assertion{{Type: "not-javascript", Value: "output =="}})
	if err == nil || !strings.Contains(err.Error(), "assert[0] not-javascript: does not compile") {
		t.Fatalf("Validate: %v", err)
	}
}
