package exec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{"./my-model.sh", []string{"./my-model.sh"}, ""},
		{"  python3   model.py\t--t 0\n", []string{"python3", "model.py", "--t", "0"}, ""},
		{`python3 'my model.py'`, []string{"python3", "my model.py"}, ""},
		{`echo "a \"b\" \\ \$HOME \x"`, []string{"echo", `a "b" \ $HOME \x`}, ""},
		{`a\ b c\\d \'e`, []string{"a b", `c\d`, "'e"}, ""},
		{`"a"'b'c`, []string{"abc"}, ""},
		{`x "" ''`, []string{"x", "", ""}, ""},
		{`'it'\''s'`, []string{"it's"}, ""},
		{"a \\\nb", []string{"a", "b"}, ""},
		{`$HOME ~ *.py | > ;`, []string{"$HOME", "~", "*.py", "|", ">", ";"}, ""},
		{`'unterminated`, nil, "unterminated ' quote"},
		{`"unterminated`, nil, `unterminated " quote`},
		{`trailing\`, nil, "lone backslash"},
		{"", nil, ""},
	}
	for _, tt := range tests {
		got, err := Split(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Split(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Split(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Split(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzSplit checks that Split never panics and that single-quoting any
// words and joining them round-trips.
func FuzzSplit(f *testing.F) {
	f.Add("python3 'my model.py' \"a b\" c\\ d", "x", "it's")
	f.Add(`"\`, "", "\n")
	f.Fuzz(func(t *testing.T, line, w1, w2 string) {
		_, _ = Split(line)
		words := []string{w1, w2}
		got, err := Split(quote(w1) + " " + quote(w2))
		if err != nil {
			t.Fatalf("Split of quoted words: %v", err)
		}
		if !cmp.Equal(words, got) {
			t.Fatalf("round trip of %q gave %q", words, got)
		}
	})
}
