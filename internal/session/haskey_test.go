package session_test

import (
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/session"
)

// HasKey answers as a run resolves keys: a keyed vendor needs its key,
// unless the provider points at its own base_url (a local server); a
// provider that names a key variable needs it set.
func TestHasKey(t *testing.T) {
	t.Parallel()
	cfg := loadConfig(t, `
[providers.local]
type = "openai"
base_url = "http://127.0.0.1:8000/v1"

[providers.named]
type = "openai"
api_key_env = "NAMED_KEY"
`, "ANTHROPIC_API_KEY=sk-ant-test")
	svc := session.New(cfg, nil, nil)
	for name, want := range map[string]bool{
		"simulator": true, "local": true, "anthropic": true, "openai": false, "named": false, "ollama": true,
	} {
		if got := svc.HasKey(name); got != want {
			t.Errorf("HasKey(%q) = %v, want %v", name, got, want)
		}
	}
}
