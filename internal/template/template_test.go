package template

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseVars(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"literal", "no placeholders here", nil},
		{"empty", "", nil},
		{"one", "Hello {{name}}!", []string{"name"}},
		{"spaces trimmed", "{{ name }} and {{\tname\t}}", []string{"name"}},
		{"dotted and indexed", "{{a.b.c}} {{items.0}} {{a.b.c}}", []string{"a.b.c", "items.0"}},
		{"order of first use", "{{z}}{{a}}{{z}}{{m}}", []string{"z", "a", "m"}},
		{"hyphen and underscore", "{{first-name}} {{last_name2}}", []string{"first-name", "last_name2"}},
		{"lone closing braces are literal", "}} {{x}} }}", []string{"x"}},
		{"single braces are literal", "{x} { y }", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if diff := cmp.Diff(tt.want, tpl.Vars()); diff != "" {
				t.Errorf("Vars() mismatch (-want +got):\n%s", diff)
			}
			if got := tpl.IsLiteral(); got != (len(tt.want) == 0) {
				t.Errorf("IsLiteral() = %v", got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		src    string
		offset int
		msg    string
	}{
		{"unterminated", "Hello {{name", 6, "unterminated"},
		{"unterminated after a good one", "{{a}} then {{b", 11, "unterminated"},
		{"empty", "x {{}}", 2, "empty placeholder"},
		{"blank", "{{   }}", 0, "empty placeholder"},
		{"inner space", "{{a b}}", 0, `' ' is not allowed`},
		{"empty segment", "{{a..b}}", 0, "empty path segment"},
		{"leading dot", "{{.Name}}", 0, "empty path segment"},
		{"quadruple braces are not an escape", "{{{{x}}}}", 0, `'{' is not allowed`},
		{"go template syntax", "{{ if .X }}", 0, "not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.src)
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want *SyntaxError", tt.src, err)
			}
			if se.Offset != tt.offset {
				t.Errorf("offset = %d, want %d", se.Offset, tt.offset)
			}
			if !strings.Contains(se.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", se.Error(), tt.msg)
			}
		})
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	vars := map[string]any{
		"name":    "Ada",
		"n":       int64(3),
		"u":       uint64(18446744073709551615),
		"i":       7,
		"f":       3.0,
		"pi":      3.14159,
		"big":     1e21,
		"small":   float32(0.5),
		"yes":     true,
		"nothing": nil,
		"list":    []any{"a", int64(2), map[string]any{"k": "v"}},
		"strs":    []string{"x", "y"},
		"obj":     map[string]any{"b": map[string]any{"c": "deep"}, "html": "<a&b>"},
		"smap":    map[string]string{"k": "sv"},
		"ints":    []int{10, 20},
	}
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"literal", "just text", "just text"},
		{"string", "Hi {{name}}.", "Hi Ada."},
		{"int64", "{{n}}", "3"},
		{"uint64", "{{u}}", "18446744073709551615"},
		{"int", "{{i}}", "7"},
		{"whole float without .0", "{{f}}", "3"},
		{"float shortest", "{{pi}}", "3.14159"},
		{"large float", "{{big}}", "1e+21"},
		{"float32", "{{small}}", "0.5"},
		{"bool", "{{yes}}", "true"},
		{"nil is empty", "[{{nothing}}]", "[]"},
		{"list as JSON", "{{list}}", `["a",2,{"k":"v"}]`},
		{"map as compact JSON without HTML escaping", "{{obj}}", `{"b":{"c":"deep"},"html":"<a&b>"}`},
		{"dotted", "{{obj.b.c}}", "deep"},
		{"index", "{{list.0}}-{{list.1}}-{{list.2.k}}", "a-2-v"},
		{"string slice index", "{{strs.1}}", "y"},
		{"string map", "{{smap.k}}", "sv"},
		{"reflect slice", "{{ints.1}}", "20"},
		{"repeated", "{{name}}{{name}}", "AdaAda"},
		{"unicode around", "é{{name}}ß", "éAdaß"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := tpl.Render(vars)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != tt.want {
				t.Errorf("Render(%q) = %q, want %q", tt.src, got, tt.want)
			}
			if m := tpl.Missing(vars); m != nil {
				t.Errorf("Missing() = %v, want none", m)
			}
		})
	}
}

