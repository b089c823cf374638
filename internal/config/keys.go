package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/llm-test-bench/llm-test-bench/internal/metrics/editdist"
)

// Problem is one configuration error, with the key it concerns.
type Problem struct {
	Key string
	Msg string
}

// Problems is every problem found at once.
type Problems []Problem

func (p Problems) Error() string {
	lines := make([]string, len(p))
	for i, pr := range p {
		lines[i] = pr.Key + ": " + pr.Msg
	}
	return strings.Join(lines, "\n")
}

// unknownKeys reports keys of a parsed file that the schema does not know,
// with a suggestion when one is close. Maps of free-form values (options,
// headers, integrations) accept any key.
func unknownKeys(m map[string]any) Problems {
	var out Problems
	checkKeys(m, reflect.TypeFor[Config](), "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func checkKeys(m map[string]any, t reflect.Type, prefix string, out *Problems) {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if tag := f.Tag.Get("koanf"); tag != "" {
			fields[tag] = f.Type
		}
	}
	for key, val := range m {
		path := prefix + key
		ft, ok := fields[key]
		if !ok {
			msg := "unknown key"
			if s := closest(key, keysOf(fields)); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", prefix+s)
			}
			*out = append(*out, Problem{Key: path, Msg: msg})
			continue
		}
		checkValue(val, ft, path, out)
	}
}

func checkValue(val any, ft reflect.Type, path string, out *Problems) {
	if ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	switch {
	case ft.Kind() == reflect.Struct && ft.String() != "time.Duration":
		if sub, ok := val.(map[string]any); ok {
			checkKeys(sub, ft, path+".", out)
		}
	case ft.Kind() == reflect.Map && ft.Elem().Kind() == reflect.Struct:
		if sub, ok := val.(map[string]any); ok {
			for name, v := range sub {
				checkValue(v, ft.Elem(), path+"."+name, out)
			}
		}
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
		if list, ok := val.([]any); ok {
			for i, v := range list {
				checkValue(v, ft.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
			}
		}
	}
}

func keysOf(m map[string]reflect.Type) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// closest returns the candidate nearest to s by edit distance, if near enough.
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := editdist.Sequences([]rune(s), []rune(c), 1, false); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
