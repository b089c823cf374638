package config

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTypeErrorsNameSourceKeyAndValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		project string
		env     []string
		flags   map[string]any
		want    string
	}{
		{
			name: "file int", project: "[benchmarks]\nconcurrency = \"eight\"\n",
			want: ProjectFile + `:2: benchmarks.concurrency = "eight": want a whole number`,
		},
		{
			name: "environment int", env: []string{"LTB_BENCHMARKS__CONCURRENCY=eight"},
			want: `LTB_BENCHMARKS__CONCURRENCY: benchmarks.concurrency = "eight": want a whole number`,
		},
		{
			name: "flag duration", flags: map[string]any{"benchmarks.timeout": "soon"},
			want: `command-line flag: benchmarks.timeout = "soon": want a duration`,
		},
		{
			name: "duration without unit", project: "[benchmarks]\ntimeout = 60\n",
			want: ProjectFile + `:2: benchmarks.timeout = 60: want a duration in quotes, such as "90s"`,
		},
		{
			name: "fractional int", project: "[benchmarks]\nrepeat = 2.5\n",
			want: ProjectFile + `:2: benchmarks.repeat = 2.5: want a whole number`,
		},
		{
			name: "bool", project: "[benchmarks]\nstream = \"often\"\n",
			want: ProjectFile + `:2: benchmarks.stream = "often": want true or false`,
		},
		{
			name: "environment bool", env: []string{"LTB_PLUGINS__AUTO_RELOAD=perhaps"},
			want: `LTB_PLUGINS__AUTO_RELOAD: plugins.auto_reload = "perhaps": want true or false`,
		},
		{
			name: "float", env: []string{"LTB_EVALUATION__DEFAULT_THRESHOLD=high"},
			want: `LTB_EVALUATION__DEFAULT_THRESHOLD: evaluation.default_threshold = "high": want a number`,
		},
		{
			name: "string", project: "[providers.openai]\ndefault_model = 4\n",
			want: ProjectFile + `:2: providers.openai.default_model = 4: want a string`,
		},
		{
			name: "secret value is not echoed", project: "[providers.openai]\napi_key = 123456789\n",
			want: ProjectFile + `:2: providers.openai.api_key = [REDACTED]: want a string`,
		},
		{
			name: "section is a table", project: "benchmarks = 3\n",
			want: ProjectFile + `:1: benchmarks = 3: want a table of settings`,
		},
		{
			name: "list of strings", project: "[multimodal]\nsupported_image_formats = [\"png\", 3]\n",
			want: ProjectFile + `:2: multimodal.supported_image_formats = [png 3]: want a list of strings`,
		},
		{
			name: "list of tables from the environment", env: []string{"LTB_MONITORING__ALERT_RULES=x"},
			want: `LTB_MONITORING__ALERT_RULES: monitoring.alert_rules = "x": a list of tables cannot be given as text`,
		},
		{
			name: "item of a list of tables", project: "[[security.roles]]\nname = \"admin\"\npermissions = \"*\"\n",
			want: ProjectFile + `:3: security.roles[0].permissions = "*": want a list of strings`,
		},
		{
			name: "unknown key from the environment", env: []string{"LTB_BENCHMARKS__CONCURENCY=3"},
			want: `LTB_BENCHMARKS__CONCURENCY: benchmarks.concurency: unknown key (did you mean "benchmarks.concurrency"?)`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(layers(t, "", tc.project, "", tc.env, tc.flags))
			probs, _ := problemsOf(t, err)
			if !strings.Contains(probs.Error(), tc.want) {
				t.Errorf("problems\n%s\ndo not contain\n%s", probs, tc.want)
			}
		})
	}
}

