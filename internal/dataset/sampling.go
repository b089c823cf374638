package dataset

import "github.com/llm-test-bench/llm-test-bench/provider"

// configMap reads a `config` mapping (a case's, the suite defaults' or a
// suite provider's) and checks its sampling settings the way a run reads
// them (provider.ParseSampling), so `temperature: hot` is an error naming
// its file and line at load instead of a setting silently dropped at run
// time. Keys ParseSampling does not know are vendor extras and pass as
// they are. what prefixes the message ("defaults", "providers[0]"); for a
// case it is empty, since the error names the case.
func (d *decoder) configMap(v *node, line int, what string) (map[string]any, error) {
	name := "config"
	if what != "" {
		name = what + ".config"
	}
	m, err := d.freeMap(v, line, name)
	if err != nil || m == nil {
		return m, err
	}
	for _, f := range v.fields {
		if err := d.checkSampling(f.key, m[f.key], f.line, what); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// checkSampling checks one config setting with provider.ParseSampling; the
// error names the key (as ParseSampling words it) and the line.
func (d *decoder) checkSampling(key string, val any, line int, what string) error {
	if _, _, err := provider.ParseSampling(map[string]any{key: val}); err != nil {
		if what != "" {
			return d.errorf(line, "%s: %v", what, err)
		}
		return d.errorf(line, "%v", err)
	}
	return nil
}
