package config

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	toml "github.com/knadh/koanf/parsers/toml/v2"
	"github.com/knadh/koanf/providers/confmap"
	"github.com/knadh/koanf/providers/structs"
	"github.com/knadh/koanf/v2"
	gotoml "github.com/pelletier/go-toml/v2"
)

// LoadOptions says where to look. Empty fields mean the real places.
type LoadOptions struct {
	// File is --config: it must exist when named.
	File string
	// WorkDir holds ./llm-test-bench.toml; "" means the working directory.
	WorkDir string
	// HomeConfigDir holds config.toml; "" means $XDG_CONFIG_HOME/llm-test-bench or ~/.config/llm-test-bench.
	HomeConfigDir string
	// Environ is the environment as KEY=VALUE; nil means os.Environ().
	Environ []string
	// Flags are the command-line settings the user gave, keyed by config path.
	Flags map[string]any
}

// ProjectFile is the name of the per-project configuration file.
const ProjectFile = "llm-test-bench.toml"

// Load merges every layer and decodes the result.
func Load(opts LoadOptions) (*Config, error) {
	env := envMap(opts.Environ)
	k := koanf.New(".")
	if err := k.Load(structs.Provider(Default(), "koanf"), nil); err != nil {
		return nil, fmt.Errorf("load defaults: %w", err)
	}
	for _, f := range configFiles(opts, env) {
		if err := loadFile(k, f.path, f.required); err != nil {
			return nil, err
		}
	}
	if err := k.Load(confmap.Provider(envOverrides(env), "."), nil); err != nil {
		return nil, fmt.Errorf("load environment: %w", err)
	}
	if len(opts.Flags) > 0 {
		if err := k.Load(confmap.Provider(opts.Flags, "."), nil); err != nil {
			return nil, fmt.Errorf("load flags: %w", err)
		}
	}
	cfg := &Config{}
	if err := k.UnmarshalWithConf("", cfg, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("decode configuration: %w", err)
	}
	if cfg.Providers == nil {
		cfg.Providers = map[string]ProviderConfig{}
	}
	if s, ok := env["JWT_SECRET"]; ok && cfg.Security.JWTSecret == "" {
		cfg.Security.JWTSecret = s
	}
	cfg.env = env
	cfg.raw = k.Raw()
	return cfg, nil
}

type configFile struct {
	path     string
	required bool
}

func configFiles(opts LoadOptions, env map[string]string) []configFile {
	home := opts.HomeConfigDir
	if home == "" {
		if x := env["XDG_CONFIG_HOME"]; x != "" {
			home = filepath.Join(x, "llm-test-bench")
		} else if h := env["HOME"]; h != "" {
			home = filepath.Join(h, ".config", "llm-test-bench")
		}
	}
	work := opts.WorkDir
	if work == "" {
		work, _ = os.Getwd()
	}
	var files []configFile
	if home != "" {
		files = append(files, configFile{filepath.Join(home, "config.toml"), false})
	}
	if work != "" {
		files = append(files, configFile{filepath.Join(work, ProjectFile), false})
	}
	if opts.File != "" {
		files = append(files, configFile{opts.File, true})
	}
	return files
}

// loadFile merges one TOML file, checking its keys; a syntax error names the
// file, line and column.
func loadFile(k *koanf.Koanf, path string, required bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		if !required && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("read config %s: %w", path, err)
	}
	m, err := toml.Parser().Unmarshal(b)
	if err != nil {
		var de *gotoml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			return fmt.Errorf("%s:%d:%d: %s", path, row, col, de.Error())
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if probs := unknownKeys(m); len(probs) > 0 {
		msgs := make([]string, len(probs))
		for i, p := range probs {
			msgs[i] = fmt.Sprintf("%s: %s: %s", path, p.Key, p.Msg)
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	if err := k.Load(confmap.Provider(m, "."), nil); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func envMap(environ []string) map[string]string {
	if environ == nil {
		environ = os.Environ()
	}
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// EnvPrefix starts every configuration variable.
const EnvPrefix = "LTB_"

// envOverrides turns LTB_SECTION__KEY=value into {"section.key": value}.
func envOverrides(env map[string]string) map[string]any {
	out := map[string]any{}
	for k, v := range env {
		rest, ok := strings.CutPrefix(k, EnvPrefix)
		if !ok || rest == "" {
			continue
		}
		out[strings.ReplaceAll(strings.ToLower(rest), "__", ".")] = v
	}
	return out
}

// Env returns a captured environment variable.
func (c *Config) Env(name string) (string, bool) {
	v, ok := c.env[name]
	return v, ok
}

// Settings returns the merged settings as nested maps, durations as strings.
func (c *Config) Settings() map[string]any {
	return plain(maps.Clone(c.raw))
}

func plain(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case map[string]any:
			out[k] = plain(t)
		case time.Duration:
			out[k] = t.String()
		default:
			out[k] = v
		}
	}
	return out
}
