package dataset

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSuiteTransform(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      *Transform
		err       string
	}{
		{"short form", "transform: plugin:redact\ntest_cases: [{prompt: hi}]\n", &Transform{Type: "plugin:redact", Line: 1}, ""},
		{"with config", "name: s\ntransform:\n  type: plugin:redact\n  config: {mask: '#'}\ntest_cases: [{prompt: hi}]\n",
			&Transform{Type: "plugin:redact", Config: map[string]any{"mask": "#"}, Line: 2}, ""},
		{"not a plugin", "transform: uppercase\ntest_cases: [{prompt: hi}]\n", nil, "s.yaml:1: transform type \"uppercase\": want plugin:NAME"},
		{"unknown key", "transform: {type: plugin:x, options: {}}\ntest_cases: [{prompt: hi}]\n", nil, `unknown key "options"`},
		{"a list", "transform: [plugin:x]\ntest_cases: [{prompt: hi}]\n", nil, "not a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"s.yaml": tc.src})
			s, err := Load(filepath.Join(dir, "s.yaml"))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Load: %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := s.Transform
			if got == nil || got.Type != tc.want.Type || got.Line != tc.want.Line || len(got.Config) != len(tc.want.Config) || got.PluginName() != "redact" {
				t.Errorf("transform %+v, want %+v", got, tc.want)
			}
		})
	}
}
