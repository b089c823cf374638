package judge

import (
	"strings"
	"testing"
)

func TestJSONObjects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		max  int
		want []string
	}{
		{`Sure! {"pass": true} and {"b": "}"}`, 0, []string{`{"pass": true}`, `{"b": "}"}`}},
		{"```json\n{\"a\": {\"b\": 1}}\n```", 0, []string{`{"a": {"b": 1}}`}},
		{`{ {"inner": 1}`, 0, []string{`{"inner": 1}`}},
		{`{"esc": "a\"}"}`, 1, []string{`{"esc": "a\"}"}`}},
		{`{not json} {"ok": 1} {"x": 2}`, 1, []string{`{"ok": 1}`}},
		{`no object`, 0, nil},
	}
	for _, c := range cases {
		var got []string
		for _, r := range JSONObjects(c.text, c.max) {
			got = append(got, string(r))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("JSONObjects(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

func TestJSONObjectsGivesUpOnLongGarbage(t *testing.T) {
	t.Parallel()
	// Every "{" opens an object that never closes: without a bound this
	// scans to the end from each one.
	text := strings.Repeat("{", 200000) + `{"late": 1}`
	if got := JSONObjects(text, 0); len(got) != 0 {
		t.Errorf("found %d objects after 200k unclosed braces; want the search to stop", len(got))
	}
}

func FuzzJSONObjects(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `x{"a":"}"}y{`, `{{{`, `{"a":{"b":[1,{"c":2}]}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range JSONObjects(s, 0) {
			if r[0] != '{' || r[len(r)-1] != '}' || !strings.Contains(s, string(r)) {
				t.Fatalf("object %q is not a {...} substring of the input", r)
			}
		}
	})
}
