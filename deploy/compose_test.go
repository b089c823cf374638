package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	_ "github.com/llm-test-bench/llm-test-bench/eval/all"
	"github.com/llm-test-bench/llm-test-bench/internal/cli"
	_ "github.com/llm-test-bench/llm-test-bench/provider/all"
)

// composeFile is what the tests read of compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Build *struct {
			Context    string `yaml:"context"`
			Dockerfile string `yaml:"dockerfile"`
		} `yaml:"build"`
		Image       string            `yaml:"image"`
		Entrypoint  []string          `yaml:"entrypoint"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

// The Compose file parses (anchors and merge keys included), publishes
// nothing beyond loopback, requires its secrets, mounts files that exist,
// builds from the Dockerfile here, and runs llm-test-bench command lines
// that parse.
func TestCompose(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	for _, want := range []string{"nats", "postgres", "redis", "server", "worker", "bench"} {
		if _, ok := c.Services[want]; !ok {
			t.Errorf("no service %s", want)
		}
	}
	env := []string{"JWT_SECRET=" + strings.Repeat("s", 48), "SIM_API_KEY=x"}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %q beyond loopback", name, p)
			}
		}
		for k, v := range s.Environment {
			if strings.Contains(k, "PASSWORD") || strings.Contains(k, "SECRET") {
				if !strings.HasPrefix(v, "${") || !strings.Contains(v, ":?") {
					t.Errorf("%s: %s=%q has a default; it must be required from the environment", name, k, v)
				}
			}
		}
		for _, v := range s.Volumes {
			if src, _, _ := strings.Cut(v, ":"); strings.HasPrefix(src, "./") {
				if _, err := os.Stat(src); err != nil {
					t.Errorf("%s mounts %s: %v", name, src, err)
				}
			}
		}
		if s.Build != nil {
			if _, err := os.Stat(filepath.Join(s.Build.Context, s.Build.Dockerfile)); err != nil {
				t.Errorf("%s builds from %s: %v", name, s.Build.Dockerfile, err)
			}
		}
		if s.Image != "llm-test-bench:local" {
			continue
		}
		args := s.Command
		if len(s.Entrypoint) > 1 {
			args = append(slices.Clone(s.Entrypoint[1:]), args...)
		}
		// The config path is the container's; the file is mounted from here.
		for i, a := range args {
			if a == "/etc/llm-test-bench/llm-test-bench.toml" {
				args[i] = "llm-test-bench.toml"
			}
		}
		checkCommand(t, name, args, env)
	}
	if pw := c.Services["postgres"].Environment["POSTGRES_PASSWORD"]; !strings.HasPrefix(pw, "${POSTGRES_PASSWORD:?") {
		t.Errorf("PostgreSQL's password %q is not required from the environment", pw)
	}
	validateConfig(t, "llm-test-bench.toml", append(env, "LTB_STORAGE__BACKEND=postgres", "LTB_STORAGE__DATABASE_URL=postgres://u:p@db/ltb"))
}

// The image is static and runs as a user without privileges.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	d := string(b)
	for _, want := range []string{"CGO_ENABLED=0", "USER nonroot", "./cmd/llm-test-bench"} {
		if !strings.Contains(d, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// checkCommand asks the CLI itself whether a command line parses: with
// --help appended it prints the command's help and exits 0 when the
// command and every flag exist, and fails on an unknown one.
func checkCommand(t *testing.T, where string, args, env []string) {
	t.Helper()
	var out, errb bytes.Buffer
	io := cli.IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Environ: env, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir()}
	if code := cli.Run(t.Context(), append(slices.Clone(args), "--help"), io); code != 0 || !strings.Contains(out.String(), "Usage:") {
		t.Errorf("%s: llm-test-bench %s does not parse: exit %d\n%s", where, strings.Join(args, " "), code, errb.String())
	}
}

// validateConfig runs `config validate` on a configuration file.
func validateConfig(t *testing.T, path string, env []string) {
	t.Helper()
	var out, errb bytes.Buffer
	io := cli.IO{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Environ: env, WorkDir: t.TempDir(), HomeConfigDir: t.TempDir()}
	if code := cli.Run(t.Context(), []string{"--config", path, "config", "validate"}, io); code != 0 {
		t.Errorf("config validate %s: exit %d\n%s%s", path, code, out.String(), errb.String())
	}
}
