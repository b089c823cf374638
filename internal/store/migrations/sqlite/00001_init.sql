-- Initial schema (SQLite). Timestamps are TEXT in the fixed-width UTC form
-- 2006-01-02T15:04:05.000000Z so that they sort as they compare.
-- JSON columns hold JSON text.

-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT 'user',
    api_key_hash  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE providers (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    config       TEXT NOT NULL DEFAULT '{}',
    capabilities TEXT NOT NULL DEFAULT '{}',
    api_version  TEXT NOT NULL DEFAULT '',
    is_active    INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    user_id     TEXT,
    status      TEXT NOT NULL,
    config      TEXT NOT NULL DEFAULT '{}',
    tags        TEXT NOT NULL DEFAULT '{}',
    total       INTEGER NOT NULL DEFAULT 0,
    totals      TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX idx_sessions_created ON sessions (created_at DESC, id DESC);
CREATE INDEX idx_sessions_status ON sessions (status);

CREATE TABLE results (
    id                TEXT PRIMARY KEY,
    session_id        TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    case_id           TEXT NOT NULL,
    prompt_id         TEXT NOT NULL,
    provider          TEXT NOT NULL,
    model             TEXT NOT NULL,
    repetition        INTEGER NOT NULL,
    status            TEXT NOT NULL,
    prompt            TEXT NOT NULL,
    response          TEXT NOT NULL,
    finish_reason     TEXT NOT NULL,
    latency_ms        REAL NOT NULL,
    ttft_ms           REAL NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    reasoning_tokens  INTEGER NOT NULL,
    total_tokens      INTEGER NOT NULL,
    cost_input        REAL NOT NULL,
    cost_output       REAL NOT NULL,
    cost_total        REAL NOT NULL,
    currency          TEXT NOT NULL,
    scores            TEXT NOT NULL DEFAULT '{}',
    score             REAL NOT NULL,
    passed            INTEGER NOT NULL,
    error             TEXT,
    cached            INTEGER NOT NULL,
    trace_id          TEXT NOT NULL,
    span_id           TEXT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '[]',
    metadata          TEXT NOT NULL DEFAULT '{}',
    created_at        TEXT NOT NULL,
    UNIQUE (session_id, case_id, prompt_id, provider, repetition)
);
CREATE INDEX idx_results_session_created ON results (session_id, created_at, id);
CREATE INDEX idx_results_trace_id ON results (trace_id);
CREATE INDEX idx_results_status ON results (session_id, status);

-- Full-text search on prompts, kept in sync with results by triggers.
CREATE VIRTUAL TABLE results_prompt_fts USING fts5 (prompt, content = 'results', content_rowid = 'rowid');

-- +goose StatementBegin
CREATE TRIGGER results_fts_insert AFTER INSERT ON results BEGIN
    INSERT INTO results_prompt_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_fts_delete AFTER DELETE ON results BEGIN
    INSERT INTO results_prompt_fts (results_prompt_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_fts_update AFTER UPDATE OF prompt ON results BEGIN
    INSERT INTO results_prompt_fts (results_prompt_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO results_prompt_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
-- +goose StatementEnd

CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    rule_id      TEXT NOT NULL,
    severity     TEXT NOT NULL,
    message      TEXT NOT NULL,
    details      TEXT NOT NULL DEFAULT '{}',
    triggered_at TEXT NOT NULL,
    resolved_at  TEXT
);
CREATE INDEX idx_alerts_triggered ON alerts (triggered_at);

CREATE TABLE plugins (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    version      TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    plugin_type  TEXT NOT NULL,
    capabilities TEXT NOT NULL DEFAULT '{}',
    file_path    TEXT NOT NULL,
    is_enabled   INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);

CREATE TABLE model_profiles (
    id                 TEXT PRIMARY KEY,
    provider_id        TEXT NOT NULL,
    model_name         TEXT NOT NULL,
    typical_quality    REAL NOT NULL DEFAULT 0,
    avg_latency_ms     REAL NOT NULL DEFAULT 0,
    cost_per_1k_tokens REAL NOT NULL DEFAULT 0,
    context_limit      INTEGER NOT NULL DEFAULT 0,
    strengths          TEXT NOT NULL DEFAULT '[]',
    sample_count       INTEGER NOT NULL DEFAULT 0,
    updated_at         TEXT NOT NULL,
    UNIQUE (provider_id, model_name)
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE INDEX idx_api_keys_user ON api_keys (user_id);

CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT,
    action     TEXT NOT NULL,
    resource   TEXT NOT NULL DEFAULT '',
    details    TEXT NOT NULL DEFAULT '{}',
    ip_address TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_audit_log_created ON audit_log (created_at);
CREATE INDEX idx_audit_log_user ON audit_log (user_id, created_at);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE refresh_tokens;
DROP TABLE api_keys;
DROP TABLE model_profiles;
DROP TABLE plugins;
DROP TABLE alerts;
DROP TRIGGER results_fts_update;
DROP TRIGGER results_fts_delete;
DROP TRIGGER results_fts_insert;
DROP TABLE results_prompt_fts;
DROP TABLE results;
DROP TABLE sessions;
DROP TABLE providers;
DROP TABLE users;
