-- Browsing results and runs across the database (the API server's
-- GET /results and GET /benchmarks): one page at a time, newest first,
-- with a cursor (created_at, id) rather than an offset, so that every page
-- of millions of rows is an index seek. Each filter that can keep a small
-- share of the rows gets an index ordered like the page, so that a page
-- reads its rows and no more: the run (idx_results_session_created, from
-- 00001), the provider, the model, the case, the status, failed results
-- (passed = 0; passing ones are most rows, so the plain order finds them)
-- and the runs of a user. The other filters (tag, score range, passed = 1)
-- are checked while walking the newest-first order.
--
-- The full-text index covers the response as well as the prompt:
-- results_fts replaces results_prompt_fts, with the same watermark scheme
-- (00005): the rows at or below results_fts_indexed.upto are indexed by
-- this migration, those above it by the store as before. The porter
-- tokenizer stems English words, as PostgreSQL's 'english' configuration
-- does, so "reports" finds "report" on both.

-- +goose Up
CREATE INDEX idx_results_created ON results (created_at, id);
CREATE INDEX idx_results_provider_created ON results (provider, created_at, id);
CREATE INDEX idx_results_model_created ON results (model, created_at, id);
CREATE INDEX idx_results_case_created ON results (case_id, created_at, id);
CREATE INDEX idx_results_status_created ON results (status, created_at, id);
CREATE INDEX idx_results_failed_created ON results (created_at, id) WHERE passed = 0;
CREATE INDEX idx_sessions_user_created ON sessions (user_id, created_at, id);

DROP TRIGGER results_fts_delete;
DROP TRIGGER results_fts_update;
DROP TABLE results_prompt_fts;

CREATE VIRTUAL TABLE results_fts USING fts5 (
    prompt, response, content = 'results', content_rowid = 'rowid', tokenize = 'porter unicode61'
);
INSERT INTO results_fts (rowid, prompt, response)
    SELECT rowid, prompt, response FROM results WHERE rowid <= (SELECT upto FROM results_fts_indexed);

-- +goose StatementBegin
CREATE TRIGGER results_fts_delete AFTER DELETE ON results
WHEN old.rowid <= (SELECT upto FROM results_fts_indexed) BEGIN
    INSERT INTO results_fts (results_fts, rowid, prompt, response) VALUES ('delete', old.rowid, old.prompt, old.response);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER results_fts_update AFTER UPDATE OF prompt, response ON results
WHEN old.rowid <= (SELECT upto FROM results_fts_indexed) BEGIN
    INSERT INTO results_fts (results_fts, rowid, prompt, response) VALUES ('delete', old.rowid, old.prompt, old.response);
    INSERT INTO results_fts (rowid, prompt, response) VALUES (new.rowid, new.prompt, new.response);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER results_fts_delete;
DROP TRIGGER results_fts_update;
DROP TABLE results_fts;

CREATE VIRTUAL TABLE results_prompt_fts USING fts5 (prompt, content = 'results', content_rowid = 'rowid');
INSERT INTO results_prompt_fts (rowid, prompt)
    SELECT rowid, prompt FROM results WHERE rowid <= (SELECT upto FROM results_fts_indexed);

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

DROP INDEX idx_sessions_user_created;
DROP INDEX idx_results_failed_created;
DROP INDEX idx_results_status_created;
DROP INDEX idx_results_case_created;
DROP INDEX idx_results_model_created;
DROP INDEX idx_results_provider_created;
DROP INDEX idx_results_created;
