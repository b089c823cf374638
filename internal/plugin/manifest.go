package plugin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ManifestFile is the name of a plugin's manifest inside its directory.
const ManifestFile = "plugin.toml"

// maxManifestBytes bounds the manifest read from a plugin directory.
const maxManifestBytes = 256 << 10

// Plugin types a manifest may declare (the seed's five).
const (
	TypeEvaluator   = "evaluator"
	TypeTransformer = "transformer"
	TypeExporter    = "exporter"
	TypeProvider    = "provider"
	TypeNotifier    = "notifier"
)

var knownTypes = []string{TypeEvaluator, TypeTransformer, TypeExporter, TypeProvider, TypeNotifier}

// namePattern is what a plugin name may be: it becomes part of an
// assertion type (plugin:NAME) and of paths, so it is kept plain.
var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// Manifest is a plugin.toml: what the plugin is, which file holds its
// code, what it may ask of the host, and the schema of its config.
type Manifest struct {
	Package      Package      `toml:"package"`
	Plugin       Spec         `toml:"plugin"`
	Capabilities Capabilities `toml:"capabilities"`
	ConfigSchema ConfigSchema `toml:"config_schema"`

	// schema is ConfigSchema compiled; nil when the plugin takes no config schema.
	schema *jsonschema.Schema
}

// Package describes the plugin.
type Package struct {
	Name        string   `toml:"name"`
	Version     string   `toml:"version"`
	Description string   `toml:"description"`
	Author      string   `toml:"author"`
	Authors     []string `toml:"authors"`
}

// Spec is the [plugin] table: the plugin's type and its WebAssembly file.
type Spec struct {
	Type       string `toml:"type"`
	EntryPoint string `toml:"entry_point"`
}

// Capabilities is what the plugin asks of the host. Nothing here grants
// a filesystem, the environment or a clock: this version offers none of
// them to any plugin. The network is reached only through http.request,
// to AllowedHosts, when the operator allows it.
type Capabilities struct {
	// RequiresLLM lets the plugin call the host service llm.complete.
	RequiresLLM bool `toml:"requires_llm"`
	// SupportsBatch lets the host send an evaluator's assertions on one
	// answer in one evaluate_batch call, of at most MaxBatchSize items (0:
	// no limit but the input cap).
	SupportsBatch bool `toml:"supports_batch"`
	MaxBatchSize  int  `toml:"max_batch_size"`
	// AllowedHosts are the hosts the plugin may reach through the host
	// service http.request, once the operator grants it the network
	// ([plugins.grants.NAME] allow = ["http.request"]). Empty: no network.
	AllowedHosts []string `toml:"allowed_hosts"`
}

// ConfigSchema holds the JSON Schema that an assertion's config must meet.
type ConfigSchema struct {
	Schema string `toml:"schema"`
}

// ParseManifest decodes and checks a manifest. Unknown keys are errors,
// so a plugin cannot ask for a capability this version does not know.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	dec := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		var strict *toml.StrictMissingError
		if errors.As(err, &strict) {
			return nil, fmt.Errorf("unknown keys (this version grants no filesystem, environment or clock access, and the network only through allowed_hosts): %s", strings.TrimSpace(strict.String()))
		}
		return nil, fmt.Errorf("not valid TOML: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// ReadManifest reads dir/plugin.toml.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, maxManifestBytes+1)); err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", path, err)
	}
	if buf.Len() > maxManifestBytes {
		return nil, fmt.Errorf("manifest %s: larger than %d bytes", path, maxManifestBytes)
	}
	m, err := ParseManifest(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return m, nil
}

// check validates the fields and compiles the config schema.
func (m *Manifest) check() error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if !namePattern.MatchString(m.Package.Name) {
		add("package.name %q: want 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit", m.Package.Name)
	}
	if strings.TrimSpace(m.Package.Version) == "" {
		add("package.version is required")
	}
	if !slices.Contains(knownTypes, m.Plugin.Type) {
		add("plugin.type %q: want one of %s", m.Plugin.Type, strings.Join(knownTypes, ", "))
	}
	if err := checkEntryPoint(m.Plugin.EntryPoint); err != nil {
		add("plugin.entry_point: %v", err)
	}
	if m.Capabilities.MaxBatchSize < 0 || (!m.Capabilities.SupportsBatch && m.Capabilities.MaxBatchSize > 0) {
		add("capabilities.max_batch_size must be positive and only set with supports_batch")
	}
	if err := checkAllowedHosts(m.Capabilities.AllowedHosts); err != nil {
		add("capabilities.allowed_hosts: %v", err)
	}
	if strings.TrimSpace(m.ConfigSchema.Schema) != "" {
		s, err := compileSchema(m.ConfigSchema.Schema)
		if err != nil {
			add("config_schema.schema: %v", err)
		}
		m.schema = s
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// checkEntryPoint accepts a plain .wasm file name inside the plugin's
// directory: no separators, no "..", nothing absolute.
func checkEntryPoint(p string) error {
	switch {
	case p == "":
		return errors.New("required (the .wasm file in the plugin's directory)")
	case filepath.Base(p) != p || strings.ContainsAny(p, `/\`) || p == "." || p == "..":
		return fmt.Errorf("%q must be a file name in the plugin's directory", p)
	case !strings.HasSuffix(p, ".wasm"):
		return fmt.Errorf("%q must be a .wasm file", p)
	}
	return nil
}

// schemaURL is the made-up location the config schema is compiled under.
const schemaURL = "ltb-plugin:///config.json"

// compileSchema compiles a JSON Schema with a compiler that loads nothing
// from outside.
func compileSchema(src string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("invalid schema: %w", err)
	}
	return s, nil
}

// ValidateConfig checks a config against the manifest's schema; without
// a schema the config must be absent or an object.
func (m *Manifest) ValidateConfig(cfg map[string]any) error {
	if m.schema == nil {
		return nil
	}
	// Round-trip through JSON so numbers and nested values have the
	// types the validator expects, whatever decoder produced cfg.
	raw, err := json.Marshal(orEmpty(cfg))
	if err != nil {
		return fmt.Errorf("config is not expressible as JSON: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := m.schema.Validate(doc); err != nil {
		// The first line names the made-up schema URL; the rest says what is wrong where.
		lines := strings.Split(err.Error(), "\n")
		if len(lines) > 1 {
			lines = lines[1:]
		}
		return fmt.Errorf("config does not match the plugin's config_schema: %s", strings.Join(lines, "; "))
	}
	return nil
}

// orEmpty makes a nil config the empty object.
func orEmpty(cfg map[string]any) map[string]any {
	if cfg == nil {
		return map[string]any{}
	}
	return cfg
}
