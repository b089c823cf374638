package dataset

import "strings"

// Transform is a suite's transform: a transformer plugin ("plugin:NAME")
// that rewrites each call's messages after rendering and each answer
// before its assertions, with its config. The plugin itself is resolved
// when a run is planned, where plugins are loaded.
type Transform struct {
	Type   string
	Config map[string]any
	// Line is where the suite sets it, for messages.
	Line int
}

// transformPrefix starts a transform's type.
const transformPrefix = "plugin:"

// transform reads the suite's transform: "plugin:NAME", or a mapping
// {type: plugin:NAME, config: {...}}.
func (d *decoder) transform(v *node, line int) (*Transform, error) {
	t := &Transform{Line: line}
	switch v.kind {
	case kindScalar:
		s, err := d.str(v, line, "transform")
		if err != nil {
			return nil, err
		}
		t.Type = s
	case kindMap:
		err := d.fields(v, "transform", []string{"type", "config"}, func(k string, e *node, l int) error {
			var err error
			switch k {
			case "type":
				t.Type, err = d.str(e, l, "transform.type")
			case "config":
				t.Config, err = d.freeMap(e, l, "transform.config")
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, d.errorf(line, "transform must be \"plugin:NAME\" or a mapping {type, config}, not %s", v.kind)
	}
	if name, ok := strings.CutPrefix(t.Type, transformPrefix); !ok || name == "" {
		return nil, d.errorf(line, "transform type %q: want plugin:NAME (a transformer plugin)", t.Type)
	}
	return t, nil
}

// PluginName is NAME of the transform's plugin:NAME.
func (t *Transform) PluginName() string { return strings.TrimPrefix(t.Type, transformPrefix) }
