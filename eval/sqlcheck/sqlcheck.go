package sqlcheck

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"vitess.io/vitess/go/vt/sqlparser"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/eval"
	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

func init() {
	eval.Register("is-sql", SQL{})
	eval.Register("contains-sql", SQL{Contains: true})
}

// SQL is is-sql, or contains-sql when Contains is set.
type SQL struct{ Contains bool }

var (
	_ eval.Evaluator = SQL{}
	_ eval.Validator = SQL{}
)

// maxSQLBytes bounds the SQL parsed: a longer answer fails.
const maxSQLBytes = 1 << 20

// options is the assertion's value taken apart.
type options struct {
	dialect        string
	tables, colums []*regexp.Regexp
	tableSrc       []string
	columnSrc      []string
}

// dialects maps the databaseType names accepted, lower-cased, to the name
// shown in reasons.
var dialects = map[string]string{"mysql": "MySQL", "mariadb": "MariaDB"}

// Validate checks the value: the dialect and the whitelist patterns.
func (SQL) Validate(a bench.Assertion) error {
	_, err := parseOptions(a.Value, nil)
	return err
}

func parseOptions(v any, in *eval.Input) (options, error) {
	o := options{dialect: "MySQL"}
	v, err := value.Normalize(v)
	if err != nil {
		return o, err
	}
	if v == nil {
		return o, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return o, fmt.Errorf("value is %s, want a map (databaseType, allowedTables, allowedColumns) or nothing", value.Kind(v))
	}
	for k, e := range m {
		switch k {
		case "databaseType":
			s, _ := e.(string)
			d, ok := dialects[strings.ToLower(value.Render(s, in))]
			if !ok {
				return o, fmt.Errorf("databaseType %v is not supported: this project parses MySQL and MariaDB (promptfoo's other dialects have no pure-Go parser here)", e)
			}
			o.dialect = d
		case "allowedTables":
			o.tableSrc, o.tables, err = patterns(k, e, in)
		case "allowedColumns":
			o.columnSrc, o.colums, err = patterns(k, e, in)
		default:
			return o, fmt.Errorf("unknown key %q (known: databaseType, allowedTables, allowedColumns)", k)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// patterns compiles a whitelist: each entry matches a whole authority,
// ignoring case.
func patterns(key string, v any, in *eval.Input) ([]string, []*regexp.Regexp, error) {
	l, err := value.Strings(v)
	if _, isList := v.([]any); err != nil || !isList {
		return nil, nil, fmt.Errorf("%s is %s, want a list of type::table::name patterns", key, value.Kind(v))
	}
	out := make([]*regexp.Regexp, 0, len(l))
	for i, s := range l {
		l[i] = value.Render(s, in)
		re, err := regexp.Compile(`(?i)^(?:` + l[i] + `)$`)
		if err != nil {
			return nil, nil, fmt.Errorf("%s[%d] %q: %w", key, i, s, err)
		}
		out = append(out, re)
	}
	return l, out, nil
}

// Evaluate parses the answer and checks the whitelists.
func (s SQL) Evaluate(_ context.Context, a bench.Assertion, in *eval.Input) (bench.Score, error) {
	o, err := parseOptions(a.Value, in)
	if err != nil {
		return bench.Score{}, err
	}
	sql := in.Output
	if s.Contains {
		sql = fenced(sql)
	}
	var why []string
	stmts, err := parse(sql)
	if err != nil {
		return bench.Score{Reason: fmt.Sprintf("SQL statement does not conform to the provided %s database syntax: %v", o.dialect, err)}, nil
	}
	au := collect(stmts)
	if o.tables != nil {
		why = append(why, deny("table", au.tables, nil, o.tables, o.tableSrc)...)
	}
	if o.colums != nil {
		why = append(why, deny("column", au.columns, au.single, o.colums, o.columnSrc)...)
	}
	if len(why) > 0 {
		return bench.Score{Reason: strings.Join(why, " ")}, nil
	}
	return bench.Score{Score: 1, Pass: true, Reason: fmt.Sprintf("valid %s SQL", o.dialect)}, nil
}

// fencedSQL is promptfoo's code block: three backticks, an optional
// "sql", then everything up to the next backtick run.
var fencedSQL = regexp.MustCompile("```(?:sql)?([^`]+)```")

// fenced returns the first fenced block's text, trimmed, or s.
func fenced(s string) string {
	if m := fencedSQL.FindStringSubmatch(s); m != nil {
		return strings.TrimSpace(m[1])
	}
	return s
}

// parser is Vitess's MySQL 8 parser; it is safe for concurrent use.
var parser = func() *sqlparser.Parser {
	p, err := sqlparser.New(sqlparser.Options{MySQLServerVersion: "8.0.40"})
	if err != nil {
		panic("sqlcheck: " + err.Error())
	}
	return p
}()

// parse reads one or more statements; no statement at all is an error.
func parse(sql string) ([]sqlparser.Statement, error) {
	if len(sql) > maxSQLBytes {
		return nil, fmt.Errorf("longer than %d bytes", maxSQLBytes)
	}
	stmts, err := parser.ParseMultipleIgnoreEmpty(sql)
	if err != nil {
		return nil, err
	}
	if len(stmts) == 0 {
		return nil, errors.New("no statement")
	}
	for _, st := range stmts {
		if _, ok := st.(*sqlparser.CommentOnly); ok {
			return nil, errors.New("a comment, not a statement")
		}
	}
	return stmts, nil
}

// deny lists the authorities no pattern matches, as promptfoo words it.
func deny(kind string, found []string, single map[string]string, pats []*regexp.Regexp, src []string) []string {
	var bad []string
	for _, au := range found {
		if !allowed(au, single[au], pats) {
			bad = append(bad, au)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("SQL references unauthorized %s(s). Found: [%s]. Allowed: [%s].",
		kind, strings.Join(bad, ", "), strings.Join(src, ", "))}
}

// allowed reports whether a pattern matches the authority or its
// single-table spelling.
func allowed(au, alt string, pats []*regexp.Regexp) bool {
	for _, re := range pats {
		if re.MatchString(au) || (alt != "" && re.MatchString(alt)) {
			return true
		}
	}
	return false
}
