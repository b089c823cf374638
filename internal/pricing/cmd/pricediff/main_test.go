package main

import (
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run([]string{"-data", "../../genaiprices/testdata/data.json", "-date", "2026-01-01", "-missing"}, &out); err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, want := range []string{
		"table as of ",
		"openai:gpt-4o-2024-05-13: table 5/15/0/0, data gpt-4o 2.5/10/1.25/0\n",
		"openai:gpt-new: not in the table\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, args := range [][]string{{"-data", "no/such/file.json"}, {"-date", "yesterday"}} {
		if err := run(args, &strings.Builder{}); err == nil {
			t.Errorf("run(%q) succeeded, want an error", args)
		}
	}
}
