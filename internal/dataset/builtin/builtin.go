// Package builtin embeds the built-in datasets that ship with the binary:
// coding, reasoning, summarization, instruction-following and
// creative-writing. Each is a suite file in the dataset format; package
// dataset loads them as "builtin:NAME".
package builtin

import (
	"embed"
	"io/fs"
)

//go:embed *.yaml
var files embed.FS

// FS returns the built-in suite files, one NAME.yaml per dataset.
func FS() fs.FS { return files }
