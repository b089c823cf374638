package toolcalls

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// FuzzJoiner drives a Joiner with a script of operations (one per line:
// "s KEY NAME" opens a call, "a KEY TEXT" appends a fragment, KEY an
// integer) and checks it against a plain model: calls in the order opened,
// each holding the fragments given to its key after it was opened and
// before the key was opened again, "{}" when they add up to nothing, and
// fragments of a key never opened refused.
func FuzzJoiner(f *testing.F) {
	f.Add("s 1 weather\na 1 {\"loc\na 1 ation\": \"Paris\"}\na 2 lost")
	f.Add("a 0 x\ns 0 f\na 0 \ns 0 g\na 0 y")
	f.Add("s -3 a\ns 4 b\na 4 1\na -3 2\na 4 3")
	f.Fuzz(func(t *testing.T, script string) {
		type model struct{ name, args string }
		var (
			j    Joiner
			want []model
			open = map[int]int{}
		)
		for _, line := range strings.Split(script, "\n") {
			op, rest, _ := strings.Cut(line, " ")
			keyText, arg, _ := strings.Cut(rest, " ")
			key, err := strconv.Atoi(keyText)
			if err != nil {
				continue
			}
			switch op {
			case "s":
				j.Start(key, "", arg, "{}")
				open[key] = len(want)
				want = append(want, model{name: arg})
			case "a":
				i, ok := open[key]
				if got := j.Append(key, arg); got != ok {
					t.Fatalf("Append(%d) = %v, want %v", key, got, ok)
				}
				if ok {
					want[i].args += arg
				}
			}
		}
		calls := j.Calls()
		if len(calls) != len(want) || (len(want) == 0) != (calls == nil) {
			t.Fatalf("%d calls, want %d", len(calls), len(want))
		}
		for i, w := range want {
			args := w.args
			if args == "" {
				args = "{}"
			}
			if calls[i].Name != w.name || calls[i].Arguments != args {
				t.Fatalf("call %d = %+v, want %s %q", i, calls[i], w.name, args)
			}
		}
	})
}

// FuzzObjectText checks Object and Text on any JSON value: Object gives
// back the same value as compact JSON, Text a string's own text and any
// other value as Object does; nothing panics on any input.
func FuzzObjectText(f *testing.F) {
	for _, s := range []string{`{"a": 1}`, `"{\"a\":1}"`, `null`, ``, `[1, {"b": "c"}]`, `{"a":`, `"\ud800"`, `1e400`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		object, text := Object(raw), Text(raw)
		trimmed := bytes.TrimSpace(raw)
		if !json.Valid(trimmed) || string(trimmed) == "null" {
			return
		}
		var in any
		if err := json.Unmarshal(trimmed, &in); err != nil {
			return
		}
		var out any
		if err := json.Unmarshal([]byte(object), &out); err != nil {
			t.Fatalf("Object(%s) = %q, not JSON: %v", raw, object, err)
		}
		if !reflect.DeepEqual(in, out) {
			t.Fatalf("Object(%s) = %s, not the same value", raw, object)
		}
		if s, ok := in.(string); ok {
			if text != s {
				t.Fatalf("Text(%s) = %q, want the string's text %q", raw, text, s)
			}
		} else if text != object {
			t.Fatalf("Text(%s) = %q, Object %q", raw, text, object)
		}
	})
}
