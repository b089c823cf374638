-- Model profiles (store.ProfileStore): per (provider, model) sums of every
-- finished run, which `optimize` reads. The model_profiles table of 00001
-- never held data in any release and is replaced: keyed by (provider_id,
-- model_name) rather than an id, without context_limit (a run does not
-- measure a model's context window), with the sums the derived columns
-- come from. model_profile_runs keeps each run's
-- contribution, so that folding a run again replaces it instead of counting
-- it twice and a profile can be recomputed from its runs.
--
-- The sums add exactly: counts, token sums, score and cost sums, and the
-- latency sketch (an HdrHistogram in its V2 compressed encoding, NULL when
-- no latency was measured). typical_quality (pass rate), avg_latency_ms and
-- cost_per_1k_tokens are derived from them on every fold, NULL when
-- nothing was measured; strengths is JSON, each result tag's
-- {"results": n, "passed": m}. sample_count is the number of results.
--
-- Runs are not referenced by a foreign key: deleting a run leaves its
-- contribution until `optimize --rebuild`. Timestamps are the fixed-width
-- UTC text of 00001.

-- +goose Up
DROP TABLE model_profiles;
CREATE TABLE model_profiles (
    provider_id           TEXT    NOT NULL,
    model_name            TEXT    NOT NULL,
    typical_quality       REAL,
    avg_latency_ms        REAL,
    cost_per_1k_tokens    REAL,
    strengths             TEXT    NOT NULL DEFAULT '{}',
    sample_count          INTEGER NOT NULL,
    succeeded             INTEGER NOT NULL,
    passed                INTEGER NOT NULL,
    scored                INTEGER NOT NULL,
    score_sum             REAL    NOT NULL,
    priced                INTEGER NOT NULL,
    cost_usd              REAL    NOT NULL,
    priced_tokens         INTEGER NOT NULL,
    tokens_prompt         INTEGER NOT NULL,
    tokens_completion     INTEGER NOT NULL,
    tokens_cached         INTEGER NOT NULL,
    tokens_cache_write    INTEGER NOT NULL,
    tokens_cache_write_1h INTEGER NOT NULL,
    latency_count         INTEGER NOT NULL,
    latency_sum_ms        REAL    NOT NULL,
    latency_sketch        BLOB,
    runs                  INTEGER NOT NULL,
    last_run_id           TEXT    NOT NULL,
    updated_at            TEXT    NOT NULL,
    PRIMARY KEY (provider_id, model_name)
);

CREATE TABLE model_profile_runs (
    run_id                TEXT    NOT NULL,
    provider_id           TEXT    NOT NULL,
    model_name            TEXT    NOT NULL,
    strengths             TEXT    NOT NULL DEFAULT '{}',
    sample_count          INTEGER NOT NULL,
    succeeded             INTEGER NOT NULL,
    passed                INTEGER NOT NULL,
    scored                INTEGER NOT NULL,
    score_sum             REAL    NOT NULL,
    priced                INTEGER NOT NULL,
    cost_usd              REAL    NOT NULL,
    priced_tokens         INTEGER NOT NULL,
    tokens_prompt         INTEGER NOT NULL,
    tokens_completion     INTEGER NOT NULL,
    tokens_cached         INTEGER NOT NULL,
    tokens_cache_write    INTEGER NOT NULL,
    tokens_cache_write_1h INTEGER NOT NULL,
    latency_count         INTEGER NOT NULL,
    latency_sum_ms        REAL    NOT NULL,
    latency_sketch        BLOB,
    folded_at             TEXT    NOT NULL,
    PRIMARY KEY (run_id, provider_id, model_name)
);
CREATE INDEX idx_model_profile_runs_model ON model_profile_runs (provider_id, model_name, run_id);

-- +goose Down
DROP TABLE model_profile_runs;
DROP TABLE model_profiles;
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
