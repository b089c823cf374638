package structure

import (
	"encoding/json"
	"fmt"
	"strings"

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
		var doc any
		if err := json.Unmarshal([]byte(t), &doc); err != nil {
			return "", fmt.Errorf("schema is not valid JSON: %w", err)
		}
		return marshal(doc)
	case bool, map[string]any, map[any]any:
		n, err := value.Normalize(t)
		if err != nil {
			return "", fmt.Errorf("schema: %w", err)
		}
		return marshal(n)
	}
	return "", fmt.Errorf("schema is %s, want a map or a JSON string", value.Kind(v))
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
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %s", brief(err))
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %s", brief(err))
	}
	return sch, nil
}
