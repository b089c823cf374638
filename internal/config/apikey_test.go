package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAPIKeyStaysWithItsVendor: a named endpoint of a vendor's type talks to
// another host, so the vendor's own key variable never flows to it; only a
// key the config names goes there.
func TestAPIKeyStaysWithItsVendor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "c.toml")
	body := `[providers.local]
type = "openai"
base_url = "http://127.0.0.1:9/v1"

[providers.named]
type = "openai"
base_url = "http://127.0.0.1:9/v1"
api_key_env = "NAMED_KEY"
`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(LoadOptions{File: file, WorkDir: dir, HomeConfigDir: dir, Environ: []string{"OPENAI_API_KEY=sk-vendor", "NAMED_KEY=sk-named"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, want string }{
		{"openai", "sk-vendor"},
		{"local", ""},
		{"named", "sk-named"},
	}
	for _, tc := range tests {
		if got, _ := cfg.APIKey(tc.name); got != tc.want {
			t.Errorf("APIKey(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
