package config

import (
	"strings"
	"testing"
)

// A secret placed anywhere a secret can sit must not appear in `config
// show`, while harmless settings stay readable.
func TestShowHidesEverySecret(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-Zq81xw"
	body := `
[providers.openai]
api_key = "` + secret + `-api"
[providers.openai.headers]
X-Custom-Token = "` + secret + `-custom"
Authorization = "Bearer ` + secret + `-bearer"
api-key = "` + secret + `-azure"
X-Tenant = "` + secret + `-tenant"
Cookie = "session=` + secret + `-cookie"
Content-Type = "application/json"
anthropic-version = "2023-06-01"
X-Stainless-OS = "Linux"
[providers.openai.options]
access_token = "` + secret + `-option"
client_secret = "` + secret + `-client"
organization = "org-visible"
api_key_header = "X-My-Key"
[providers.runner]
type = "exec"
api_key_env = "RUNNER_KEY"
[providers.runner.options.env]
HF = "` + secret + `-env"
[providers.hook]
type = "http"
base_url = "https://hook.example/v1?token=` + secret + `-query&region=eu"
[providers.hook.options.headers]
X-Signature = "` + secret + `-nested-header"
[integrations.wandb]
project = "llm-eval"
password = "` + secret + `-integration"
[storage]
database_url = "postgres://ltb:` + secret + `-db@db.example/ltb"
[cache]
redis_url = "redis://:` + secret + `-redis@cache.example:6379/0"
[distributed]
redis_url = "redis://limits:` + secret + `-limits@limits.example:6379/1"
[monitoring.otlp_headers]
X-Honeycomb-Team = "` + secret + `-otlp"

[[monitoring.notifiers]]
type = "slack"
url = "https://hooks.slack.example/services/T0/B0/` + secret + `-slack"
headers = { X-Hook-Auth = "` + secret + `-hook" }
`
	env := []string{"JWT_SECRET=" + secret + "-jwt", "ANTHROPIC_API_KEY=" + secret + "-vendor"}
	cfg, err := Load(layers(t, "", body, "", env, nil))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.ShowTOML()
	if err != nil {
		t.Fatal(err)
	}
	shown := string(out)
	if strings.Contains(shown, secret) || strings.Contains(strings.ToLower(shown), strings.ToLower(secret)) {
		t.Errorf("show leaks a secret:\n%s", shown)
	}
	for _, want := range []string{
		"application/json", "2023-06-01", "Linux", "org-visible", "X-My-Key", "RUNNER_KEY", "llm-eval",
		"region=eu", "postgres://ltb:" + Redacted + "@db.example/ltb", "redis://limits:" + Redacted + "@limits.example:6379/1", "jwt_secret = '" + Redacted + "'",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("show lacks %q:\n%s", want, shown)
		}
	}
	for _, suffix := range []string{"api", "custom", "bearer", "azure", "tenant", "cookie", "option", "client", "env", "query", "nested-header", "integration", "db", "redis", "jwt", "vendor"} {
		if !cfg.ContainsSecret([]byte("... " + secret + "-" + suffix + " ...")) {
			t.Errorf("ContainsSecret misses the %s secret", suffix)
		}
	}
	if cfg.ContainsSecret([]byte("application/json org-visible")) {
		t.Error("ContainsSecret flags harmless values")
	}
}

func TestSecretRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		parent, key string
		hidden      bool
	}{
		{"openai", "api_key", true},
		{"security", "jwt_secret", true},
		{"options", "access_token", true},
		{"options", "Client_Secret", true},
		{"options", "db_password", true},
		{"options", "aws_credentials", true},
		{"options", "request_signature", true},
		{"options", "session_cookie", true},
		{"options", "auth", true},
		{"openai", "api_key_env", false},
		{"options", "api_key_header", false},
		{"options", "organization", false},
		{"options", "keep_alive", false},
		{"headers", "X-Custom-Token", true},
		{"headers", "X-Anything", true},
		{"headers", "Authorization", true},
		{"headers", "content-type", false},
		{"headers", "Accept", false},
		{"headers", "User-Agent", false},
		{"headers", "Anthropic-Beta", false},
		{"headers", "OpenAI-Beta", false},
		{"headers", "x-stainless-arch", false},
		{"headers", "x-stainless", true},
		{"env", "PATH", true},
		{"otlp_headers", "X-Scope-OrgID", true},
		{"otlp_headers", "Content-Type", false},
	}
	for _, tc := range tests {
		if got := hidden(tc.parent, tc.key); got != tc.hidden {
			t.Errorf("hidden(%q, %q) = %v, want %v", tc.parent, tc.key, got, tc.hidden)
		}
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"postgres://u:pw@h/db":                "postgres://u:" + Redacted + "@h/db",
		"postgres://u@h/db":                   "postgres://u@h/db",
		"https://h/x?token=abc&region=eu":     "https://h/x?token=" + Redacted + "&region=eu",
		"https://h/x?API_KEY=abc":             "https://h/x?API_KEY=" + Redacted,
		"https://h/x?page=2":                  "https://h/x?page=2",
		"not a url":                           "not a url",
		"redis://:pw@h:6379/0":                "redis://:" + Redacted + "@h:6379/0",
		"sqlite:./results.db":                 "sqlite:./results.db",
		"https://h/x?signature=&region=north": "https://h/x?signature=&region=north",
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
