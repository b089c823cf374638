-- Runs get a number and a heartbeat; results get the fields the record
-- gained (cache-write tokens, unknown cost).
--
-- seq is the run's number in this database, so that "#12" names a run
-- when id prefixes (UUIDv7, a timestamp first) are shared by every run of
-- the day. Existing runs are numbered in creation order. The store takes
-- the next number from run_counter inside the CreateRun transaction, so a
-- number is never given twice, not even after the newest run is deleted.
--
-- heartbeat_at is written by the process executing the run; a running run
-- whose heartbeat (or last update) is stale is reported as interrupted.

-- +goose Up
ALTER TABLE results ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE results ADD COLUMN cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE results ADD COLUMN cost_unknown INTEGER NOT NULL DEFAULT 0;

ALTER TABLE sessions ADD COLUMN heartbeat_at TEXT;
ALTER TABLE sessions ADD COLUMN seq INTEGER;
UPDATE sessions SET seq = numbered.n
    FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM sessions) AS numbered
    WHERE sessions.id = numbered.id;
CREATE UNIQUE INDEX idx_sessions_seq ON sessions (seq);

CREATE TABLE run_counter (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq INTEGER NOT NULL
);
INSERT INTO run_counter (id, last_seq) SELECT 1, coalesce(max(seq), 0) FROM sessions;

-- +goose Down
DROP TABLE run_counter;
DROP INDEX idx_sessions_seq;
ALTER TABLE sessions DROP COLUMN seq;
ALTER TABLE sessions DROP COLUMN heartbeat_at;
ALTER TABLE results DROP COLUMN cost_unknown;
ALTER TABLE results DROP COLUMN cache_write_1h_tokens;
ALTER TABLE results DROP COLUMN cache_write_tokens;
