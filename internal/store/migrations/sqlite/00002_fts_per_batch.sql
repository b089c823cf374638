-- The prompt full-text index is filled once per WriteResults batch by the
-- store (one INSERT ... SELECT of the rows the batch added) instead of by a
-- per-row trigger: FTS5 flushes its pending terms at every statement, so the
-- trigger wrote one small segment per INSERT and spent the write path merging
-- them. Updates and deletes keep their triggers (they are rare: --retry-errors
-- and DeleteRun), so the index stays exact for every row.

-- +goose Up
DROP TRIGGER results_fts_insert;

-- +goose Down
-- Rows added under version 2 were indexed by the store, so the index is
-- already complete.
-- +goose StatementBegin
CREATE TRIGGER results_fts_insert AFTER INSERT ON results BEGIN
    INSERT INTO results_prompt_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
-- +goose StatementEnd
