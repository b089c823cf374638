// Package sqlcheck registers is-sql and contains-sql: the answer (for
// contains-sql, the first fenced code block of it when there is one, else
// the whole answer) must parse as SQL of the assertion's dialect, and may
// be held to promptfoo's whitelists of tables and columns.
//
// The value is empty or a map:
//
//	databaseType:   MySQL (the default) or MariaDB
//	allowedTables:  ["(select|update)::null::departments", ...]
//	allowedColumns: ["select::null::name", "update::employee::salary", ...]
//
// Parsing is Vitess's MySQL parser (vitess.io/vitess/go/vt/sqlparser),
// pure Go: it accepts the statements a MySQL 8 server parses, several
// separated by semicolons. Other dialects promptfoo offers through
// node-sql-parser (PostgreSQL, SQLite, BigQuery, ...) have no pure-Go
// parser here and are refused when the suite loads.
//
// Whitelists work as in node-sql-parser: every table the SQL uses is an
// authority "type::database::table" (type select, insert, update or
// delete; database "null" when unqualified) and every column
// "type::table::column" (table "null" when unqualified, "(.*)" for *;
// columns read in a WHERE, ORDER BY or a SELECT are select, those an
// INSERT or UPDATE writes are insert or update). Each authority must match
// one whitelist entry, read as a case-insensitive regular expression of
// the whole authority. When a statement uses one table, an unqualified
// column also matches an entry that names that table.
package sqlcheck
