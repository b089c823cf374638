package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/ncruces/go-sqlite3/driver"
	"github.com/ncruces/go-sqlite3/ext/fts5"
)

func TestMatchQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"weather report", `"weather" "report"`, true},
		{`say "hi"`, `"say" """hi"""`, true},
		{"a OR b NEAR(c) -d e*", `"a" "OR" "b" "NEAR(c)" "-d" "e*"`, true},
		{`* - " ( ) ^ :`, "", false},
		{"", "", false},
		{"  ünïcode\t日本 ", `"ünïcode" "日本"`, true},
	}
	for _, tc := range tests {
		got, ok := matchQuery(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("matchQuery(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// FuzzMatchQuery checks that FTS5 accepts whatever matchQuery makes of any
// input: user text never becomes an FTS5 syntax error.
func FuzzMatchQuery(f *testing.F) {
	for _, s := range []string{"weather", `"`, `a"b`, "NEAR(a b, 2)", "a OR b", "-x", "x*", "col:x", "^x", "(x", "\x00", "{a b}: c"} {
		f.Add(s)
	}
	db, err := driver.Open("file:"+filepath.Join(f.TempDir(), "fuzz.db"), fts5.Register)
	if err != nil {
		f.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE VIRTUAL TABLE t USING fts5 (prompt, response, tokenize = 'porter unicode61');
		INSERT INTO t VALUES ('a weather report', 'sunny');`); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, ok := matchQuery(s)
		if !ok {
			return
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE t MATCH ?`, q).Scan(&n); err != nil && err != sql.ErrNoRows {
			t.Fatalf("matchQuery(%q) = %q: %v", s, q, err)
		}
	})
}
