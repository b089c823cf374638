package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"sort"
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

// EnvPrefix starts every configuration variable.
const EnvPrefix = "LTB_"

// envSeparator separates the levels of a key in a variable's name
// (LTB_PROVIDERS__OPENAI__BASE_URL). Variables with the prefix but without
// it (LTB_CPUPROFILE) are switches of the program, not settings.
const envSeparator = "__"

// JWTSecretEnv is the variable the server's signing secret is usually kept in.
const JWTSecretEnv = "JWT_SECRET"

// flagSource names the command line as the source of a setting.
const flagSource = "command-line flag"

var configType = reflect.TypeFor[Config]()

// Load merges every layer, decodes the result and validates it. When there
// are problems it returns a *LoadError listing all of them (syntax errors,
// unknown keys and values of the wrong type in every file, variable and
// flag, then the validation problems of Validate), so that one run of
// `config validate` shows everything to fix.
func Load(opts LoadOptions) (*Config, error) {
	env := envMap(opts.Environ)
	l := &loader{k: koanf.New("."), set: map[string]origin{}}
	if err := l.k.Load(structs.Provider(Default(), "koanf"), nil); err != nil {
		return nil, fmt.Errorf("load defaults: %w", err)
	}
	for _, f := range configFiles(opts, env) {
		l.file(f)
	}
	l.environment(env)
	l.flags(opts.Flags)
	cfg := &Config{}
	if err := l.k.UnmarshalWithConf("", cfg, koanf.UnmarshalConf{Tag: "koanf"}); err != nil {
		return nil, fmt.Errorf("decode configuration: %w", err)
	}
	if cfg.Providers == nil {
		cfg.Providers = map[string]ProviderConfig{}
	}
	cfg.env, cfg.raw, cfg.set = env, l.k.Raw(), l.set
	cfg.resolve()
	l.probs = append(l.probs, cfg.Validate()...)
	if len(l.probs) > 0 {
		return nil, &LoadError{Problems: l.probs, Config: cfg}
	}
	return cfg, nil
}

// loader merges the layers one by one, keeping every problem.
type loader struct {
	k     *koanf.Koanf
	set   map[string]origin
	probs Problems
}

// merge checks one layer's settings and merges those that pass.
func (l *loader) merge(m map[string]any, from origin, lines map[string]int) {
	var probs Problems
	c := &checker{from: from, probs: &probs, set: l.set, text: from.rank >= rankEnv, lines: lines}
	kept := c.table(m, configType, "")
	l.probs = append(l.probs, probs.sorted()...)
	// The kept map is nested and already typed: no delimiter, so that keys
	// holding a dot (a model name under pricing) stay whole.
	if err := l.k.Load(confmap.Provider(kept, ""), nil); err != nil {
		l.probs = append(l.probs, Problem{Source: from.source, Msg: "merge: " + err.Error()})
	}
}

type configFile struct {
	path     string
	required bool
	rank     int
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
		files = append(files, configFile{filepath.Join(home, "config.toml"), false, rankUserFile})
	}
	if work != "" {
		files = append(files, configFile{filepath.Join(work, ProjectFile), false, rankProjectFile})
	}
	if opts.File != "" {
		files = append(files, configFile{opts.File, true, rankExplicitFile})
	}
	return files
}

// file merges one TOML file; a syntax error names the file, line and column.
func (l *loader) file(f configFile) {
	b, err := os.ReadFile(f.path)
	if err != nil {
		if !f.required && errors.Is(err, fs.ErrNotExist) {
			return
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		l.probs = append(l.probs, Problem{Source: f.path, Msg: "cannot read the configuration file: " + err.Error()})
		return
	}
	m, err := toml.Parser().Unmarshal(b)
	if err != nil {
		p := Problem{Source: f.path, Msg: err.Error()}
		var de *gotoml.DecodeError
		if errors.As(err, &de) {
			row, col := de.Position()
			p.Source = fmt.Sprintf("%s:%d:%d", f.path, row, col)
		}
		l.probs = append(l.probs, p)
		return
	}
	l.merge(m, origin{source: f.path, rank: f.rank}, keyLines(b))
}

// environment merges JWT_SECRET and then every LTB_SECTION__KEY variable,
// one at a time so that each problem names its variable.
func (l *loader) environment(env map[string]string) {
	if s, ok := env[JWTSecretEnv]; ok && s != "" {
		l.merge(map[string]any{"security": map[string]any{"jwt_secret": s}}, origin{source: JWTSecretEnv, rank: rankEnv}, nil)
	}
	names := make([]string, 0, len(env))
	for name := range env {
		rest, ok := strings.CutPrefix(name, EnvPrefix)
		if ok && strings.Contains(rest, envSeparator) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		path := strings.Split(strings.ToLower(strings.TrimPrefix(name, EnvPrefix)), envSeparator)
		l.merge(nest(path, env[name]), origin{source: name, rank: rankEnv}, nil)
	}
}

// flags merges the command-line settings, keyed by dotted config path.
func (l *loader) flags(flags map[string]any) {
	for _, k := range sortedNames(flags) {
		l.merge(nest(strings.Split(k, "."), flags[k]), origin{source: flagSource, rank: rankFlag}, nil)
	}
}

// nest turns a path and a value into nested tables: [a b] v -> {a: {b: v}}.
func nest(path []string, v any) map[string]any {
	m := map[string]any{path[len(path)-1]: v}
	for i := len(path) - 2; i >= 0; i-- {
		m = map[string]any{path[i]: m}
	}
	return m
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

// resolve settles the settings that depend on each other: the seed's
// shorthand server.rate_limit_requests_per_minute, and the store backend
// when a database URL comes from a layer above the one that chose the
// backend (`--db sqlite:x.db` over a file's backend = "postgresql").
func (c *Config) resolve() {
	short, full := "server.rate_limit_requests_per_minute", "server.rate_limit.requests_per_minute"
	switch {
	case !c.isSet(short):
		// Not shown either: its zero would read as "no limit" next to the real one.
		if server, ok := c.raw["server"].(map[string]any); ok {
			delete(server, "rate_limit_requests_per_minute")
		}
	case !c.isSet(full) && c.Server.RateLimitRequestsPerMinute >= 0:
		c.Server.RateLimit.RequestsPerMinute = c.Server.RateLimitRequestsPerMinute
		c.setRaw(full, c.Server.RateLimit.RequestsPerMinute)
	}
	if c.Storage.DatabaseURL != "" && c.set["storage.database_url"].rank > c.set["storage.backend"].rank {
		if kind := storeKind(c.Storage.DatabaseURL); kind != "" && kind != backendKind(c.Storage.Backend) {
			c.Storage.Backend = kind
			c.setRaw("storage.backend", kind)
		}
	}
}

// setRaw keeps the shown settings in step with a value resolve changed.
func (c *Config) setRaw(path string, v any) {
	m := c.raw
	segs := strings.Split(path, ".")
	for _, s := range segs[:len(segs)-1] {
		sub, ok := m[s].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[s] = sub
		}
		m = sub
	}
	m[segs[len(segs)-1]] = v
}

// isSet reports whether a file, a variable or a flag set key.
func (c *Config) isSet(key string) bool {
	_, ok := c.set[key]
	return ok
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
		case []any:
			list := make([]any, len(t))
			for i, item := range t {
				if sub, ok := item.(map[string]any); ok {
					list[i] = plain(sub)
				} else {
					list[i] = item
				}
			}
			out[k] = list
		case time.Duration:
			out[k] = t.String()
		default:
			out[k] = v
		}
	}
	return out
}
