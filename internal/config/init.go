package config

import _ "embed"

//go:embed init.toml
var initTemplate []byte

// InitTemplate is a commented starter llm-test-bench.toml.
func InitTemplate() []byte { return initTemplate }