func TestTextValuesAreParsed(t *testing.T) {
	t.Parallel()
	env := []string{
		"LTB_BENCHMARKS__CONCURRENCY=12", "LTB_BENCHMARKS__STREAM=false", "LTB_BENCHMARKS__TIMEOUT=90s",
		"LTB_EVALUATION__DEFAULT_THRESHOLD=0.25",
		"LTB_SERVER__CORS_ALLOWED_ORIGINS=https://a.example, https://b.example",
		"LTB_PROVIDERS__LOCAL__TYPE=openai", "LTB_PROVIDERS__LOCAL__MAX_RETRIES=2",
	}
	cfg, err := Load(layers(t, "", "", "", env, map[string]any{"benchmarks.repeat": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.Benchmarks.Concurrency, cfg.Benchmarks.Stream, cfg.Benchmarks.Timeout, cfg.Benchmarks.Repeat,
		cfg.Evaluation.DefaultThreshold, cfg.Server.CORSAllowedOrigins, cfg.Provider("local").Type, *cfg.Provider("local").MaxRetries}
	want := []any{12, false, 90 * time.Second, 3, 0.25, []string{"https://a.example", "https://b.example"}, "openai", 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed settings (-want +got):\n%s", diff)
	}
	if got, want := cfg.SourceOf("benchmarks.concurrency"), "LTB_BENCHMARKS__CONCURRENCY"; got != want {
		t.Errorf("SourceOf = %q, want %q", got, want)
	}
	if got := cfg.SourceOf("benchmarks.max_retries"); got != "" {
		t.Errorf("a default has source %q", got)
	}
}

// A config validate run must show every problem: type errors of several
// layers and the validation problems of what still loaded.
func TestEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	project := "[benchmarks]\nconcurrency = \"eight\"\nrepeat = 0\nconcurency = 2\n[storage]\nbackend = \"postgresql\"\n"
	env := []string{"LTB_BENCHMARKS__TIMEOUT=later", "LTB_CACHE__TTL=-1h"}
	_, err := Load(layers(t, "", project, "", env, nil))
	probs, cfg := problemsOf(t, err)
	var keys []string
	for _, p := range probs {
		keys = append(keys, p.Key)
	}
	want := []string{
		"benchmarks.concurency", "benchmarks.concurrency", // the project file, sorted
		"benchmarks.timeout",                                // the environment
		"benchmarks.repeat", "storage.backend", "cache.ttl", // validation
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("problem keys (-want +got):\n%s\n%s", diff, probs)
	}
	if cfg.Benchmarks.Concurrency != 8 || cfg.Benchmarks.Timeout != 60*time.Second {
		t.Errorf("refused values did not fall back to their defaults: %+v", cfg.Benchmarks)
	}
	if !strings.Contains(probs.Error(), "storage.database_url") {
		t.Errorf("the backend problem does not name the missing key:\n%s", probs)
	}
}

func TestStorageBackendAndURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, project string
		env           []string
		flags         map[string]any
		wantKey       string // "" for no problem
		wantBackend   string
	}{
		{name: "default", wantBackend: "sqlite"},
		{name: "postgresql without URL", project: "[storage]\nbackend = \"postgresql\"\n", wantKey: "storage.backend"},
		{name: "postgres without URL", project: "[storage]\nbackend = \"postgres\"\n", wantKey: "storage.backend"},
		{name: "postgresql with URL", project: "[storage]\nbackend = \"postgresql\"\ndatabase_url = \"postgresql://localhost/ltb\"\n", wantBackend: "postgresql"},
		{name: "sqlite backend, postgres URL in one file", project: "[storage]\nbackend = \"sqlite\"\ndatabase_url = \"postgres://h/db\"\n", wantKey: "storage.database_url"},
		{name: "postgres backend, sqlite URL in one file", project: "[storage]\nbackend = \"postgresql\"\ndatabase_url = \"sqlite:x.db\"\n", wantKey: "storage.database_url"},
		{name: "URL alone chooses the backend", project: "[storage]\ndatabase_url = \"postgres://h/db\"\n", wantBackend: "postgresql"},
		{name: "--db over the file's backend", project: "[storage]\nbackend = \"postgresql\"\n", flags: map[string]any{"storage.database_url": "sqlite:/tmp/x.db"}, wantBackend: "sqlite"},
		{name: "environment URL over the file's backend", project: "[storage]\nbackend = \"sqlite\"\n", env: []string{"LTB_STORAGE__DATABASE_URL=postgresql://h/db"}, wantBackend: "postgresql"},
		{name: "bare sqlite path", project: "[storage]\ndatabase_url = \"results.sqlite3\"\n", wantBackend: "sqlite"},
		{name: "unknown scheme", project: "[storage]\ndatabase_url = \"mysql://h/db\"\n", wantKey: "storage.database_url"},
		{name: "unknown backend", project: "[storage]\nbackend = \"mongo\"\n", wantKey: "storage.backend"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(layers(t, "", tc.project, "", tc.env, tc.flags))
			if tc.wantKey == "" {
				if err != nil {
					t.Fatal(err)
				}
				if backendKind(cfg.Storage.Backend) != tc.wantBackend {
					t.Errorf("backend %q, want %q", cfg.Storage.Backend, tc.wantBackend)
				}
				if shown := cfg.Settings()["storage"].(map[string]any)["backend"]; shown != cfg.Storage.Backend {
					t.Errorf("config show would say backend %v, the config holds %q", shown, cfg.Storage.Backend)
				}
				return
			}
			probs, _ := problemsOf(t, err)
			if len(probs) != 1 || probs[0].Key != tc.wantKey {
				t.Errorf("want one problem on %s, got:\n%s", tc.wantKey, probs)
			}
		})
	}
}

func TestJWTSecretFromTheEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		project    string
		env        []string
		want, from string
	}{
		{"JWT_SECRET", "", []string{"JWT_SECRET=from-jwt-env-0001"}, "from-jwt-env-0001", "JWT_SECRET"},
		{"over the file", "[security]\njwt_secret = \"from-file-0002-padded-to-32-bytes!\"\n", []string{"JWT_SECRET=from-jwt-env-0001"}, "from-jwt-env-0001", "JWT_SECRET"},
		{"LTB variable wins", "", []string{"JWT_SECRET=from-jwt-env-0001", "LTB_SECURITY__JWT_SECRET=from-ltb-0003-padded-to-32-bytes!!"}, "from-ltb-0003-padded-to-32-bytes!!", "LTB_SECURITY__JWT_SECRET"},
		{"file alone", "[security]\njwt_secret = \"from-file-0002-padded-to-32-bytes!\"\n", nil, "from-file-0002-padded-to-32-bytes!", ProjectFile + ":2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Load(layers(t, "", tc.project, "", tc.env, nil))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Security.JWTSecret != tc.want || !strings.HasSuffix(cfg.SourceOf("security.jwt_secret"), tc.from) {
				t.Errorf("jwt_secret %q from %q, want %q from %q", cfg.Security.JWTSecret, cfg.SourceOf("security.jwt_secret"), tc.want, tc.from)
			}
			out, err := cfg.ShowTOML()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), tc.want) || !strings.Contains(string(out), "jwt_secret = '"+Redacted+"'") {
				t.Errorf("show does not list jwt_secret redacted:\n%s", out)
			}
		})
	}
}

func TestProgramSwitchesAreNotSettings(t *testing.T) {
	t.Parallel()
	env := []string{"LTB_CPUPROFILE=/tmp/cpu.out", "LTB_TEST_MAIN=1", "LTB_=x"}
	cfg, err := Load(layers(t, "", "", "", env, nil))
	if err != nil {
		t.Fatalf("a program switch was taken for a setting: %v", err)
	}
	if _, ok := cfg.Settings()["cpuprofile"]; ok {
		t.Error("LTB_CPUPROFILE shows up among the settings")
	}
}

func TestUnreadableFilesAreProblems(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "missing.toml")
	_, err := Load(LoadOptions{File: missing, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir(), Environ: []string{"LTB_BENCHMARKS__REPEAT=0"}})
	probs, _ := problemsOf(t, err)
	if len(probs) != 2 || probs[0].Source != missing || !strings.Contains(probs[0].Msg, "no such file") || probs[1].Key != "benchmarks.repeat" {
		t.Errorf("want the missing file, then the bad repeat; got:\n%s", probs)
	}
}

