package dataset

import (
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
)

func TestBuiltins(t *testing.T) {
	t.Parallel()
	infos := Builtins()
	var names []string
	for _, info := range infos {
		names = append(names, info.Name)
	}
	want := "coding,creative-writing,instruction-following,reasoning,summarization"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("Builtins() names = %s, want %s", got, want)
	}
	for _, info := range infos {
		t.Run(info.Name, func(t *testing.T) {
			t.Parallel()
			if info.Path != "builtin:"+info.Name || info.Description == "" || info.Version == "" {
				t.Errorf("info = %+v: want path builtin:NAME, a description and a version", info)
			}
			if info.Cases < 8 || info.Cases > 15 {
				t.Errorf("%d cases, want 8-15", info.Cases)
			}
			s, err := Load(info.Path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if err := s.Validate(t.Context()); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			cases, err := collect(t, s)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				if len(c.Assert) == 0 {
					t.Errorf("case %q has no assertions", c.ID)
				}
				if _, _, err := s.Render(Prompt{}, &c); len(s.Prompts) == 0 && err != nil {
					t.Errorf("Render case %q: %v", c.ID, err)
				}
				for _, p := range s.Prompts {
					if _, _, err := s.Render(p, &c); err != nil {
						t.Errorf("Render case %q prompt %q: %v", c.ID, p.ID, err)
					}
				}
				checkExpectedPasses(t, c)
			}
		})
	}
}

// checkExpectedPasses checks that a case's expected answer satisfies its
// own text assertions: a wrong regex or answer in a built-in shows up here.
func checkExpectedPasses(t *testing.T, c bench.Case) {
	t.Helper()
	if c.Expected == "" {
		return
	}
	out := c.Expected
	for _, a := range c.Assert {
		typ, negate := strings.CutPrefix(a.Type, "not-")
		pass, known := textCheck(t, typ, a.Value, out)
		if !known {
			continue
		}
		if pass == negate {
			t.Errorf("case %q: expected answer %q fails its assertion %s %v", c.ID, out, a.Type, a.Value)
		}
	}
}

// textCheck is a minimal reading of the string assertion types, enough to
// cross-check the built-in data; the real evaluators live in eval/.
func textCheck(t *testing.T, typ string, value any, out string) (pass, known bool) {
	lower := strings.ToLower(out)
	list := func() []string {
		var l []string
		for _, v := range value.([]any) {
			l = append(l, v.(string))
		}
		return l
	}
	switch typ {
	case "contains":
		return strings.Contains(out, value.(string)), true
	case "icontains":
		return strings.Contains(lower, strings.ToLower(value.(string))), true
	case "starts-with":
		return strings.HasPrefix(out, value.(string)), true
	case "regex":
		re, err := regexp.Compile(value.(string))
		if err != nil {
			t.Errorf("bad regex %q: %v", value, err)
			return false, true
		}
		return re.MatchString(out), true
	case "contains-any", "icontains-any":
		for _, v := range list() {
			if typ == "contains-any" && strings.Contains(out, v) || typ == "icontains-any" && strings.Contains(lower, strings.ToLower(v)) {
				return true, true
			}
		}
		return false, true
	case "icontains-all":
		for _, v := range list() {
			if !strings.Contains(lower, strings.ToLower(v)) {
				return false, true
			}
		}
		return true, true
	case "word-count":
		n := len(strings.Fields(out))
		switch v := value.(type) {
		case int64:
			return n == int(v), true
		case map[string]any:
			lo, hi := int64(0), int64(1<<31)
			if m, ok := v["min"].(int64); ok {
				lo = m
			}
			if m, ok := v["max"].(int64); ok {
				hi = m
			}
			return int64(n) >= lo && int64(n) <= hi, true
		}
	}
	return false, false
}

func TestLoadBuiltinByName(t *testing.T) {
	// Not parallel: it changes the working directory.
	t.Chdir(t.TempDir())
	s, err := Load("reasoning")
	if err != nil {
		t.Fatalf("Load(reasoning) in a directory without such a file: %v", err)
	}
	if s.Path != "builtin:reasoning" || s.Name != "reasoning" {
		t.Errorf("Path, Name = %q, %q", s.Path, s.Name)
	}
	if _, err := Load("builtin:nope"); err == nil || !strings.Contains(err.Error(), "available: coding") {
		t.Errorf("Load(builtin:nope) error = %v, want the list of built-ins", err)
	}
	if _, err := Load("nope"); err == nil || !strings.Contains(err.Error(), "nope: stat") {
		t.Errorf("Load(nope) error = %v, want a file error", err)
	}
}
