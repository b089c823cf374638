package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	"github.com/llm-test-bench/llm-test-bench/internal/config"
)

// fileLine matches a provider problem that names the file and line.
var fileLine = regexp.MustCompile(regexp.QuoteMeta(config.ProjectFile) + `:\d+: providers\.`)

// The starter file must validate as written: config init, then config
// validate, passes with nothing on stderr.
func TestConfigInitThenValidate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if code, out, stderr := e.run(context.Background(), "config", "init"); code != 0 {
		t.Fatalf("init: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr := e.run(context.Background(), "config", "validate")
	if code != 0 || !strings.Contains(out, "Configuration is valid.") || stderr != "" {
		t.Errorf("validate after init: exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}

// starter returns the config init file with replacements applied, failing
// when one does not apply (the starter changed under the test).
func starter(t *testing.T, oldNew ...string) string {
	t.Helper()
	s := string(config.InitTemplate())
	for i := 0; i < len(oldNew); i += 2 {
		if !strings.Contains(s, oldNew[i]) {
			t.Fatalf("the starter file has no %q", oldNew[i])
		}
		s = strings.Replace(s, oldNew[i], oldNew[i+1], 1)
	}
	return s
}

// config validate checks provider options the way a run does: each
// [providers.NAME] is built by its vendor (the simulator by its own option
// parser), and what a run would refuse fails validate under the provider's key.
func TestConfigValidateProviderOptions(t *testing.T) {
	t.Parallel()
	const openaiSection = "[providers.openai]\n"
	const simPolicy = `policy = "expected"`
	tests := []struct {
		name string
		file string
		want []string // nil: valid
	}{
		{name: "starter as written", file: starter(t)},
		{
			name: "unknown openai option",
			file: starter(t, openaiSection, openaiSection+"[providers.openai.options]\npolicy = \"expected\"\n"),
			want: []string{"providers.openai: option policy: unknown to the openai provider"},
		},
		{
			name: "known openai option",
			file: starter(t, openaiSection, openaiSection+"[providers.openai.options]\norganization = \"org-1\"\n"),
		},
		{
			name: "simulator policy",
			file: starter(t, simPolicy, `policy = "telepathic"`),
			want: []string{"providers.simulator:", "telepathic"},
		},
		{
			name: "simulator unknown option",
			file: starter(t, simPolicy, simPolicy+"\nspeed = 3"),
			want: []string{"providers.simulator:", `simulator option "speed" is unknown`},
		},
		{
			name: "simulator rate",
			file: starter(t, "tokens_per_sec = 400", `tokens_per_sec = "fast"`),
			want: []string{"providers.simulator:", "tokens_per_sec"},
		},
		{
			name: "simulator distribution",
			file: starter(t, `ttft = "normal:120ms,40ms"`, `ttft = "normal:soon"`),
			want: []string{"providers.simulator:", "ttft"},
		},
		{
			name: "simulator error rate",
			file: starter(t, simPolicy, simPolicy+"\nserver_error_rate = 1.5"),
			want: []string{"providers.simulator:"},
		},
		{
			name: "unknown vendor",
			file: starter(t) + "[providers.local]\ntype = \"openia\"\n",
			want: []string{"providers.local:", `type "openia" is not a vendor`},
		},
		{
			name: "section named after no vendor",
			file: starter(t) + "[providers.mine]\nbase_url = \"http://127.0.0.1:8000/v1\"\n",
			want: []string{"providers.mine:", "set type"},
		},
		{
			name: "azure needs its endpoint",
			file: starter(t) + "[providers.azure]\ndefault_model = \"gpt-4o\"\n",
			want: []string{"providers.azure:", "base_url"},
		},
		{
			name: "exec without a model is given one by the run",
			file: starter(t) + "[providers.tool]\ntype = \"exec\"\n[providers.tool.options]\ntimeout = \"5s\"\n",
		},
		{
			name: "exec option",
			file: starter(t) + "[providers.tool]\ntype = \"exec\"\n[providers.tool.options]\nshell = true\n",
			want: []string{"providers.tool:", "option shell: unknown to the exec provider"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.write(config.ProjectFile, tc.file)
			code, out, stderr := e.run(context.Background(), "config", "validate")
			if tc.want == nil {
				if code != 0 || !strings.Contains(out, "Configuration is valid.") {
					t.Errorf("exit %d, want 0\n%s%s", code, out, stderr)
				}
				return
			}
			if code != 3 {
				t.Errorf("exit %d, want 3\n%s%s", code, out, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if !fileLine.MatchString(stderr) {
				t.Errorf("the provider problem does not name the file:\n%s", stderr)
			}
		})
	}
}

// One run of config validate lists every problem: type errors from the
// file and the environment, range problems, and provider problems.
func TestConfigValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_BENCHMARKS__REPEAT=zero", "LTB_CACHE__ENABLED=maybe")
	e.write(config.ProjectFile, starter(t,
		"concurrency = 8 ", "concurrency = \"eight\" ",
		"max_retries = 3 ", "max_retries = -2 ",
		`backend = "sqlite" `, `backend = "postgresql" `,
		"[providers.openai]\n", "[providers.openai]\nbase_ulr = \"http://x\"\n[providers.openai.options]\nreasoning_effort = \"high\"\n",
	))
	// Without --db, which would choose the store over the file's backend.
	code, _, stderr := runNoDB(e, "config", "validate")
	if code != 3 {
		t.Errorf("exit %d, want 3", code)
	}
	for _, w := range []string{
		`toml:\d+: benchmarks.concurrency = "eight": want a whole number`,
		`\nLTB_BENCHMARKS__REPEAT: benchmarks.repeat = "zero": want a whole number`,
		`\nLTB_CACHE__ENABLED: cache.enabled = "maybe": want true or false`,
		`toml:\d+: providers.openai.base_ulr: unknown key \(did you mean "providers.openai.base_url"\?\)`,
		`toml:\d+: benchmarks.max_retries: must not be negative, got -2`,
		`toml:\d+: storage.backend: "postgresql" needs storage.database_url`,
		`toml:\d+: providers.openai: option reasoning_effort: unknown to the openai provider`,
		`problems: 7`,
	} {
		if !regexp.MustCompile(w).MatchString(stderr) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
}

// Every other command refuses an invalid configuration (exit 3) with the
// same messages, instead of running on a silently changed one.
func TestInvalidConfigurationStopsCommands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		env        []string
		want       string
	}{
		{"type error in the environment", "", []string{"LTB_BENCHMARKS__CONCURRENCY=eight"}, `LTB_BENCHMARKS__CONCURRENCY: benchmarks.concurrency = "eight": want a whole number`},
		{"type error in a file", "[benchmarks]\nconcurrency = \"eight\"\n", nil, config.ProjectFile + `:2: benchmarks.concurrency = "eight": want a whole number`},
		{"postgresql without a URL", "[storage]\nbackend = \"postgresql\"\n", nil, "storage.database_url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tc.env...)
			if tc.file != "" {
				e.write(config.ProjectFile, tc.file)
			}
			// Without --db, so that the configuration alone chooses the store.
			code, _, stderr := runNoDB(e, "runs", "list")
			if code != 3 || !strings.Contains(stderr, tc.want) {
				t.Errorf("runs list: exit %d, want 3 and %q\n%s", code, tc.want, stderr)
			}
		})
	}
}

// runNoDB runs the CLI like env.run but without the --db flag. Only for
// configurations that fail before a store is opened.
func runNoDB(e *env, args ...string) (int, string, string) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, cli.IO{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Environ: e.environ, WorkDir: e.dir, HomeConfigDir: filepath.Join(e.dir, "config"),
	})
	return code, out.String(), errb.String()
}

// The seed's own sample is valid; each key it sets that this version does
// not read is a warning naming the capability that will, and nothing else.
func TestConfigValidateWarnsAboutReservedKeys(t *testing.T) {
	t.Parallel()
	sample, err := os.ReadFile(filepath.Join("..", "config", "testdata", "seed-sample.toml"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.write(config.ProjectFile, string(sample))
	code, out, stderr := e.run(context.Background(), "config", "validate")
	if code != 0 || !strings.Contains(out, "Configuration is valid.") {
		t.Fatalf("seed sample: exit %d\n%s%s", code, out, stderr)
	}
	for _, w := range []string{
		"integrations.wandb.project is not used",
	} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	for _, used := range []string{"monitoring.alert_rules", "storage.", "multimodal.", "benchmarks.", "server.", "security.roles", "security.default_role", "distributed.", "plugins.enable_plugins", "plugins.plugin_directory", "plugins.auto_reload"} {
		if strings.Contains(stderr, " "+used) {
			t.Errorf("a key this version reads (%s*) is called unused:\n%s", used, stderr)
		}
	}
	for line := range strings.Lines(stderr) {
		if !strings.HasPrefix(line, "warning: ") {
			t.Errorf("stderr line is not a warning: %q", line)
		}
	}
}

// config show lists every setting, JWT_SECRET from the environment among
// them, with every secret hidden.
func TestConfigShowHidesSecrets(t *testing.T) {
	t.Parallel()
	const secret = "Zk4-not-for-eyes-991"
	e := newEnv(t, "JWT_SECRET="+secret+"-jwt", "OPENAI_API_KEY="+secret+"-openai")
	e.write(config.ProjectFile, `
[providers.openai.headers]
X-Custom-Token = "`+secret+`-custom"
Authorization = "Bearer `+secret+`-bearer"
api-key = "`+secret+`-azure"
anthropic-version = "2023-06-01"
[providers.openai.options]
organization = "org-visible"
[providers.hook]
type = "http"
base_url = "https://hook.example/v1"
[providers.hook.options]
url = "https://hook.example/v1/run?access_token=`+secret+`-query"
[providers.hook.options.headers]
X-Signature = "`+secret+`-signature"
`)
	code, out, stderr := e.run(context.Background(), "config", "show")
	if code != 0 {
		t.Fatalf("show: exit %d\n%s", code, stderr)
	}
	if strings.Contains(out+stderr, secret) {
		t.Errorf("a secret is shown:\n%s\n%s", out, stderr)
	}
	for _, w := range []string{"jwt_secret = '[REDACTED]'", "X-Custom-Token = '[REDACTED]'", "anthropic-version = '2023-06-01'", "org-visible", "access_token=[REDACTED]"} {
		if !strings.Contains(out, w) {
			t.Errorf("show lacks %q:\n%s", w, out)
		}
	}
}

// An invalid configuration is still shown, then refused.
func TestConfigShowInvalid(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "LTB_BENCHMARKS__CONCURRENCY=eight")
	code, out, stderr := e.run(context.Background(), "config", "show")
	if code != 3 || !strings.Contains(out, "concurrency = 8") || !strings.Contains(stderr, "LTB_BENCHMARKS__CONCURRENCY") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, out, stderr)
	}
}
