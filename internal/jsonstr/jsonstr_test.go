package jsonstr

import (
	"encoding/json"
	"testing"
)

func TestAppend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		js   bool
		want string
	}{
		{"plain", false, `"plain"`},
		{"a\"b\\c\n\r\t\x01", false, `"a\"b\\c\n\r\t\u0001"`},
		{"olá <&>", false, `"olá <&>"`},
		{"bad\xffutf8", false, "\"bad\ufffdutf8\""},
		{"line\u2028sep\u2029", false, "\"line\u2028sep\u2029\""},
		{"line\u2028sep\u2029", true, `"line\u2028sep\u2029"`},
		{"bad\xffutf8", true, `"bad\ufffdutf8"`},
	} {
		if got := string(Append(nil, tc.in, tc.js)); got != tc.want {
			t.Errorf("Append(%q, %v) = %s, want %s", tc.in, tc.js, got, tc.want)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "x", "\"\\\n", "\xff", "\u2028", "é"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, js bool) {
		out := Append(nil, s, js)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("Append(%q) = %s is not JSON: %v", s, out, err)
		}
		want := string([]rune(s)) // each invalid byte becomes U+FFFD
		if back != want {
			t.Fatalf("round trip %q -> %q, want %q", s, back, want)
		}
	})
}