func TestRenderMissing(t *testing.T) {
	t.Parallel()
	vars := map[string]any{
		"a":    "x",
		"list": []any{"only"},
		"obj":  map[string]any{"k": "v"},
	}
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"absent", "{{nope}}", []string{"nope"}},
		{"every missing, deduplicated, in order", "{{b}} {{a}} {{c}} {{b}}", []string{"b", "c"}},
		{"index out of range", "{{list.1}}", []string{"list.1"}},
		{"negative index", "{{list.-1}}", []string{"list.-1"}},
		{"key on a list", "{{list.k}}", []string{"list.k"}},
		{"into a scalar", "{{a.b}}", []string{"a.b"}},
		{"absent nested key", "{{obj.x}}", []string{"obj.x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tpl, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			_, err = tpl.Render(vars)
			var me *MissingError
			if !errors.As(err, &me) {
				t.Fatalf("Render error = %v, want *MissingError", err)
			}
			if diff := cmp.Diff(tt.want, me.Names); diff != "" {
				t.Errorf("missing names (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, tpl.Missing(vars)); diff != "" {
				t.Errorf("Missing() (-want +got):\n%s", diff)
			}
			for _, n := range tt.want {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not name %q", err, n)
				}
			}
		})
	}
}

func TestRenderNilVars(t *testing.T) {
	t.Parallel()
	tpl, err := Parse("plain")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tpl.Render(nil); err != nil || got != "plain" {
		t.Errorf("Render(nil) = %q, %v", got, err)
	}
	tpl, err = Parse("{{x}}")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tpl.Render(nil); err == nil {
		t.Error("Render(nil) with a placeholder succeeded, want missing variable")
	}
}

func TestFormatUnencodable(t *testing.T) {
	t.Parallel()
	if _, err := Format(map[string]any{"c": make(chan int)}); err == nil {
		t.Error("Format(chan) succeeded, want an error")
	}
}

func FuzzParseRender(f *testing.F) {
	for _, s := range []string{"", "Hello {{name}}", "{{a.b.0}}", "{{", "}}{{x", "{{{{x}}}}", "{{ a }}{{b}}", "{{list.5}}", "é{{é}}"} {
		f.Add(s)
	}
	vars := map[string]any{"name": "n", "a": map[string]any{"b": []any{"z"}}, "b": 1.5, "list": []any{1}}
	f.Fuzz(func(t *testing.T, src string) {
		tpl, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(src) {
				t.Fatalf("Parse(%q) error %v: want *SyntaxError with an offset inside the source", src, err)
			}
			return
		}
		if !strings.Contains(src, "{{") && tpl.Source() != src {
			t.Fatalf("literal source changed")
		}
		out, err := tpl.Render(vars)
		missing := tpl.Missing(vars)
		if (err != nil) != (len(missing) > 0) {
			t.Fatalf("Render error %v disagrees with Missing %v", err, missing)
		}
		if tpl.IsLiteral() && out != src {
			t.Fatalf("literal template rendered %q, want %q", out, src)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	tpl, err := Parse("You are a {{role}}. Answer the question about {{topic.name}} in {{n}} words: {{question}}")
	if err != nil {
		b.Fatal(err)
	}
	vars := map[string]any{
		"role": "tutor", "topic": map[string]any{"name": "geography"}, "n": int64(20),
		"question": "What is the capital of France?",
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tpl.Render(vars); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	src := "You are a {{role}}. Answer the question about {{topic.name}} in {{n}} words: {{question}}"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
