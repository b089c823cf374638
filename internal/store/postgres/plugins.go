package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/llm-test-bench/llm-test-bench/internal/store"
)

// The plugins concern (store.PluginStore). Schema: 00001 and 00011_plugins.sql.

var _ store.PluginStore = (*Store)(nil)

const pluginColumns = `name, version, plugin_type, author, description, content_hash, manifest, capabilities,
	file_path, is_enabled, created_at, installed_at`

// PutPlugin inserts or replaces the record of p.Name, keeping created_at.
func (s *Store) PutPlugin(ctx context.Context, p *store.PluginRecord) error {
	if p.Name == "" {
		return errors.New("postgres put plugin: empty name")
	}
	caps := p.Capabilities
	if caps == nil {
		caps = []string{}
	}
	capsJSON, err := json.Marshal(caps)
	if err != nil {
		return fmt.Errorf("postgres put plugin %s: %w", p.Name, err)
	}
	if p.InstalledAt.IsZero() {
		p.InstalledAt = store.Now()
	}
	var created time.Time
	err = s.pool.QueryRow(ctx, `INSERT INTO plugins (id, `+pluginColumns+`)
		VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
		ON CONFLICT (name) DO UPDATE SET version = excluded.version, plugin_type = excluded.plugin_type,
			author = excluded.author, description = excluded.description, content_hash = excluded.content_hash,
			manifest = excluded.manifest, capabilities = excluded.capabilities, file_path = excluded.file_path,
			is_enabled = excluded.is_enabled, installed_at = excluded.installed_at
		RETURNING created_at`,
		p.Name, p.Version, p.Type, p.Author, p.Description, p.Hash, p.Manifest, string(capsJSON),
		p.Path, p.Enabled, p.InstalledAt.UTC()).Scan(&created)
	if err != nil {
		return fmt.Errorf("postgres put plugin %s: %w", p.Name, err)
	}
	p.CreatedAt = created.UTC()
	return nil
}

// GetPlugin returns the record of name.
func (s *Store) GetPlugin(ctx context.Context, name string) (*store.PluginRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pluginColumns+` FROM plugins WHERE name = $1`, name)
	if err != nil {
		return nil, fmt.Errorf("postgres get plugin %s: %w", name, err)
	}
	p, err := pgx.CollectExactlyOneRow(rows, scanPlugin)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("postgres get plugin %s: %w", name, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres get plugin %s: %w", name, err)
	}
	return &p, nil
}

// ListPlugins returns every record, by name.
func (s *Store) ListPlugins(ctx context.Context) ([]store.PluginRecord, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pluginColumns+` FROM plugins ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("postgres list plugins: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanPlugin)
	if err != nil {
		return nil, fmt.Errorf("postgres list plugins: %w", err)
	}
	if out == nil {
		out = []store.PluginRecord{}
	}
	return out, nil
}

// DeletePlugin removes the record of name.
func (s *Store) DeletePlugin(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM plugins WHERE name = $1`, name)
	return oneRow(tag, err, "postgres delete plugin", name)
}

func scanPlugin(row pgx.CollectableRow) (store.PluginRecord, error) {
	var (
		p         store.PluginRecord
		caps      []byte
		installed *time.Time
	)
	if err := row.Scan(&p.Name, &p.Version, &p.Type, &p.Author, &p.Description, &p.Hash, &p.Manifest, &caps,
		&p.Path, &p.Enabled, &p.CreatedAt, &installed); err != nil {
		return p, err
	}
	p.Capabilities = []string{}
	if len(caps) > 0 && string(caps) != "{}" {
		if err := json.Unmarshal(caps, &p.Capabilities); err != nil {
			return p, fmt.Errorf("plugin %s: capabilities: %w", p.Name, err)
		}
		if p.Capabilities == nil {
			p.Capabilities = []string{}
		}
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.InstalledAt = p.CreatedAt
	if installed != nil {
		p.InstalledAt = installed.UTC()
	}
	return p, nil
}
