-- Runs get a number and a heartbeat; results get the fields the record
-- gained (cache-write tokens, unknown cost). It is 00004 on SQLite too:
-- the same change has the same number on both dialects.
--
-- seq is the run's number in this database, so that "#12" names a run
-- when id prefixes (UUIDv7, a timestamp first) are shared by every run of
-- the day. Existing runs are numbered in creation order; new ones take the
-- next value of a sequence, which never gives a number twice.
--
-- heartbeat_at is written by the process executing the run; a running run
-- whose heartbeat (or last update) is stale is reported as interrupted.

-- +goose Up
ALTER TABLE results
    ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN cost_unknown BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE sessions
    ADD COLUMN heartbeat_at TIMESTAMPTZ,
    ADD COLUMN seq BIGINT;
CREATE SEQUENCE sessions_seq OWNED BY sessions.seq;
UPDATE sessions SET seq = numbered.n
    FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM sessions) AS numbered
    WHERE sessions.id = numbered.id;
SELECT setval('sessions_seq', coalesce(max(seq), 0) + 1, false) FROM sessions;
ALTER TABLE sessions
    ALTER COLUMN seq SET DEFAULT nextval('sessions_seq'),
    ALTER COLUMN seq SET NOT NULL;
CREATE UNIQUE INDEX idx_sessions_seq ON sessions (seq);

-- +goose Down
DROP INDEX idx_sessions_seq;
ALTER TABLE sessions DROP COLUMN seq, DROP COLUMN heartbeat_at;
ALTER TABLE results DROP COLUMN cost_unknown, DROP COLUMN cache_write_1h_tokens, DROP COLUMN cache_write_tokens;
