package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The plugins concern (store.PluginStore). Schema: 00001 and 00012_plugins.sql.

var _ store.PluginStore = (*Store)(nil)

const pluginColumns = `name, version, plugin_type, author, description, content_hash, manifest, capabilities,
	file_path, is_enabled, created_at, installed_at`

// PutPlugin inserts or replaces the record of p.Name, keeping created_at.
func (s *Store) PutPlugin(ctx context.Context, p *store.PluginRecord) error {
	if p.Name == "" {
		return errors.New("sqlite put plugin: empty name")
	}
	caps, err := encodeCapabilities(p.Capabilities)
	if err != nil {
		return fmt.Errorf("sqlite put plugin %s: %w", p.Name, err)
	}
	if p.InstalledAt.IsZero() {
		p.InstalledAt = store.Now()
	}
	var created string
	err = s.db.QueryRowContext(ctx, `INSERT INTO plugins (id, `+pluginColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version, plugin_type = excluded.plugin_type,
			author = excluded.author, description = excluded.description, content_hash = excluded.content_hash,
			manifest = excluded.manifest, capabilities = excluded.capabilities, file_path = excluded.file_path,
			is_enabled = excluded.is_enabled, installed_at = excluded.installed_at
		RETURNING created_at`,
		p.Name, p.Name, p.Version, p.Type, p.Author, p.Description, p.Hash, p.Manifest, caps,
		p.Path, p.Enabled, formatTime(p.InstalledAt), formatTime(p.InstalledAt)).Scan(&created)
	if err != nil {
		return fmt.Errorf("sqlite put plugin %s: %w", p.Name, err)
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return fmt.Errorf("sqlite put plugin %s: %w", p.Name, err)
	}
	return nil
}

// GetPlugin returns the record of name.
func (s *Store) GetPlugin(ctx context.Context, name string) (*store.PluginRecord, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE name = ?`, name)
	p, err := scanPlugin(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("sqlite get plugin %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite get plugin %s: %w", name, err)
	}
	return &p, nil
}

// ListPlugins returns every record, by name.
func (s *Store) ListPlugins(ctx context.Context) ([]store.PluginRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+pluginColumns+` FROM plugins ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite list plugins: %w", err)
	}
	defer rows.Close()
	out := []store.PluginRecord{}
	for rows.Next() {
		p, err := scanPlugin(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite list plugins: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite list plugins: %w", err)
	}
	return out, nil
}

// DeletePlugin removes the record of name.
func (s *Store) DeletePlugin(ctx context.Context, name string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM plugins WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("sqlite delete plugin %s: %w", name, err)
	}
	return oneRow(res, "sqlite delete plugin", name)
}

func scanPlugin(row interface{ Scan(...any) error }) (store.PluginRecord, error) {
	var (
		p                  store.PluginRecord
		caps               string
		created, installed string
	)
	if err := row.Scan(&p.Name, &p.Version, &p.Type, &p.Author, &p.Description, &p.Hash, &p.Manifest, &caps,
		&p.Path, &p.Enabled, &created, &installed); err != nil {
		return p, err
	}
	var err error
	if p.Capabilities, err = decodeCapabilities(caps); err != nil {
		return p, fmt.Errorf("plugin %s: %w", p.Name, err)
	}
	if p.CreatedAt, err = parseTime(created); err != nil {
		return p, err
	}
	if installed == "" {
		p.InstalledAt = p.CreatedAt
	} else if p.InstalledAt, err = parseTime(installed); err != nil {
		return p, err
	}
	return p, nil
}

// encodeCapabilities stores capabilities as a JSON array.
func encodeCapabilities(caps []string) (string, error) {
	if caps == nil {
		caps = []string{}
	}
	b, err := json.Marshal(caps)
	return string(b), err
}

// decodeCapabilities reads the JSON array back; 00001's default '{}' is none.
func decodeCapabilities(s string) ([]string, error) {
	out := []string{}
	if s == "" || s == "{}" {
		return out, nil
	}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("capabilities: %w", err)
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}
