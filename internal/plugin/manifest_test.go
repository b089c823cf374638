package plugin

import (
	"strings"
	"testing"
)

const goodManifest = `[package]
name = "custom-evaluator"
version = "1.0.0"
author = "Your Name"
description = "Custom evaluation metric"

[plugin]
type = "evaluator"
entry_point = "main.wasm"

[capabilities]
requires_llm = true
supports_batch = true
max_batch_size = 10

[config_schema]
schema = """
{
  "type": "object",
  "properties": {
    "threshold": { "type": "number", "minimum": 0.0, "maximum": 1.0 }
  }
}
"""
`

func TestParseManifestSeed(t *testing.T) {
	t.Parallel()
	m, err := ParseManifest([]byte(goodManifest))
	if err != nil {
		t.Fatal(err)
	}
	if m.Package.Name != "custom-evaluator" || m.Plugin.Type != TypeEvaluator || !m.Capabilities.RequiresLLM || m.Capabilities.MaxBatchSize != 10 {
		t.Errorf("manifest %+v", m)
	}
	if err := m.ValidateConfig(map[string]any{"threshold": 0.5}); err != nil {
		t.Errorf("good config: %v", err)
	}
	if err := m.ValidateConfig(map[string]any{"threshold": 1.5}); err == nil || !strings.Contains(err.Error(), "config_schema") {
		t.Errorf("bad config: %v", err)
	}
}

func TestParseManifestRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, from, to, want string }{
		{"bad name", `name = "custom-evaluator"`, `name = "../x"`, "package.name"},
		{"no version", `version = "1.0.0"`, `version = ""`, "package.version"},
		{"unknown type", `type = "evaluator"`, `type = "daemon"`, "plugin.type"},
		{"entry point with a path", `entry_point = "main.wasm"`, `entry_point = "../../bin/x.wasm"`, "file name in the plugin's directory"},
		{"entry point not wasm", `entry_point = "main.wasm"`, `entry_point = "main.so"`, ".wasm file"},
		{"asks for the network", `requires_llm = true`, "requires_llm = true\nnetwork = true", "grants no filesystem, environment"},
		{"bad allowed host", `requires_llm = true`, "requires_llm = true\nallowed_hosts = [\"https://x.example/path\"]", "capabilities.allowed_hosts"},
		{"bad schema", `"type": "object"`, `"type": 7`, "config_schema.schema"},
		{"schema not json", `"type": "object",`, `"type": "object"`, "not valid JSON"},
		{"batch size without batch", `supports_batch = true`, `supports_batch = false`, "max_batch_size"},
		{"not toml", `[plugin]`, `[plugin`, "not valid TOML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(goodManifest, tc.from, tc.to, 1)
			if src == goodManifest {
				t.Fatalf("%q not in the manifest", tc.from)
			}
			_, err := ParseManifest([]byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(goodManifest))
	f.Add([]byte("[package]\nname='a'\n[config_schema]\nschema='{\"$ref\":\"http://x\"}'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		if !namePattern.MatchString(m.Package.Name) || checkEntryPoint(m.Plugin.EntryPoint) != nil {
			t.Fatalf("accepted a bad manifest: %+v", m)
		}
		_ = m.ValidateConfig(map[string]any{"x": 1})
	})
}

func FuzzParseEvalOutput(f *testing.F) {
	f.Add([]byte(`{"score":0.5,"passed":true,"reason":"r","metrics":{"a":1}}`))
	f.Add([]byte(`{"score":NaN}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ParseEvalOutput(data)
		if err == nil && (*out.Score < 0 || *out.Score > 1) {
			t.Fatalf("accepted score %v", *out.Score)
		}
	})
}
