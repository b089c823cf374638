package cli

import (
	"strings"
	"testing"
)

func TestResumeCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		db   string
		want string
		not  string
	}{
		{"", "llm-test-bench bench --resume R", ""},
		{"sqlite:/tmp/x.db", "llm-test-bench bench --resume R --db sqlite:/tmp/x.db", ""},
		{"/tmp/my runs/x.db", "llm-test-bench bench --resume R --db '/tmp/my runs/x.db'", ""},
		{"postgres://ltb:s3cret@db:5432/ltb?sslmode=disable&x=1", "llm-test-bench bench --resume R --db 'postgres://ltb:xxxxx@db:5432/ltb?sslmode=disable&x=1'", "s3cret"},
		{"sqlite:/tmp/it's.db", `--db 'sqlite:/tmp/it'\''s.db'`, ""},
		{"postgres://xxxxx:s3cret@db/ltb", "--db postgres://xxxxx:xxxxx@db/ltb", "s3cret"},
		{"postgres://ltb@db/ltb?password=s3cret", "password=xxxxx", "s3cret"},
	}
	for _, tc := range tests {
		t.Run(tc.db, func(t *testing.T) {
			t.Parallel()
			got := (&app{dbURL: tc.db}).resumeCommand("R")
			if !strings.Contains(got, tc.want) {
				t.Errorf("resumeCommand = %q, want %q", got, tc.want)
			}
			if tc.not != "" && strings.Contains(got, tc.not) {
				t.Errorf("resumeCommand leaks %q: %q", tc.not, got)
			}
		})
	}
}
