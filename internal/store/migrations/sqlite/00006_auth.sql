-- The auth tables of 00001 brought to what the API server's authentication
-- keeps (store.AuthStore). None of them held data in any release.
--
-- users: disabled, and tokens_valid_after, which refuses every token issued
-- before it (set on a password or role change and when the user is
-- disabled; NULL until then). api_key_hash goes: a user has any number of
-- keys, in api_keys.
--
-- refresh_tokens is recreated: each token is spent once (used_at) and
-- belongs to a family, the chain of tokens descending from one login
-- (family_id, parent_id); reusing a spent token revokes its family
-- (RFC 9700 section 4.14). issued_at starts the inactivity timeout,
-- family_issued_at the family's absolute lifetime.
--
-- audit_log: the request id that ties an event to the request's log lines,
-- and an index for listing one action's events newest first.
--
-- Timestamps are the fixed-width UTC text of 00001.

-- +goose Up
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN tokens_valid_after TEXT;
ALTER TABLE users DROP COLUMN api_key_hash;

DROP TABLE refresh_tokens;
CREATE TABLE refresh_tokens (
    id               TEXT PRIMARY KEY,
    family_id        TEXT NOT NULL,
    parent_id        TEXT,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash       TEXT NOT NULL UNIQUE,
    issued_at        TEXT NOT NULL,
    family_issued_at TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    used_at          TEXT,
    revoked_at       TEXT
);
CREATE INDEX idx_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);

ALTER TABLE audit_log ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_audit_log_action ON audit_log (action, created_at);

-- +goose Down
DROP INDEX idx_audit_log_action;
ALTER TABLE audit_log DROP COLUMN request_id;

DROP TABLE refresh_tokens;
CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);

ALTER TABLE users ADD COLUMN api_key_hash TEXT;
ALTER TABLE users DROP COLUMN tokens_valid_after;
ALTER TABLE users DROP COLUMN disabled;
