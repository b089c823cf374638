package value

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Cases from promptfoo's test/util/parseCommaSeparatedValues.test.ts (inputs
// and expected items), plus the white-space edge cases of
// test/assertions/contains.test.ts. Go raw strings hold the same text as
// the JavaScript literals.
func TestParseList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{``, nil},
		{`   `, nil},
		{`"hello, world",foo`, []string{"hello, world", "foo"}},
		{`"say \"hi\"",b`, []string{`say "hi"`, "b"}},
		{`a ""quoted"" value, plain`, []string{`a ""quoted"" value`, "plain"}},
		{`alpha, , beta,, `, []string{"alpha", "beta"}},
		{`  spaced  ,  next  `, []string{"spaced", "next"}},
		{`"only one"`, []string{"only one"}},
		{`no-quotes-at-all`, []string{"no-quotes-at-all"}},
		{`"trailing"   `, []string{"trailing"}},
		{`a,b,c`, []string{"a", "b", "c"}},
		{`""`, []string{""}},
		{`" ",x`, []string{" ", "x"}},
		{`x,"y,z"`, []string{"x", "y,z"}},
		{`"a","b"`, []string{"a", "b"}},
		{`"a" , "b"`, []string{"a", "b"}},
		{`"\n",x`, []string{`\n`, "x"}},
		{`"\\",x`, []string{`\`, "x"}},
		{`a,`, []string{"a"}},
		{`,a`, []string{"a"}},
		{`,,,`, nil},
		{`"comma,inside","another, one"`, []string{"comma,inside", "another, one"}},
		{`mix,"quoted, field",bare`, []string{"mix", "quoted, field", "bare"}},
		{`"a""b""c"`, []string{`a"b"c`}},
		{`"你好，世界",café`, []string{"你好，世界", "café"}},
		// contains.test.ts
		{"\"hello, world\"\t,foo", []string{"hello, world", "foo"}},
		{"\"hello, world\"\t,\t\"foo\"", []string{"hello, world", "foo"}},
		{`"",`, []string{""}},
		{`"a""b",c`, []string{`a"b`, "c"}},
		{`"hello\"world,test", "another,test"`, []string{`hello"world,test`, "another,test"}},
		{`"test\test"`, []string{`test\test`}},
		{`"test\\test"`, []string{`test\test`}},
		{`HELLO,  WORLD  ,  UNIVERSE`, []string{"HELLO", "WORLD", "UNIVERSE"}},
		{`  ,  ,  `, nil},
		// JavaScript white space, not Go's: U+FEFF is trimmed, U+0085 kept.
		{"\ufeffa\u00a0, b\u0085", []string{"a", "b\u0085"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseList(tt.in)
			if err != nil {
				t.Fatalf("ParseList(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseList(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Malformed quoting, from the same promptfoo tests.
func TestParseListErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error
	}{
		{`"a"b,c`, ErrAfterQuote},
		{`"unterminated`, ErrUnterminatedQuote},
		{`"test`, ErrUnterminatedQuote},
		{`"hello"world`, ErrAfterQuote},
		{`"hello" world`, ErrAfterQuote},
		{`a,"b\"`, ErrUnterminatedQuote},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseList(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseList(%q) = %q, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

// FuzzParseList checks that the parser never panics, that its items round
// trip when written back quoted, and that text without quotes splits as a
// plain comma split does.
func FuzzParseList(f *testing.F) {
	for _, s := range []string{``, `a,b`, `"a, b",c`, `"a""b"`, `"\"x\\"`, `"open`, `"a"b`, " \t,\ufeff", `"",x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items, err := ParseList(s)
		if err != nil {
			if !errors.Is(err, ErrUnterminatedQuote) && !errors.Is(err, ErrAfterQuote) {
				t.Fatalf("ParseList(%q): unexpected error %v", s, err)
			}
			if !strings.Contains(s, `"`) {
				t.Fatalf("ParseList(%q): error %v without a quote", s, err)
			}
			return
		}
		if !utf8.ValidString(s) {
			return
		}
		quoted := make([]string, len(items))
		for i, it := range items {
			quoted[i] = `"` + strings.ReplaceAll(strings.ReplaceAll(it, `\`, `\\`), `"`, `\"`) + `"`
		}
		back, err := ParseList(strings.Join(quoted, ","))
		if err != nil {
			t.Fatalf("re-parse of %q: %v", quoted, err)
		}
		if !slices.Equal(items, back) {
			t.Fatalf("round trip of %q: %q then %q", s, items, back)
		}
		if !strings.Contains(s, `"`) {
			var plain []string
			for part := range strings.SplitSeq(s, ",") {
				if p := trimJSSpace(part); p != "" {
					plain = append(plain, p)
				}
			}
			if !slices.Equal(plain, items) {
				t.Fatalf("ParseList(%q) = %q, plain split %q", s, items, plain)
			}
		}
	})
}
