package graphqlapi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// TestDepthLimit is SECURITY 27: a depth-50 query is refused before
// execution. The schema has no type that holds itself, so only
// introspection (ofType chains) can nest deeply while valid; the walk
// itself is tested on parsed documents in TestSelectionDepth.
func TestDepthLimit(t *testing.T) {
	t.Parallel()
	admin := principal("root", "admin")
	e := newEnv(t, Options{MaxDepth: 10, Introspection: true})
	before := e.svc.listed()
	_, r := e.post(t, admin, strings.Repeat("{ benchmarks { items ", 25)+"{ id }"+strings.Repeat(" } }", 25), nil)
	if len(r.Errors) == 0 || e.svc.listed() != before {
		t.Fatalf("depth 50 answered or reached the service: %+v", r.Errors)
	}
	for _, tc := range []struct {
		depth int
		code  string
	}{{9, ""}, {11, codeDepth}, {50, codeDepth}} {
		q := `{ __type(name: "Benchmark") { fields { name type ` + strings.Repeat("{ ofType ", tc.depth-4) + "{ name }" + strings.Repeat(" }", tc.depth-4) + " } } }"
		_, r := e.post(t, admin, q, nil)
		if tc.code == "" && len(r.Errors) != 0 {
			t.Errorf("depth %d refused: %+v", tc.depth, r.Errors)
		}
		if tc.code != "" && (len(r.Errors) == 0 || (r.code() != tc.code && !strings.Contains(r.Errors[0].Message, "depth"))) {
			t.Errorf("depth %d: want a depth error, got %+v", tc.depth, r.Errors)
		}
	}
	_, r = e.post(t, admin, `{ benchmarks { items { id progress { done } } } }`, nil)
	if len(r.Errors) != 0 {
		t.Fatalf("a shallow query was refused: %+v", r.Errors)
	}
}

func TestSelectionDepth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, query string
		want        int
	}{
		{"fields", `{ a { b { c } } }`, 3},
		{"siblings take the deepest", `{ a { b } c { d { e } } }`, 3},
		{"fragment spread", `{ a { ...F } } fragment F on T { b { c } }`, 3},
		{"inline fragment adds nothing", `{ a { ... on T { b { ... on U { c } } } } }`, 3},
		{"fragment cycle stops", `{ a { ...F } } fragment F on T { b ...G } fragment G on T { c { d } ...F }`, 3},
		{"self cycle", `{ ...F } fragment F on Q { a { ...F } }`, 1},
		{"unknown fragment", `{ a { ...Missing } }`, 1},
		{"deep", strings.Repeat("{ a ", 50) + "{ b }" + strings.Repeat(" }", 50), 51},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parser.ParseQuery(&ast.Source{Input: tc.query})
			if err != nil {
				t.Fatal(err)
			}
			got := selectionDepth(doc, doc.Operations[0].SelectionSet, map[string]bool{}, 100)
			if got != tc.want {
				t.Fatalf("depth = %d, want %d", got, tc.want)
			}
			// With a lower limit the walk stops early but still says "over".
			if tc.want > 2 && selectionDepth(doc, doc.Operations[0].SelectionSet, map[string]bool{}, 2) <= 2 {
				t.Fatal("the walk with limit 2 did not report more than 2")
			}
		})
	}
}

// TestComplexityLimit is SECURITY 27: 1,000 aliased list fields → a
// complexity error, before the service is asked.
func TestComplexityLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	var b strings.Builder
	b.WriteString("{")
	for i := range 1000 {
		fmt.Fprintf(&b, " a%d: benchmarks { items { id } }", i)
	}
	b.WriteString(" }")
	before := e.svc.listed()
	_, r := e.post(t, principal("root", "admin"), b.String(), nil)
	if r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("want a complexity error, got %+v", r.Errors)
	}
	if e.svc.listed() != before {
		t.Fatal("the refused query reached the service")
	}
	// One big page costs its size: 100 items of 2 fields fits, 5 aliases
	// of it do not fit 1,000.
	small := newEnv(t, Options{MaxComplexity: 1000})
	page := `benchmarks(pagination: {limit: 100}) { items { id } }`
	if _, r := small.post(t, principal("root", "admin"), "{ "+page+" }", nil); len(r.Errors) != 0 {
		t.Fatalf("one page refused: %+v", r.Errors)
	}
	if _, r := small.post(t, principal("root", "admin"), "{ a: "+page+" b: "+page+" c: "+page+" d: "+page+" e: "+page+" }", nil); r.code() != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Fatalf("five pages: %+v", r.Errors)
	}
}

// TestTokenLimit is SECURITY 27: a 100k-token query → parser limit error.
func TestTokenLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{MaxTokens: 15000})
	q := "{ providers { " + strings.Repeat("name ", 100_000) + "} }"
	_, r := e.post(t, principal("root", "admin"), q, nil)
	if len(r.Errors) == 0 || !strings.Contains(r.Errors[0].Message, "token limit") {
		t.Fatalf("want a token limit error, got %.300v", r.Errors)
	}
}

// TestIntrospection is SECURITY 27: off unless enabled.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	q := `{ __schema { queryType { name } } }`
	off := newEnv(t, Options{})
	if _, r := off.post(t, principal("root", "admin"), q, nil); len(r.Errors) == 0 {
		t.Fatalf("introspection answered while off: %s", r.Data)
	}
	if _, r := off.post(t, principal("root", "admin"), `{ __type(name: "Benchmark") { name } }`, nil); len(r.Errors) == 0 {
		t.Fatalf("__type answered while off: %s", r.Data)
	}
	on := newEnv(t, Options{Introspection: true})
	_, r := on.post(t, principal("root", "admin"), q, nil)
	if len(r.Errors) != 0 || !strings.Contains(string(r.Data), `"Query"`) {
		t.Fatalf("introspection on: %s %+v", r.Data, r.Errors)
	}
}

// TestNoSuggestions is SECURITY 27: a typo gets no "Did you mean".
func TestNoSuggestions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	_, r := e.post(t, principal("root", "admin"), `{ benchmarkz { items { id } } }`, nil)
	if len(r.Errors) == 0 {
		t.Fatal("a typo was answered")
	}
	for _, err := range r.Errors {
		if strings.Contains(strings.ToLower(err.Message), "did you mean") {
			t.Fatalf("suggestion leaked: %s", err.Message)
		}
	}
}

func TestPageCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	for _, limit := range []int{0, 101, 100000} {
		_, r := e.post(t, principal("root", "admin"), fmt.Sprintf(`{ benchmarks(pagination: {limit: %d}) { items { id } } }`, limit), nil)
		if len(r.Errors) == 0 {
			t.Errorf("limit %d accepted", limit)
		}
	}
	if _, r := e.post(t, principal("root", "admin"), `{ results(pagination: {limit: 100}) { items { id } } }`, nil); len(r.Errors) != 0 {
		t.Errorf("limit 100 refused: %+v", r.Errors)
	}
}

// TestNoBatching: a JSON array of operations is refused.
func TestNoBatching(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	one := map[string]any{"query": `{ providers { name } }`}
	body, _ := json.Marshal([]any{one, one})
	status, r := e.postRaw(t, principal("root", "admin"), body)
	if status < 400 || len(r.Errors) == 0 {
		t.Fatalf("batch answered %d: %s", status, r.Data)
	}
}
