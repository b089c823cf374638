-- Initial schema (PostgreSQL): JSONB documents, TIMESTAMPTZ (microsecond)
-- timestamps, GIN indexes on tags and scores, full-text index on prompts.

-- +goose Up
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT UNIQUE,
    password_hash TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT 'user',
    api_key_hash  TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE providers (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL,
    config       JSONB NOT NULL DEFAULT '{}',
    capabilities JSONB NOT NULL DEFAULT '{}',
    api_version  TEXT NOT NULL DEFAULT '',
    is_active    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    user_id     TEXT,
    status      TEXT NOT NULL,
    config      JSONB NOT NULL DEFAULT '{}',
    tags        JSONB NOT NULL DEFAULT '{}',
    total       INTEGER NOT NULL DEFAULT 0,
    totals      JSONB NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
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
    latency_ms        DOUBLE PRECISION NOT NULL,
    ttft_ms           DOUBLE PRECISION NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    reasoning_tokens  INTEGER NOT NULL,
    total_tokens      INTEGER NOT NULL,
    cost_input        DOUBLE PRECISION NOT NULL,
    cost_output       DOUBLE PRECISION NOT NULL,
    cost_total        DOUBLE PRECISION NOT NULL,
    currency          TEXT NOT NULL,
    scores            JSONB NOT NULL DEFAULT '{}',
    score             DOUBLE PRECISION NOT NULL,
    passed            BOOLEAN NOT NULL,
    error             JSONB,
    cached            BOOLEAN NOT NULL,
    trace_id          TEXT NOT NULL,
    span_id           TEXT NOT NULL,
    tags              JSONB NOT NULL DEFAULT '[]',
    metadata          JSONB NOT NULL DEFAULT '{}',
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (session_id, case_id, prompt_id, provider, repetition)
);
CREATE INDEX idx_results_session_created ON results (session_id, created_at, id);
CREATE INDEX idx_results_trace_id ON results (trace_id);
CREATE INDEX idx_results_status ON results (session_id, status);
CREATE INDEX idx_results_tags ON results USING GIN (tags);
CREATE INDEX idx_results_scores ON results USING GIN (scores);
CREATE INDEX idx_results_prompt_text ON results USING GIN (to_tsvector('english', prompt));

CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    rule_id      TEXT NOT NULL,
    severity     TEXT NOT NULL,
    message      TEXT NOT NULL,
    details      JSONB NOT NULL DEFAULT '{}',
    triggered_at TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ
);
CREATE INDEX idx_alerts_triggered ON alerts (triggered_at);

CREATE TABLE plugins (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    version      TEXT NOT NULL,
    author       TEXT NOT NULL DEFAULT '',
    plugin_type  TEXT NOT NULL,
    capabilities JSONB NOT NULL DEFAULT '{}',
    file_path    TEXT NOT NULL,
    is_enabled   BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE model_profiles (
    id                 TEXT PRIMARY KEY,
    provider_id        TEXT NOT NULL,
    model_name         TEXT NOT NULL,
    typical_quality    DOUBLE PRECISION NOT NULL DEFAULT 0,
    avg_latency_ms     DOUBLE PRECISION NOT NULL DEFAULT 0,
    cost_per_1k_tokens DOUBLE PRECISION NOT NULL DEFAULT 0,
    context_limit      INTEGER NOT NULL DEFAULT 0,
    strengths          JSONB NOT NULL DEFAULT '[]',
    sample_count       INTEGER NOT NULL DEFAULT 0,
    updated_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (provider_id, model_name)
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    scopes       JSONB NOT NULL DEFAULT '[]',
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX idx_api_keys_user ON api_keys (user_id);

CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX idx_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE audit_log (
    id         BIGSERIAL PRIMARY KEY,
    user_id    TEXT,
    action     TEXT NOT NULL,
    resource   TEXT NOT NULL DEFAULT '',
    details    JSONB NOT NULL DEFAULT '{}',
    ip_address TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
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
DROP TABLE results;
DROP TABLE sessions;
DROP TABLE providers;
DROP TABLE users;
