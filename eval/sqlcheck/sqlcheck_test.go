package sqlcheck

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		value any
		want  string // "" for valid
	}{
		{"none", nil, ""},
		{"mariadb", map[string]any{"databaseType": "mariadb"}, ""},
		{"string value", "SELECT", "want a map"},
		{"unknown key", map[string]any{"dialect": "MySQL"}, `unknown key "dialect"`},
		{"sqlite", map[string]any{"databaseType": "SQLite"}, "not supported"},
		{"tables not a list", map[string]any{"allowedTables": "select::null::t"}, "want a list"},
		{"bad pattern", map[string]any{"allowedColumns": []any{"select::null::("}}, "allowedColumns[0]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := SQL{}.Validate(bench.Assertion{Type: "is-sql", Value: c.value})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("Validate = %v, want %q", err, c.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	for _, c := range []struct {
		name, typ, output string
		value             any
		pass              bool
	}{
		{"several statements", "is-sql", "SELECT 1; UPDATE t SET a = 2 WHERE b = 3;", nil, true},
		{"one bad of several", "is-sql", "SELECT 1; UPDAT t SET a = 2", nil, false},
		{"comment only", "is-sql", "-- nothing", nil, false},
		{"prose", "is-sql", "Here is the query you asked for.", nil, false},
		{"contains without a fence reads all", "contains-sql", "SELECT id FROM users", nil, true},
		{"contains with prose and no fence", "contains-sql", "Try: SELECT id FROM users", nil, false},
		{"fence without language", "contains-sql", "```\nDELETE FROM t WHERE id = 1\n```", nil, true},
		{"join tables allowed", "is-sql", "SELECT a.x FROM a JOIN b ON a.id = b.id",
			map[string]any{"allowedTables": []any{"select::null::(a|b)"}}, true},
		{"subquery table is select", "is-sql", "INSERT INTO t (x) SELECT y FROM s",
			map[string]any{"allowedTables": []any{"insert::null::t", "select::null::s"}}, true},
		{"qualified database", "is-sql", "SELECT * FROM shop.orders",
			map[string]any{"allowedTables": []any{"select::null::orders"}}, false},
		{"star column", "is-sql", "SELECT * FROM t",
			map[string]any{"allowedColumns": []any{`select::null::\(\.\*\)`}}, true},
		{"case-insensitive patterns", "is-sql", "SELECT Name FROM T",
			map[string]any{"allowedColumns": []any{"SELECT::NULL::name"}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := SQL{Contains: c.typ == "contains-sql"}.Evaluate(context.Background(), bench.Assertion{Type: c.typ, Value: c.value}, &eval.Input{Output: c.output})
			if err != nil {
				t.Fatal(err)
			}
			if s.Pass != c.pass || (s.Score == 1) != c.pass {
				t.Fatalf("%q: %+v, want pass %v", c.output, s, c.pass)
			}
		})
	}
}

// FuzzSQL runs both checks and the whitelist walk on arbitrary text and
// values: no panic, a binary score, and whatever parses passes is-sql
// without whitelists.
func FuzzSQL(f *testing.F) {
	for _, s := range []string{
		"SELECT 1", "SELECT * FROM t WHERE a IN (SELECT b FROM u)", "INSERT INTO t (a) VALUES (1)",
		"UPDATE t SET a = (SELECT 1) WHERE b = 2", "```sql\nDELETE FROM t\n```", "SELECT `a", "",
		"WITH x AS (SELECT 1) SELECT * FROM x", "SELECT a FROM t UNION SELECT b FROM u",
	} {
		f.Add(s)
	}
	wl := map[string]any{"allowedTables": []any{"select::null::t"}, "allowedColumns": []any{"select::.*::a"}}
	f.Fuzz(func(t *testing.T, text string) {
		for _, typ := range []string{"is-sql", "contains-sql"} {
			for _, v := range []any{nil, wl} {
				s, err := SQL{Contains: typ == "contains-sql"}.Evaluate(context.Background(), bench.Assertion{Type: typ, Value: v}, &eval.Input{Output: text})
				if err != nil {
					t.Fatal(err)
				}
				if s.Score != 0 && s.Score != 1 {
					t.Fatalf("score %v", s.Score)
				}
			}
		}
		if _, err := parse(text); err == nil {
			s, _ := SQL{}.Evaluate(context.Background(), bench.Assertion{Type: "is-sql"}, &eval.Input{Output: text})
			if !s.Pass {
				t.Fatalf("%q parses but fails is-sql: %s", text, s.Reason)
			}
		}
	})
}