func TestModelNamesWithDotsStayWhole(t *testing.T) {
	t.Parallel()
	body := "[providers.openai.pricing.\"gpt-4.1\"]\ninput_per_mtok = 2\noutput_per_mtok = 8\n"
	cfg, err := Load(layers(t, "", body, "", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := cfg.Provider("openai").Pricing["gpt-4.1"]; !ok || p.OutputPerMTok != 8 {
		t.Errorf("pricing of gpt-4.1 lost: %+v", cfg.Provider("openai").Pricing)
	}
}

func TestSplitPath(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"a":                        {"a"},
		"a.b.c":                    {"a", "b", "c"},
		`providers."a.b".headers`:  {"providers", "a.b", "headers"},
		"security.roles[2].name":   {"security", "roles", "name"},
		`x."unterminated`:          {"x", `"unterminated`},
		"monitoring.alert_rules[1": {"monitoring", "alert_rules"},
	}
	for in, want := range tests {
		if got := splitPath(in); !slices.Equal(got, want) {
			t.Errorf("splitPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzEnvironment feeds arbitrary variables to Load: it must never panic,
// and every problem must name the variable.
func FuzzEnvironment(f *testing.F) {
	f.Add("LTB_BENCHMARKS__CONCURRENCY", "eight")
	f.Add("LTB_PROVIDERS__X__HEADERS__AUTHORIZATION", "Bearer abc")
	f.Add("LTB_SECURITY__ROLES", "admin")
	f.Add("LTB___", "")
	f.Add("LTB_A____B", "1")
	f.Fuzz(func(t *testing.T, name, value string) {
		if !strings.HasPrefix(name, EnvPrefix) || strings.Contains(name, "=") {
			return
		}
		dir := t.TempDir()
		cfg, err := Load(LoadOptions{WorkDir: dir, HomeConfigDir: dir, Environ: []string{name + "=" + value}})
		if err != nil {
			probs, partial := problemsOf(t, err)
			for _, p := range probs {
				if p.Source != name && p.Source != "" {
					t.Errorf("problem does not name %s: %v", name, p)
				}
			}
			cfg = partial
		}
		if _, err := cfg.ShowTOML(); err != nil {
			t.Errorf("show: %v", err)
		}
	})
}

func TestKeyLines(t *testing.T) {
	t.Parallel()
	doc := `# comment
[benchmarks]
concurrency = 3
providers.x.type = "openai"

[providers."a.b".headers]
X-Token = "t"

[[security.roles]]
name = "admin"

[[security.roles]]
name = "viewer"
permissions = ["results.read"]

[monitoring]
alert_rules = [
  { name = "x" },
]
`
	lines := keyLines([]byte(doc))
	tests := map[string]int{
		"benchmarks":                        2,
		"benchmarks.concurrency":            3,
		"benchmarks.providers.x.type":       4,
		`providers."a.b".headers.X-Token`:   7,
		"security.roles[0].name":            10,
		"security.roles[1]":                 12,
		"security.roles[1].permissions":     14,
		"security.roles":                    9,
		"monitoring.alert_rules[0].name":    17, // inside an inline table: the line of its key
		"monitoring.alert_rules[0]":         17,
		"monitoring.enable_prometheus":      16, // absent: its table's line
		"distributed.worker_count":          0,
		`providers."a.b".headers.X-Missing`: 6,
	}
	for path, want := range tests {
		if got := lineOf(lines, path); got != want {
			t.Errorf("lineOf(%s) = %d, want %d", path, got, want)
		}
	}
}

func TestValidationProblemsNameTheLine(t *testing.T) {
	t.Parallel()
	body := "[benchmarks]\nrepeat = 1\nconcurrency = 0\n\n[[security.roles]]\nname = \"r\"\npermissions = [\"all\"]\n"
	_, err := Load(layers(t, "", body, "", nil, nil))
	probs, _ := problemsOf(t, err)
	text := probs.Error()
	for _, want := range []string{
		ProjectFile + ":3: benchmarks.concurrency: must be at least 1",
		ProjectFile + ":7: security.roles[0].permissions[0]:",
		"\nsecurity.default_role:", // not set: no source
	} {
		if !strings.Contains(text, want) {
			t.Errorf("problems lack %q:\n%s", want, text)
		}
	}
}
