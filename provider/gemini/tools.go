package gemini

import (
	"strings"

	"github.com/llm-test-bench/llm-test-bench/bench"
	"github.com/llm-test-bench/llm-test-bench/provider/internal/toolcalls"
)

// tool is one entry of "tools"; the bench sends all its functions in one.
type tool struct {
	FunctionDeclarations []functionDeclaration `json:"functionDeclarations"`
}

// functionDeclaration is a FunctionDeclaration. Its parameters go in
// "parameters" (Gemini's Schema, an OpenAPI subset with upper-case type
// names) when the tool's JSON Schema fits that subset, else unchanged in
// "parametersJsonSchema"; the API takes one or the other.
type functionDeclaration struct {
	Name                 string         `json:"name"`
	Description          string         `json:"description,omitempty"`
	Parameters           map[string]any `json:"parameters,omitempty"`
	ParametersJSONSchema map[string]any `json:"parametersJsonSchema,omitempty"`
}

// toolConfig is "toolConfig": {"functionCallingConfig":{mode, allowedFunctionNames}}.
type toolConfig struct {
	FunctionCallingConfig functionCallingConfig `json:"functionCallingConfig"`
}

type functionCallingConfig struct {
	Mode                 string   `json:"mode"`
	AllowedFunctionNames []string `json:"allowedFunctionNames,omitempty"`
}

// encodeTools maps tools and choice to Gemini's: one tools entry holding
// every function declaration, and functionCallingConfig's mode AUTO (auto),
// ANY (required), NONE (none), or ANY with allowedFunctionNames holding the
// one tool a choice names. A nil choice sends no toolConfig (the API's
// default, AUTO).
func encodeTools(tools []bench.Tool, choice *bench.ToolChoice) ([]tool, *toolConfig, error) {
	if err := toolcalls.Check(tools, choice); err != nil {
		return nil, nil, err
	}
	if len(tools) == 0 {
		return nil, nil, nil
	}
	decls := make([]functionDeclaration, len(tools))
	for i, t := range tools {
		decls[i] = functionDeclaration{Name: t.Name, Description: t.Description}
		if t.Parameters == nil {
			continue
		}
		if s, ok := openAPISchema(t.Parameters); ok {
			decls[i].Parameters = s
		} else {
			decls[i].ParametersJSONSchema = t.Parameters
		}
	}
	out := []tool{{FunctionDeclarations: decls}}
	if choice == nil {
		return out, nil, nil
	}
	fc := functionCallingConfig{}
	switch choice.Mode {
	case bench.ToolChoiceAuto:
		fc.Mode = "AUTO"
	case bench.ToolChoiceNone:
		fc.Mode = "NONE"
	case bench.ToolChoiceRequired:
		fc.Mode = "ANY"
	case bench.ToolChoiceTool:
		fc.Mode, fc.AllowedFunctionNames = "ANY", []string{choice.Name}
	}
	return out, &toolConfig{FunctionCallingConfig: fc}, nil
}

// schemaKeys are the fields of Gemini's Schema that a JSON Schema may use
// as they are; "type", "properties", "items" and "anyOf" are converted and
// "format" is taken only with the values Schema knows.
var schemaKeys = map[string]bool{
	"title": true, "description": true, "nullable": true, "enum": true,
	"maxItems": true, "minItems": true, "required": true, "minProperties": true, "maxProperties": true,
	"minLength": true, "maxLength": true, "pattern": true, "example": true, "propertyOrdering": true,
	"default": true, "minimum": true, "maximum": true,
}

// openAPISchema converts a JSON Schema to Gemini's Schema: type names in
// upper case (["string","null"] becomes STRING with nullable), nested
// properties, items and anyOf converted alike. ok is false when the schema
// uses anything that Schema does not have ($ref, additionalProperties,
// oneOf, const, a type list other than one type and null, a format such
// as email, ...).
func openAPISchema(s map[string]any) (map[string]any, bool) {
	out := make(map[string]any, len(s))
	for k, v := range s {
		switch k {
		case "type":
			if !setType(out, v) {
				return nil, false
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			conv := make(map[string]any, len(props))
			for name, p := range props {
				ps, ok := p.(map[string]any)
				if !ok {
					return nil, false
				}
				if conv[name], ok = openAPISchema(ps); !ok {
					return nil, false
				}
			}
			out[k] = conv
		case "items":
			is, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if out[k], ok = openAPISchema(is); !ok {
				return nil, false
			}
		case "format":
			if f, ok := v.(string); !ok || !formats[f] {
				return nil, false
			}
			out[k] = v
		case "anyOf":
			list, ok := v.([]any)
			if !ok {
				return nil, false
			}
			conv := make([]any, len(list))
			for i, e := range list {
				es, ok := e.(map[string]any)
				if !ok {
					return nil, false
				}
				if conv[i], ok = openAPISchema(es); !ok {
					return nil, false
				}
			}
			out[k] = conv
		default:
			if !schemaKeys[k] {
				return nil, false
			}
			out[k] = v
		}
	}
	return out, true
}

// formats are the values of Schema's "format": JSON Schema's others
// (email, uri, date, ...) leave the schema to parametersJsonSchema.
var formats = map[string]bool{"enum": true, "date-time": true, "float": true, "double": true, "int32": true, "int64": true}

// gTypes are the JSON Schema type names Gemini's Schema has.
var gTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "array": true, "object": true, "null": true}

// setType sets out's type from a JSON Schema "type": a name, or a list of
// one name and "null" (then nullable).
func setType(out map[string]any, v any) bool {
	switch t := v.(type) {
	case string:
		if !gTypes[t] {
			return false
		}
		out["type"] = strings.ToUpper(t)
		return true
	case []any:
		var name string
		nullable := false
		for _, e := range t {
			s, ok := e.(string)
			switch {
			case !ok || !gTypes[s]:
				return false
			case s == "null":
				nullable = true
			case name != "":
				return false
			default:
				name = s
			}
		}
		if name == "" {
			return false
		}
		out["type"] = strings.ToUpper(name)
		if nullable {
			out["nullable"] = true
		}
		return true
	}
	return false
}
