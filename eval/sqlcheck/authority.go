package sqlcheck

import (
	"slices"

	"vitess.io/vitess/go/vt/sqlparser"
)

// authorities are the tables and columns statements use, spelt as
// node-sql-parser's whitelist check spells them.
type authorities struct {
	tables, columns []string
	// single maps an unqualified column authority to its spelling with
	// the statement's one table, when the statement uses one.
	single map[string]string
}

func (a *authorities) addTable(typ string, t sqlparser.TableName) {
	db := "null"
	if !t.Qualifier.IsEmpty() {
		db = t.Qualifier.String()
	}
	au := typ + "::" + db + "::" + t.Name.String()
	if !slices.Contains(a.tables, au) {
		a.tables = append(a.tables, au)
	}
}

func (a *authorities) addColumn(typ, table, col, only string) {
	if table == "" {
		table = "null"
	}
	au := typ + "::" + table + "::" + col
	if !slices.Contains(a.columns, au) {
		a.columns = append(a.columns, au)
	}
	if table == "null" && only != "" {
		a.single[au] = typ + "::" + only + "::" + col
	}
}

// collect walks the statements.
func collect(stmts []sqlparser.Statement) authorities {
	a := authorities{single: map[string]string{}}
	for _, st := range stmts {
		a.statement(st)
	}
	return a
}

// statement records one statement's tables and columns: tables with the
// statement's kind (tables of a nested SELECT as select), columns it
// writes with its kind and every other column as select.
func (a *authorities) statement(st sqlparser.SQLNode) {
	typ := "select"
	var written sqlparser.Columns
	switch s := st.(type) {
	case *sqlparser.Insert:
		typ = "insert"
		written = s.Columns
	case *sqlparser.Update:
		typ = "update"
		for _, e := range s.Exprs {
			written = append(written, e.Name.Name)
		}
	case *sqlparser.Delete:
		typ = "delete"
	}
	var tables []sqlparser.TableName
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch t := n.(type) {
		case *sqlparser.Select, *sqlparser.Union:
			if n != st {
				a.statement(n)
				return false, nil
			}
		case *sqlparser.AliasedTableExpr:
			if tn, ok := t.Expr.(sqlparser.TableName); ok {
				a.addTable(typ, tn)
				tables = append(tables, tn)
			}
		}
		return true, nil
	}, st)
	only := ""
	if len(tables) == 1 {
		only = tables[0].Name.String()
	}
	for _, c := range written {
		a.addColumn(typ, only, c.String(), "")
	}
	a.columnsRead(st, only)
}

// columnsRead records the columns a statement reads, outside nested
// SELECTs (which statement records on their own).
func (a *authorities) columnsRead(st sqlparser.SQLNode, only string) {
	_ = sqlparser.Walk(func(n sqlparser.SQLNode) (bool, error) {
		switch c := n.(type) {
		case *sqlparser.Select, *sqlparser.Union:
			return n == st, nil
		case *sqlparser.ColName:
			if u, ok := st.(*sqlparser.Update); ok && isSetTarget(u, c) {
				return false, nil
			}
			a.addColumn("select", c.Qualifier.Name.String(), c.Name.String(), only)
		case *sqlparser.StarExpr:
			a.addColumn("select", c.TableName.Name.String(), "(.*)", only)
		}
		return true, nil
	}, st)
}

// isSetTarget reports whether c is a column an UPDATE assigns.
func isSetTarget(u *sqlparser.Update, c *sqlparser.ColName) bool {
	for _, e := range u.Exprs {
		if e.Name == c {
			return true
		}
	}
	return false
}
