package structure

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/llm-test-bench/llm-test-bench/eval/internal/value"
)

// schemaCacheSize bounds how many compiled schemas Schemas keeps.
const schemaCacheSize = 1024

// schemaURL is the location compiled schemas are registered under; it is
// never fetched.
const schemaURL = "mem:///assertion-schema.json"

// Schemas compiles JSON Schemas given as assertion values and caches them
// by their canonical JSON. It is safe for concurrent use.
type Schemas struct {
	cache *value.Cache[*jsonschema.Schema]
}

// NewSchemas returns an empty schema cache.
func NewSchemas() *Schemas {
	return &Schemas{cache: value.NewCache[*jsonschema.Schema](schemaCacheSize)}
}

// For returns the compiled schema of an assertion value: nil (and no error)
// when the value is absent or an empty string; a map, a boolean or a JSON
// string otherwise. Schemas must be self-contained: a $ref to another
// document (a file or URL) is an error, so suites cannot read local files
// or reach the network through a schema.
func (s *Schemas) For(v any) (*jsonschema.Schema, error) {
	key, err := canonical(v)
	if err != nil || key == "" {
		return nil, err
	}
	return s.cache.Get(key, compile)
}

// canonical renders a schema value as compact JSON with sorted keys.
func canonical(v any) (string, error) {
	switch t := v.(type) {
	case nil:
		return "", nil
	case string:
		if strings.TrimSpace(t) == "" {
			return "", nil
		}
		doc, err := parseSchemaText(t)
		if err != nil {
			return "", err
		}
		return marshal(doc)
	case bool, map[string]any, map[any]any:
		n, err := value.Normalize(t)
		if err != nil {
			return "", fmt.Errorf("schema: %w", err)
		}
		return marshal(n)
	}
	return "", fmt.Errorf("schema is %s, want a map or a JSON or YAML string", value.Kind(v))
}

// parseSchemaText reads a schema written as text: JSON, or YAML as promptfoo
// accepts it (js-yaml's load). The document must be a map or a boolean.
func parseSchemaText(t string) (any, error) {
	var doc any
	if err := json.Unmarshal([]byte(t), &doc); err != nil {
		if yerr := yaml.Unmarshal([]byte(t), &doc); yerr != nil {
			return nil, fmt.Errorf("schema is neither JSON (%w) nor YAML (%s)", err, firstLine(yerr.Error()))
		}
		n, err := value.Normalize(doc)
		if err != nil {
			return nil, fmt.Errorf("schema: %w", err)
		}
		doc = n
	}
	switch doc.(type) {
	case map[string]any, bool:
		return doc, nil
	}
	return nil, fmt.Errorf("schema text is %s, want a map or a boolean", value.Kind(doc))
}

// firstLine keeps a YAML error's first line (the rest is a source excerpt).
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func marshal(doc any) (string, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("schema is not expressible as JSON: %w", err)
	}
	return string(b), nil
}

// compile builds a schema from its canonical JSON with a compiler that
// loads nothing from outside.
func compile(src string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("schema is not valid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	// Check "format" (date, date-time, email, uri, ipv4, uuid, ...) whatever
	// the draft, as promptfoo's ajv with ajv-formats does.
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %s", brief(err))
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %s", brief(err))
	}
	return sch, nil
}
