-- The plugins table of 00001 brought to what store.PluginStore keeps; it
-- held no data in any release. (PostgreSQL numbers the same change 00011.)
--
-- id is the plugin's name. New columns: the manifest's description, the
-- hex SHA-256 of the module, the plugin.toml as installed, and when this
-- version was installed (created_at stays the first install of the name).
-- capabilities holds a JSON array of the host services the manifest asks
-- for.

-- +goose Up
ALTER TABLE plugins ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE plugins ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE plugins ADD COLUMN manifest TEXT NOT NULL DEFAULT '';
ALTER TABLE plugins ADD COLUMN installed_at TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE plugins DROP COLUMN installed_at;
ALTER TABLE plugins DROP COLUMN manifest;
ALTER TABLE plugins DROP COLUMN content_hash;
ALTER TABLE plugins DROP COLUMN description;
