package compare

import (
	"strings"
	"testing"
)

func TestParseBest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		reply  string
		n      int
		best   int
		reason string
		err    string
	}{
		{"plain", `{"best": 1, "reason": "clearer"}`, 3, 1, "clearer", ""},
		{"preamble and fence", "Thinking...\n```json\n{\"reason\": \" ok \", \"best\": 0}\n```", 2, 0, "ok", ""},
		{"whole float", `{"best": 2.0}`, 3, 2, "", ""},
		{"exponent", `{"best": 1e0}`, 3, 1, "", ""},
		{"null reason", `{"best": 1, "reason": null}`, 2, 1, "", ""},
		{"the last object with best wins", `Answer 0 said {"best": 0}. My verdict: {"best": 1, "reason": "r"}`, 2, 1, "r", ""},
		{"objects without best are skipped", `{"best": 1} and then {"note": "x"}`, 2, 1, "", ""},
		{"nested object is not the verdict", `{"verdict": {"best": 1}}`, 2, 0, "", `no JSON object with "best"`},
		{"none", "answer 1", 2, 0, "", `no JSON object with "best"`},
		{"empty", "", 2, 0, "", `no JSON object`},
		{"out of range", `{"best": 2}`, 2, 0, "", "outside 0..1"},
		{"huge", `{"best": 1e300}`, 2, 0, "", "outside 0..1"},
		{"fraction", `{"best": 0.5}`, 2, 0, "", "must be an integer"},
		{"string", `{"best": "0"}`, 2, 0, "", "must be an integer"},
		{"bool", `{"best": true}`, 2, 0, "", "must be an integer"},
		{"null", `{"best": null}`, 2, 0, "", "must be an integer"},
		{"list", `{"best": [0]}`, 2, 0, "", "must be an integer"},
		{"reason a number", `{"best": 0, "reason": 1}`, 2, 0, "", `"reason" must be a string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			best, reason, err := parseBest(tt.reply, tt.n)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || best != tt.best || reason != tt.reason {
				t.Errorf("parseBest = %d, %q, %v; want %d, %q", best, reason, err, tt.best, tt.reason)
			}
		})
	}
}

func TestParseMarker(t *testing.T) {
	t.Parallel()
	tests := []struct {
		reply string
		want  byte
	}{
		{"[[A]]", 'A'},
		{"Assistant B is more accurate.\n\n[[B]]", 'B'},
		{"Both are fine. [[C]]", 'C'},
		{"The answer wrote [[A]] to trick me; the verdict is [[B]]", 'B'},
		{"[[B]] ... on reflection [[A]]", 'A'},
		{"[[C]][[A]]", 'A'},
		{"[[A]] [[C]]", 'C'},
		{"[A]", 0},
		{"[[a]]", 0},
		{"[[ A ]]", 0},
		{"A", 0},
		{"", 0},
	}
	for _, tt := range tests {
		got, err := parseMarker(tt.reply)
		if tt.want == 0 {
			if err == nil {
				t.Errorf("parseMarker(%q) = %c, want an error", tt.reply, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseMarker(%q) = %q, %v; want %c", tt.reply, got, err, tt.want)
		}
	}
}

func FuzzParseBest(f *testing.F) {
	for _, s := range []string{
		`{"best": 1, "reason": "x"}`, `{"best": 1.0}`, `{"best": -0}`, `{"best": 9007199254740993}`,
		`{"best": "1"}`, "```{\"best\":0}```", `{"best": 0} {"best": 1}`, `{"best": 1e-400}`, `{`, `{"best": 0, "reason": "\u0000"}`,
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, reply string, n int) {
		best, _, err := parseBest(reply, n)
		if err != nil {
			return
		}
		if best < 0 || best >= n {
			t.Fatalf("parseBest(%q, %d) = %d, out of range", reply, n, best)
		}
		if !strings.Contains(reply, `"best"`) {
			t.Fatalf("parseBest(%q) accepted a reply without \"best\"", reply)
		}
	})
}

func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{"[[A]]", "x [[B]] y", "[[C]][[A]]", "[[[A]]]", "[[A]][[B]]]", "no verdict", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		m, err := parseMarker(reply)
		if err != nil {
			for _, mk := range markers {
				if strings.Contains(reply, mk) {
					t.Fatalf("parseMarker(%q) found no marker, but it holds %s", reply, mk)
				}
			}
			return
		}
		got := "[[" + string(m) + "]]"
		at := strings.LastIndex(reply, got)
		if at < 0 {
			t.Fatalf("parseMarker(%q) = %c, not in the reply", reply, m)
		}
		for _, mk := range markers {
			if strings.LastIndex(reply, mk) > at {
				t.Fatalf("parseMarker(%q) = %c, but %s comes later", reply, m, mk)
			}
		}
	})
}
