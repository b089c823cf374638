package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// keyLines maps each key of a TOML document, as the schema checker writes
// paths (a.b, "quoted.key", list[0].c), to the line it is set on, so that
// a problem can name file:line. Keys inside inline tables and arrays are
// absent: lineOf falls back to the line of the key that holds them.
func keyLines(doc []byte) map[string]int {
	lines := map[string]int{}
	p := unstable.Parser{}
	p.Reset(doc)
	var prefix string
	arrays := map[string]int{} // the count of [[name]] tables met so far
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			prefix = keyPath(e, "")
			lines[prefix] = keyLine(&p, e)
		case unstable.ArrayTable:
			name := keyPath(e, "")
			prefix = fmt.Sprintf("%s[%d]", name, arrays[name])
			arrays[name]++
			lines[prefix] = keyLine(&p, e)
			if _, ok := lines[name]; !ok {
				lines[name] = lines[prefix]
			}
		case unstable.KeyValue:
			lines[keyPath(e, prefix)] = keyLine(&p, e)
		}
	}
	return lines
}

// keyPath joins the parts of a node's (possibly dotted) key onto prefix.
func keyPath(n *unstable.Node, prefix string) string {
	path := prefix
	it := n.Key()
	for it.Next() {
		path = join(path, string(it.Node().Data))
	}
	return path
}

// keyLine is the line of the first part of a node's key.
func keyLine(p *unstable.Parser, n *unstable.Node) int {
	it := n.Key()
	if !it.Next() {
		return 0
	}
	return p.Shape(it.Node().Raw).Start.Line
}

// lineOf returns the line of path, or of the nearest key above it; 0 when
// none is known.
func lineOf(lines map[string]int, path string) int {
	for {
		if l, ok := lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			return 0
		}
		path = path[:i]
	}
}

// at names a source and, when known, its line: "file.toml:12".
func (o origin) at() string {
	if o.line > 0 {
		return o.source + ":" + strconv.Itoa(o.line)
	}
	return o.source
}
