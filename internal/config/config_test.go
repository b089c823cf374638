package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// problemsOf returns the problems of a failed Load, failing the test when
// Load did not fail that way.
func problemsOf(t *testing.T, err error) (Problems, *Config) {
	t.Helper()
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("want a *LoadError, got %v", err)
	}
	if le.Config == nil {
		t.Fatal("LoadError without the partial configuration")
	}
	return le.Problems, le.Config
}

// layers builds one directory per layer and returns load options.
func layers(t *testing.T, user, project, explicit string, env []string, flags map[string]any) LoadOptions {
	t.Helper()
	home, work, other := t.TempDir(), t.TempDir(), t.TempDir()
	opts := LoadOptions{HomeConfigDir: home, WorkDir: work, Environ: append([]string{}, env...), Flags: flags}
	if user != "" {
		write(t, home, "config.toml", user)
	}
	if project != "" {
		write(t, work, ProjectFile, project)
	}
	if explicit != "" {
		opts.File = write(t, other, "x.toml", explicit)
	}
	return opts
}

func TestPrecedence(t *testing.T) {
	t.Parallel()
	user := "[benchmarks]\nconcurrency = 2\nrepeat = 2\ntimeout = \"10s\"\nmax_retries = 1\n[providers.openai]\nbase_url = \"http://user\"\n"
	project := "[benchmarks]\nrepeat = 3\ntimeout = \"20s\"\nmax_retries = 2\n[providers.openai]\nconcurrency = 4\n"
	explicit := "[benchmarks]\ntimeout = \"30s\"\nmax_retries = 5\n"
	env := []string{"LTB_BENCHMARKS__MAX_RETRIES=7", "LTB_PROVIDERS__OPENAI__BASE_URL=http://env"}
	flags := map[string]any{"benchmarks.concurrency": "16"}
	cfg, err := Load(layers(t, user, project, explicit, env, flags))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.Benchmarks.Concurrency, cfg.Benchmarks.Repeat, cfg.Benchmarks.Timeout, cfg.Benchmarks.MaxRetries, cfg.Providers["openai"].BaseURL, cfg.Providers["openai"].Concurrency, cfg.Benchmarks.Stream}
	want := []any{16, 3, 30 * time.Second, 7, "http://env", 4, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged settings (-want +got):\n%s", diff)
	}
}

