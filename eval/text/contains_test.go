package text_test

import (
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// TestContainsListPromptfoo holds the cases of promptfoo's
// test/assertions/contains.test.ts (handleContainsAny, handleIContainsAny,
// handleContainsAll, handleIContainsAll) that depend only on the output and
// the assertion: the value, the output and promptfoo's verdict.
func TestContainsListPromptfoo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		typ    string
		value  any
		output string
		pass   bool
	}{
		{"contains-any", []any{"world", "universe"}, "hello world", true},
		{"contains-any", "world,universe", "hello world", true},
		{"contains-any", `"hello, world",universe`, "hello, world", true},
		{"contains-any", `"hello, dear world", "goodbye, universe", simple`, "hello, dear world is here", true},
		{"contains-any", `"",`, "", true},
		{"contains-any", "\"hello, world\"\t,foo", "zzz", false},
		{"contains-any", "\"hello, world\"\t,\t\"foo\"", "foo", true},
		{"contains-any", `"a""b",c`, `a"b`, true},
		{"contains-any", `"a""b",c`, "b", false},
		{"contains-any", `"hello\"world,test", "another,test"`, `hello"world,test`, true},
		{"contains-any", `""`, "test", true},
		{"contains-any", `"test"`, "test", true},
		{"contains-any", `"test\test"`, `test\test`, true},
		{"contains-any", `"test\\test"`, `test\test`, true},
		{"contains-any", `"hello\"world,test", "another,test"`, "another,test", true},
		{"contains-any", `"hello\"world,test", "another,test"`, "something completely different", false},
		{"not-contains-any", []any{"world", "universe"}, "hello world", false},

		{"icontains-any", `"hello\"world,test", "another,test"`, "ANOTHER,TEST", true},
		{"icontains-any", `"hello, world",universe`, "HELLO, WORLD", true},
		{"icontains-any", []any{"WORLD", "UNIVERSE"}, "hello world", true},
		{"icontains-any", "WORLD,UNIVERSE", "hello world", true},
		{"icontains-any", "HELLO,  WORLD  ,  UNIVERSE", "hello", true},
		{"icontains-any", ",WORLD,,", "", false},
		{"icontains-any", `"",WORLD`, "", true},
		{"icontains-any", "  HELLO  ", "hello", true},
		{"icontains-any", "HELLO  ,  WORLD", "hello", true},
		{"icontains-any", "  HELLO  ,  WORLD  ", "hello", true},
		{"icontains-any", "  HELLO  ,  ,  WORLD  ", "hello", true},
		{"icontains-any", "HELLO,,,,WORLD", "hello", true},

		{"contains-all", `"hello, world","foo"`, "hello, world and foo", true},
		{"contains-all", `"hello, world","bar"`, "hello, world and foo", false},
		{"contains-all", "hello", "hello world", true},
		{"contains-all", `"say \"hello\"", "another,phrase"`, `say "hello" and another,phrase here`, true},
		{"contains-all", `"say \"hello\"", "missing,value"`, `say "hello" only`, false},
		{"contains-all", []any{"hello", "world"}, "hello world", true},
		{"contains-all", []any{"hello", "world", "universe"}, "hello world", false},

		{"icontains-all", `"say \"hello\"", "another,phrase"`, `SAY "HELLO" AND ANOTHER,PHRASE HERE`, true},
		{"icontains-all", `"Hello, World","Foo"`, "HELLO, WORLD AND FOO", true},
		{"icontains-all", `""`, "hello", true},
		{"icontains-all", []any{"HELLO", "WORLD"}, "hello world", true},
		{"icontains-all", []any{"HELLO", "WORLD", "UNIVERSE"}, "hello world", false},
		{"icontains-all", []any{"HeLLo", "WoRLD"}, "HELLO world", true},
	}
	for _, tt := range tests {
		a := bench.Assertion{Type: tt.typ, Value: tt.value}
		t.Run(tt.typ+" "+strings.ReplaceAll(tt.output, "/", "|"), func(t *testing.T) {
			t.Parallel()
			if err := eval.Validate([]bench.Assertion{a}); err != nil {
				t.Fatalf("Validate(%#v): %v", tt.value, err)
			}
			got := run(a, tt.output, nil)
			if got.Pass != tt.pass || got.Score != map[bool]float64{true: 1, false: 0}[tt.pass] {
				t.Errorf("%s %#v on %q = %+v, want pass %v", tt.typ, tt.value, tt.output, got, tt.pass)
			}
		})
	}
}

// TestContainsListMalformed: promptfoo throws on malformed quoting
// (contains.test.ts "should reject unmatched quotes", "should reject
// non-delimiter characters after quoted fields"); here the suite is refused
// at load with the assertion named.
func TestContainsListMalformed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ typ, value, want string }{
		{"contains-any", `"test`, "unterminated quoted field"},
		{"contains-any", `"hello"world`, "expected a comma after a quoted field"},
		{"icontains-all", `"hello" world`, "expected a comma after a quoted field"},
		{"not-contains-all", `a, "b`, "unterminated quoted field"},
		{"contains-any", `  ,  ,  `, "lists no item"},
	} {
		err := eval.Validate([]bench.Assertion{{Type: "equals", Value: "x"}, {Type: tt.typ, Value: tt.value}})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "assert[1] "+tt.typ) {
			t.Errorf("Validate(%s %q) = %v, want an error naming assert[1] %s and %q", tt.typ, tt.value, err, tt.typ, tt.want)
		}
	}
}

// TestContainsListRenderedThenSplit: as in promptfoo, a string value is
// rendered with the case's variables before it is split, so one variable
// may hold several items; a variable that breaks the quoting is an error of
// that case.
func TestContainsListRenderedThenSplit(t *testing.T) {
	t.Parallel()
	vars := map[string]any{"cities": `Lyon, "Paris, France"`, "broken": `"Paris`}
	a := bench.Assertion{Type: "contains-all", Value: "{{cities}}"}
	if err := eval.Validate([]bench.Assertion{a}); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got := run(a, "Lyon and Paris, France", vars); !got.Pass {
		t.Errorf("rendered list = %+v, want a pass", got)
	}
	if got := run(a, "Lyon, Paris", vars); got.Pass {
		t.Errorf("rendered list = %+v, want a failure: the quoted item is one needle", got)
	}
	b := bench.Assertion{Type: "contains-any", Value: "x, {{broken}}"}
	if err := eval.Validate([]bench.Assertion{b}); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got := run(b, "Paris", vars); !got.Unscored || !strings.Contains(got.Reason, "unterminated quoted field") {
		t.Errorf("broken rendered list = %+v, want an unscored verdict naming the quoting", got)
	}
}
