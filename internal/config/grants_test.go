package config

import (
	"strings"
	"testing"
)

func TestPluginGrants(t *testing.T) {
	t.Parallel()
	body := "[plugins.grants.yes-no-judge]\nallow = [\"llm.complete\"]\n[plugins.grants.other]\nallow = []\n"
	cfg, err := Load(layers(t, "", body, "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, capability string
		want             bool
	}{
		{"yes-no-judge", "llm.complete", true},
		{"other", "llm.complete", false},
		{"absent", "llm.complete", false},
		{"yes-no-judge", "http.request", false},
	} {
		if got := cfg.Plugins.Granted(tc.name, tc.capability); got != tc.want {
			t.Errorf("Granted(%s, %s) = %v, want %v", tc.name, tc.capability, got, tc.want)
		}
	}
}

func TestPluginGrantsRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, key, msg string }{
		{"[plugins.grants.p]\nallow = [\"filesystem\"]\n", "plugins.grants.p.allow", `unknown capability "filesystem"`},
		{"[plugins.grants.\"Bad Name\"]\nallow = [\"llm.complete\"]\n", "plugins.grants.Bad Name", "plugin name"},
		{"[plugins.grants.p]\nalow = [\"llm.complete\"]\n", "plugins.grants.p.alow", ""},
	} {
		_, err := Load(layers(t, "", tc.body, "", nil, nil))
		probs, _ := problemsOf(t, err)
		found := false
		for _, p := range probs {
			if p.Key == tc.key && strings.Contains(p.Msg, tc.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: want a problem on %s with %q, got %v", tc.body, tc.key, tc.msg, probs)
		}
	}
}
