package provider

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config configures one provider instance. APIKey is resolved by the caller
// (from api_key_env or the vendor's usual variable) and must never be logged.
type Config struct {
	// ID is the full id, "vendor:model".
	ID      string
	Vendor  string
	Model   string
	BaseURL string
	APIKey  string
	Headers map[string]string
	Timeout time.Duration
	// HTTPClient, when set, is used for all calls (tests, shared transports).
	HTTPClient *http.Client
	// Options holds vendor-specific settings from the config file.
	Options map[string]any
}

// Factory builds a provider from its configuration.
type Factory func(cfg Config) (Provider, error)

// Vendor describes a registered vendor.
type Vendor struct {
	Name string
	// KeyEnv is the vendor's usual API key variable, "" when none is needed.
	KeyEnv string
	// DefaultBaseURL is used when the config names none.
	DefaultBaseURL string
	New            Factory
}

var (
	mu      sync.RWMutex
	vendors = map[string]Vendor{}
)

// Register adds a vendor; it panics on a duplicate name, as a programming error.
func Register(v Vendor) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := vendors[v.Name]; dup {
		panic("provider: vendor registered twice: " + v.Name)
	}
	vendors[v.Name] = v
}

// Lookup returns the vendor registered under name.
func Lookup(name string) (Vendor, bool) {
	mu.RLock()
	defer mu.RUnlock()
	v, ok := vendors[name]
	return v, ok
}

// Vendors lists the registered vendor names, sorted.
func Vendors() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(vendors))
	for n := range vendors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ParseID splits "vendor:model" (the model may itself contain colons, as in
// "ollama:llama3:8b"). A bare vendor name is accepted for vendors that need
// no model, such as "echo".
func ParseID(id string) (vendor, model string, err error) {
	vendor, model, _ = strings.Cut(strings.TrimSpace(id), ":")
	if vendor == "" {
		return "", "", fmt.Errorf("provider id %q: want vendor:model", id)
	}
	if _, ok := Lookup(vendor); !ok {
		return "", "", fmt.Errorf("provider id %q: unknown vendor %q (known: %s)", id, vendor, strings.Join(Vendors(), ", "))
	}
	return vendor, model, nil
}

// New builds the provider for cfg.Vendor, filling the vendor's default base URL.
func New(cfg Config) (Provider, error) {
	v, ok := Lookup(cfg.Vendor)
	if !ok {
		return nil, fmt.Errorf("unknown vendor %q (known: %s)", cfg.Vendor, strings.Join(Vendors(), ", "))
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = v.DefaultBaseURL
	}
	p, err := v.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", cfg.ID, err)
	}
	return p, nil
}