func TestDefaultsWithoutFiles(t *testing.T) {
	t.Parallel()
	cfg, err := Load(layers(t, "", "", "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Benchmarks.Concurrency != 8 || cfg.Storage.Backend != "sqlite" || cfg.Cache.TTL != 168*time.Hour {
		t.Errorf("defaults not applied: %+v %+v", cfg.Benchmarks, cfg.Cache)
	}
	if ps := cfg.Validate(); len(ps) != 0 {
		t.Errorf("defaults do not validate: %v", ps)
	}
}

func TestErrorsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       []string
	}{
		{"syntax", "[benchmarks]\nconcurrency = = 3\n", []string{"x.toml:2:"}},
		{"unknown key with suggestion", "[benchmarks]\nconcurency = 3\n", []string{"benchmarks.concurency", `did you mean "benchmarks.concurrency"`}},
		{"unknown section", "[benchmark]\nconcurrency = 3\n", []string{"benchmark: unknown key", `"benchmarks"`}},
		{"unknown provider key", "[providers.openai]\nbase_ulr = \"x\"\n", []string{"providers.openai.base_ulr", "base_url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(layers(t, "", "", tc.body, nil, nil))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := Load(LoadOptions{File: filepath.Join(t.TempDir(), "missing.toml"), Environ: []string{}}); err == nil {
		t.Error("a missing --config file was accepted")
	}
}

func TestFreeFormKeysAreAccepted(t *testing.T) {
	t.Parallel()
	body := "[providers.local]\ntype = \"openai\"\n[providers.local.options]\nanything = 1\n[providers.local.headers]\nX-Custom = \"v\"\n[integrations.wandb]\nproject = \"p\"\n[security]\ndefault_role = \"admin\"\n[[security.roles]]\nname = \"admin\"\npermissions = [\"*\"]\n"
	cfg, err := Load(layers(t, "", "", body, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Provider("local").Type != "openai" || cfg.Security.Roles[0].Name != "admin" || cfg.Provider("local").Headers["x-custom"] == "" && cfg.Provider("local").Headers["X-Custom"] == "" {
		t.Errorf("free-form settings lost: %+v %+v", cfg.Provider("local"), cfg.Security)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	body := "[benchmarks]\nconcurrency = 0\nrepeat = 0\n[storage]\nbackend = \"mongo\"\n[providers.openai]\nbase_url = \"ftp://x\"\nconcurrency = -1\n"
	_, err := Load(layers(t, "", "", body, nil, nil))
	probs, cfg := problemsOf(t, err)
	var keys []string
	for _, p := range probs {
		keys = append(keys, p.Key)
	}
	if diff := cmp.Diff(probs, cfg.Validate()); diff != "" {
		t.Errorf("Validate on the partial config differs from Load's problems (-load +validate):\n%s", diff)
	}
	want := []string{"benchmarks.concurrency", "benchmarks.repeat", "storage.backend", "providers.openai.base_url", "providers.openai.concurrency"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("problem keys (-want +got):\n%s", diff)
	}
}

func TestAPIKeyResolution(t *testing.T) {
	t.Parallel()
	body := "[providers.local]\ntype = \"openai\"\napi_key_env = \"LOCAL_KEY\"\n[providers.gemini]\n"
	env := []string{"OPENAI_API_KEY=sk-openai", "LOCAL_KEY=sk-local", "GOOGLE_API_KEY=g-key"}
	cfg, err := Load(layers(t, "", "", body, env, nil))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, key, source string }{
		{"openai", "sk-openai", "OPENAI_API_KEY"},
		{"local", "sk-local", "LOCAL_KEY"},
		{"gemini", "g-key", "GOOGLE_API_KEY"},
		{"anthropic", "", ""},
	}
	for _, tc := range tests {
		k, s := cfg.APIKey(tc.name)
		if k != tc.key || s != tc.source {
			t.Errorf("APIKey(%s) = %q from %q, want %q from %q", tc.name, k, s, tc.key, tc.source)
		}
	}
}

func TestShowRedactsSecrets(t *testing.T) {
	t.Parallel()
	const secret = "sk-SUPERSECRET-123456"
	body := "[providers.openai]\napi_key = \"" + secret + "\"\n[providers.openai.headers]\nAuthorization = \"Bearer " + secret + "\"\n[storage]\ndatabase_url = \"postgres://u:" + secret + "@db/x\"\n"
	cfg, err := Load(layers(t, "", "", body, []string{"JWT_SECRET=" + secret}, nil))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.ShowTOML()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), secret) || strings.Contains(string(out), "SUPERSECRET") {
		t.Errorf("secret shown:\n%s", out)
	}
	if !strings.Contains(string(out), Redacted) || !strings.Contains(string(out), "postgres://u:") {
		t.Errorf("redaction markers missing:\n%s", out)
	}
	if !cfg.ContainsSecret([]byte("x " + secret)) {
		t.Error("ContainsSecret missed the key")
	}
}

func TestInitTemplateLoadsBack(t *testing.T) {
	t.Parallel()
	cfg, err := Load(layers(t, "", string(InitTemplate()), "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if ps := cfg.Validate(); len(ps) != 0 {
		t.Errorf("template does not validate: %v", ps)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("[benchmarks]\nconcurrency = 3\n"))
	f.Add([]byte("[providers.x]\ntype = 1\n"))
	f.Add([]byte("a = [[1]]"))
	f.Add([]byte("[benchmarks]\nconcurrency = \"eight\"\ntimeout = 5\n[[security.roles]]\nname = 1\n"))
	f.Add([]byte("[monitoring]\nalert_rules = [{ name = \"x\", condition = \"p95 > 1\", severity = \"warning\" }, 3]\n"))
	f.Add([]byte("[providers.\"a.b\".headers]\n\"X-Token\" = \"s3cr3t-value\"\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.toml")
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(LoadOptions{File: p, WorkDir: dir, HomeConfigDir: dir, Environ: []string{}})
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("not a LoadError: %v", err)
			}
			for _, pr := range le.Problems {
				if pr.Source != "" && !strings.Contains(pr.Source, "f.toml") {
					t.Errorf("problem from an unexpected source: %v", pr)
				}
			}
			cfg = le.Config
		}
		cfg.Validate()
		cfg.ReservedSet()
		out, err := cfg.ShowTOML()
		if err != nil {
			t.Fatalf("show: %v", err)
		}
		if cfg.ContainsSecret(out) {
			t.Errorf("show leaks a secret:\n%s", out)
		}
	})
}
