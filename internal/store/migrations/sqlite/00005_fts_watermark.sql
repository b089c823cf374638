-- The prompt full-text index is filled in bulk, no longer in every
-- WriteResults transaction: with group commit a run writes many small
-- batches, and FTS5 writes (and later merges) one segment per transaction
-- that adds terms, which was a large part of each small commit. Nothing on
-- the run's path reads the index, only prompt searches do.
--
-- results_fts_indexed.upto is the watermark: every result whose rowid is at
-- most upto is in the index with its current prompt, and no result above it
-- is. The store indexes the rows above it and moves it to max(rowid), in one
-- transaction, once enough rows are waiting, when it opens and closes, and
-- before a search reads the index. A write transaction first lowers it to
-- max(rowid) when deletes have left it above (SQLite hands out the rowids of
-- deleted rows at the end of the table again), so a new row is always above
-- it.
--
-- The update and delete triggers touch only rows at or below the watermark:
-- those are in the index, and FTS5's 'delete' command corrupts an external
-- content index when given a row it never indexed. A row above the
-- watermark is indexed later with whatever prompt it has then.
--
-- Everything present now is indexed (by 00001's trigger or by the store
-- under 00002), so the watermark starts at the last rowid.

-- +goose Up
CREATE TABLE results_fts_indexed (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    upto INTEGER NOT NULL
);
INSERT INTO results_fts_indexed (id, upto) SELECT 1, coalesce(max(rowid), 0) FROM results;

DROP TRIGGER results_fts_delete;
DROP TRIGGER results_fts_update;

-- +goose StatementBegin
CREATE TRIGGER results_fts_delete AFTER DELETE ON results
WHEN old.rowid <= (SELECT upto FROM results_fts_indexed) BEGIN
    INSERT INTO results_prompt_fts (results_prompt_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_fts_update AFTER UPDATE OF prompt ON results
WHEN old.rowid <= (SELECT upto FROM results_fts_indexed) BEGIN
    INSERT INTO results_prompt_fts (results_prompt_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO results_prompt_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
-- +goose StatementEnd

-- +goose Down
-- Version 4 indexes only the rows each batch adds, so the rows still
-- waiting are indexed before the watermark goes.
INSERT INTO results_prompt_fts (rowid, prompt)
    SELECT rowid, prompt FROM results WHERE rowid > (SELECT upto FROM results_fts_indexed);

DROP TRIGGER results_fts_delete;
DROP TRIGGER results_fts_update;

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

DROP TABLE results_fts_indexed;
