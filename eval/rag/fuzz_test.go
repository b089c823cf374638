package rag

import (
	"slices"
	"strings"
	"testing"
)

// seeds are replies of every shape the parsers meet: well-formed,
// fenced, truncated, wrong types, nulls, nested and empty.
var seeds = []string{
	`{"statements": ["a", "b"]}`,
	"```json\n{\"statements\": [\"a\"]}\n```",
	`{"statements": [`,
	`{"statements": null} {"statements": ["late"]}`,
	`{"verdicts": [{"statement": "a", "verdict": 1, "reason": "r"}, {"verdict": 0}]}`,
	`{"verdicts": [{"verdict": "1"}, {"verdict": true}, {"verdict": null}, {"verdict": 1e0}]}`,
	`{"classifications": [{"statement": "a", "attributed": 1}, {"attributed": 0, "reason": 3}]}`,
	`{"relevant": [0, 1, 1, 2.0, -1, 1e400], "reason": "r"}`,
	`{"relevant": []}`,
	`{"questions": ["a", "", "c"], "noncommittal": 0}`,
	`{"questions": ["a", "b", "c", "d"], "noncommittal": 1}`,
	`{"questions": "a", "noncommittal": "0"}`,
	`{"a": {"statements": ["nested"]}}`,
	`preamble {"x": "}"} {"verdicts": [{"verdict": 1}]} trailer`,
	"",
	"{{{{",
}

func FuzzParseStatements(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		got, err := parseStatements(reply)
		if err != nil {
			if got != nil {
				t.Fatalf("statements %q with error %v", got, err)
			}
			return
		}
		for _, s := range got {
			if strings.TrimSpace(s) != s || s == "" {
				t.Fatalf("statement %q is blank or untrimmed", s)
			}
		}
	})
}

func FuzzParseVerdicts(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, reply string, n int) {
		for _, parse := range []func(string) ([]check, error){
			func(r string) ([]check, error) { return parseVerdicts(r, n) },
			parseClassifications,
		} {
			got, err := parse(reply)
			if err != nil {
				continue
			}
			if got == nil {
				t.Fatal("nil checks without an error")
			}
		}
		if got, err := parseVerdicts(reply, n); err == nil && len(got) != n {
			t.Fatalf("%d verdicts accepted for %d statements", len(got), n)
		}
	})
}

func FuzzParseRelevant(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, reply string, units int) {
		got, err := parseRelevant(reply, units)
		if err != nil {
			return
		}
		seen := map[int]bool{}
		for _, i := range got {
			if i < 0 || i >= units || seen[i] {
				t.Fatalf("index %d of %v: out of range 0..%d or repeated", i, got, units-1)
			}
			seen[i] = true
		}
	})
}

func FuzzParseQuestions(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reply string) {
		got, err := parseQuestions(reply)
		if err != nil {
			return
		}
		if len(got.Questions) < 1 || len(got.Questions) > maxQuestions || slices.Contains(got.Questions, "") {
			t.Fatalf("questions %q accepted", got.Questions)
		}
	})
}
