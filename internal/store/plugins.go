package store

import (
	"context"
	"time"
)

// PluginStore records the plugins installed in plugin_directory through
// `plugin install` and the API: what was installed, when, and the module's
// content hash. The directory stays what runs load; the record says what
// was put there and by which version, and is removed with the plugin.
type PluginStore interface {
	// PutPlugin records an install of p.Name: a new record, or the
	// replacement of the previous version's (whose CreatedAt it keeps;
	// p.CreatedAt is set to it). A zero InstalledAt is stamped with Now().
	PutPlugin(ctx context.Context, p *PluginRecord) error
	// GetPlugin returns the record of a plugin; ErrNotFound when none.
	GetPlugin(ctx context.Context, name string) (*PluginRecord, error)
	// ListPlugins returns every record, by name.
	ListPlugins(ctx context.Context) ([]PluginRecord, error)
	// DeletePlugin removes a plugin's record; ErrNotFound when none.
	DeletePlugin(ctx context.Context, name string) error
}

// PluginRecord is one installed plugin.
type PluginRecord struct {
	// Name is the manifest's package name, unique.
	Name        string `json:"name"`
	Version     string `json:"version"`
	Type        string `json:"type"`
	Author      string `json:"author"`
	Description string `json:"description"`
	// Hash is the hex SHA-256 of the WebAssembly module.
	Hash string `json:"sha256"`
	// Manifest is the plugin.toml as installed.
	Manifest string `json:"manifest"`
	// Capabilities are the host services the manifest asks for (each
	// granted by the operator, or the install would have failed); an
	// empty slice, never nil, when read back.
	Capabilities []string `json:"capabilities"`
	// Path is the directory the plugin was installed in.
	Path    string `json:"path"`
	Enabled bool   `json:"enabled"`
	// CreatedAt is the first install of this name, InstalledAt this version's.
	CreatedAt   time.Time `json:"created_at"`
	InstalledAt time.Time `json:"installed_at"`
}
