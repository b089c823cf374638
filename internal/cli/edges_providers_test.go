package cli_test

import (
	"strings"
	"testing"
)

// TestEdgesProvidersList covers issue 15.20 (providers list): every vendor
// with its key variable and whether the key is set, never the key itself.
func TestEdgesProvidersList(t *testing.T) {
	t.Parallel()
	const key = "sk-edge-LISTCANARY-77"
	e := newEnv(t, "OPENAI_API_KEY="+key)
	code, stdout, stderr := e.run(t.Context(), "providers", "list")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	rows := map[string]string{}
	for _, l := range strings.Split(stdout, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = l
		}
	}
	tests := []struct{ vendor, want string }{
		{"openai", "set (OPENAI_API_KEY)"},
		{"anthropic", "missing"},
		{"gemini", "missing"},
		{"ollama", "-"},
		{"exec", "-"},
		{"simulator", "-"},
	}
	for _, tc := range tests {
		row, ok := rows[tc.vendor]
		if !ok {
			t.Errorf("no row for %s:\n%s", tc.vendor, stdout)
			continue
		}
		if !strings.Contains(row, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.vendor, row, tc.want)
		}
	}
	if !strings.Contains(rows["anthropic"], "ANTHROPIC_API_KEY") {
		t.Errorf("anthropic's row does not name its key variable: %q", rows["anthropic"])
	}
	if strings.Contains(stdout+stderr, "LISTCANARY") {
		t.Error("providers list printed a key")
	}
}

// TestEdgesProvidersModelsAndHealth covers issue 15.20 (providers models and
// health): both work against an OpenAI-compatible server configured with
// base_url, and a rejected key is a provider error (exit 5) that never
// prints the key.
func TestEdgesProvidersModelsAndHealth(t *testing.T) {
	t.Parallel()
	const good, bad = "sk-edge-GOODKEY-1", "sk-edge-BADKEY-2"
	srv := newEdgeServer(t, good)
	cfg := `[providers.local]
type = "openai"
base_url = "` + srv.URL + `/v1"
api_key_env = "LOCAL_KEY"
default_model = "gpt-4o-mini"
`
	tests := []struct {
		name, key string
		args      []string
		code      int
		want      []string
	}{
		{"models", good, []string{"providers", "models", "local"}, 0, edgeModels},
		{"health", good, []string{"providers", "health", "local"}, 0, []string{"local: healthy"}},
		{"models with a wrong key", bad, []string{"providers", "models", "local"}, 5, nil},
		{"health with a wrong key", bad, []string{"providers", "health", "local"}, 5, []string{"unhealthy"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "LOCAL_KEY="+tc.key)
			path := e.write("ltb.toml", cfg)
			code, stdout, stderr := e.run(t.Context(), append([]string{"--config", path}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:%s\nstderr:%s", code, tc.code, stdout, stderr)
			}
			got := stdout
			if tc.code != 0 {
				got = stderr
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			if strings.Contains(stdout+stderr, "GOODKEY") || strings.Contains(stdout+stderr, "BADKEY") {
				t.Error("a key was printed")
			}
		})
	}
}
