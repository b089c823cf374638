package sqlcheck

import (
	"context"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
)

// pfCase is a case of promptfoo's test/assertions/sql.test.ts: the
// assertion, the output and promptfoo's verdict. differs names the
// README row of a deliberate difference; the case then checks this
// project's verdict (the opposite, or an input error when unusable).
type pfCase struct {
	typ     string
	value   any
	output  string
	pass    bool
	differs string
	// reason, when set, must appear in this project's reason.
	reason string
}

func mysql(extra map[string]any) map[string]any {
	m := map[string]any{"databaseType": "MySQL"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var pg = map[string]any{"databaseType": "PostgreSQL"}

var promptfooSQL = []pfCase{
	{typ: "is-sql", output: "SELECT id, name FROM users", pass: true},
	{typ: "is-sql", output: "SELECT DISTINCT name FROM users", pass: true},
	{typ: "is-sql", output: "select distinct id from users", pass: true},
	{typ: "is-sql", output: "SELECT SQL_NO_CACHE name FROM users", pass: true},
	{typ: "is-sql", output: "SELECT DISTINCT SQL_NO_CACHE name FROM users", pass: true},
	{typ: "is-sql", value: pg, output: `SELECT DISTINCT "display name" FROM users`, pass: true, differs: "unsupported dialect"},
	{typ: "is-sql", output: "SELECT 'select distinct first_name last_name from employees' AS sample", pass: true},
	{typ: "is-sql", output: "SELECT 1 /* select distinct first_name last_name from employees */", pass: true},
	{typ: "is-sql", output: "SELECT 1 -- select distinct first_name last_name from employees\n", pass: true},
	{typ: "is-sql", value: pg, output: `SELECT "select distinct first_name last_name from employees" AS sample`, pass: true, differs: "unsupported dialect"},
	{typ: "is-sql", value: pg, output: `SELECT $$select distinct first_name last_name from employees$$ AS sample`, pass: true, differs: "unsupported dialect"},
	{typ: "is-sql", output: "SELECT a b FROM t", differs: "alias without AS"},
	{typ: "is-sql", output: "SELECT DISTINCT first_name last_name FROM employees", differs: "alias without AS"},
	{typ: "is-sql", output: "SELECT SQL_NO_CACHE first_name last_name FROM employees", differs: "alias without AS"},
	{typ: "is-sql", output: "SELECT DISTINCTIVE name FROM users", differs: "alias without AS"},
	{typ: "is-sql", output: ""},
	{typ: "is-sql", output: "   "},
	{typ: "contains-sql", output: "Result:\n```sql\nSELECT DISTINCT name FROM users\n```", pass: true},
	{typ: "is-sql", output: "SELECT * FROM orders ORDERY BY order_date"},
	{typ: "is-sql", output: "SELECT * FROM select WHERE id = 1"},
	{typ: "is-sql", output: "DELETE employees WHERE id = 1"},
	{typ: "is-sql", output: "SELECT first_name last_name FROM employees", differs: "alias without AS"},
	{typ: "is-sql", output: "SELECT * FROM `employees"},
	{typ: "is-sql", output: "SELECT * FROM `employees` WHERE `id` = 1", pass: true},
	{typ: "is-sql", output: "SELECT `id, `name FROM `users"},
	{typ: "is-sql", output: "SELECT col1 col2 col3 FROM table1"},
	{typ: "is-sql", value: pg, output: "SELECT * FROM employees WHERE id = 1 LOCK IN SHARE MODE", differs: "unsupported dialect"},
	{typ: "is-sql", value: mysql(nil), output: "SELECT first_name, last_name FROM employees WHERE first_name ILIKE 'john%'"},
	{typ: "is-sql", value: pg, output: "SELECT first_name, last_name FROM employees WHERE first_name ILIKE 'john%'", pass: true, differs: "unsupported dialect"},
	{typ: "is-sql", value: mysql(nil), output: "SELECT generate_series(1, 10);", differs: "function names"},
	{typ: "is-sql", value: mysql(nil), output: "SELECT * FROM table_name WHERE id IN (SELECT generate_series(1, 5));", differs: "function names"},
	{typ: "is-sql", value: mysql(map[string]any{"allowedTables": []any{"(select|update|insert|delete)::null::departments"}}), output: "SELECT * FROM employees",
		reason: "SQL references unauthorized table(s). Found: [select::null::employees]. Allowed: [(select|update|insert|delete)::null::departments]."},
	{typ: "is-sql", value: mysql(map[string]any{"allowedTables": []any{"(select|update|insert|delete)::null::departments"}}), output: "SELECT * FROM departments", pass: true},
	{typ: "is-sql", value: mysql(map[string]any{"allowedColumns": []any{"select::null::name", "update::null::id"}}), output: "SELECT id FROM t",
		reason: "SQL references unauthorized column(s). Found: [select::null::id]. Allowed: [select::null::name, update::null::id]."},
	{typ: "is-sql", value: mysql(map[string]any{"allowedColumns": []any{"insert::department::dept_name", "insert::department::location"}}), output: "INSERT INTO department (dept_name, location) VALUES ('Sales', 'New York')", pass: true},
	{typ: "is-sql", value: mysql(map[string]any{"allowedColumns": []any{"update::a::id"}}), output: "UPDATE a SET id = 1", pass: true},
	{typ: "is-sql", value: mysql(map[string]any{"allowedColumns": []any{"update::employee::salary", "select::employee::id"}}), output: "UPDATE employee SET salary = 50000 WHERE id = 1", pass: true},
	{typ: "is-sql", value: mysql(map[string]any{"allowedColumns": []any{"select::employees::name"}}), output: "SELECT name FROM employees", pass: true},
	{typ: "is-sql", value: mysql(map[string]any{"allowedTables": []any{"select::null::data_table"}}), output: "SELECT * FROM data WHERE id = 1", reason: "select::null::data]"},
	{typ: "is-sql", value: mysql(map[string]any{"allowedTables": []any{"select::null::data_table"}}), output: "SELECT * FROM data_table WHERE id = 1", pass: true},
	{typ: "is-sql", value: map[string]any{"databaseType": "PostgreSQL", "allowedTables": []any{"select::null::data_table"}}, output: `SELECT * FROM "data_table" WHERE id = 1`, pass: true, differs: "unsupported dialect"},
	{typ: "is-sql", value: map[string]any{"databaseType": "PostgreSQL", "allowedTables": []any{"select::null::data_table"}}, output: `SELECT * FROM "data" WHERE id = 1`, differs: "unsupported dialect"},
	{typ: "is-sql", value: mysql(map[string]any{"allowedTables": []any{"select::null::users"}}), output: "SELECT u.name, p.title FROM users u, posts p WHERE u.id = p.user_id", reason: "select::null::posts"},
	{typ: "not-is-sql", output: "SELECT id, name FROM users"},
	{typ: "not-is-sql", output: "SELECT * FROM orders ORDERY BY order_date", pass: true},
}

// TestPromptfooSQL holds this project's verdicts against promptfoo's on
// promptfoo's own cases and reports how many agree.
func TestPromptfooSQL(t *testing.T) {
	agree := 0
	for _, c := range promptfooSQL {
		as := []bench.Assertion{{Type: c.typ, Value: c.value}}
		verr := eval.Validate(as)
		if c.differs == "unsupported dialect" {
			if verr == nil || !strings.Contains(verr.Error(), "not supported") {
				t.Errorf("%s %v: Validate = %v, want the dialect refused", c.typ, c.value, verr)
			}
			continue
		}
		if verr != nil {
			t.Fatalf("%s %v: %v", c.typ, c.value, verr)
		}
		got := eval.Check(context.Background(), as, nil, &eval.Input{Output: c.output}).Scores[c.typ]
		want := c.pass
		if c.differs != "" {
			want = !c.pass
		} else {
			agree++
		}
		if got.Pass != want {
			t.Errorf("%s %v on %q: pass %v (%s), want %v", c.typ, c.value, c.output, got.Pass, got.Reason, want)
		}
		if c.reason != "" && !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s on %q: reason %q, want it to hold %q", c.typ, c.output, got.Reason, c.reason)
		}
	}
	t.Logf("promptfoo SQL cases: %d of %d agree", agree, len(promptfooSQL))
}
