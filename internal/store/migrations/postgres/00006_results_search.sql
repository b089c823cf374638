-- Browsing results and runs across the database (the API server's
-- GET /results and GET /benchmarks): one page at a time, newest first,
-- with a cursor (created_at, id) rather than an offset, so that every page
-- of millions of rows is an index seek. Each filter that can keep a small
-- share of the rows gets a b-tree ordered like the page: the run
-- (idx_results_session_created, from 00001), the provider, the model, the
-- case, the status, failed results (passing ones are most rows, so the
-- plain order finds them) and the runs of a user. A tag uses the GIN index
-- on tags (00001); a score range is checked while walking the order.
--
-- The full-text index covers the response as well as the prompt, their
-- first 32,768 and 65,536 characters: a tsvector holds at most 1 MB, and an
-- index expression that fails would fail the insert, losing results with
-- very long texts. Queries must use this very expression (textSQL in
-- internal/store/postgres/query.go) for the planner to use the index.

-- +goose Up
CREATE INDEX idx_results_created ON results (created_at, id);
CREATE INDEX idx_results_provider_created ON results (provider, created_at, id);
CREATE INDEX idx_results_model_created ON results (model, created_at, id);
CREATE INDEX idx_results_case_created ON results (case_id, created_at, id);
CREATE INDEX idx_results_status_created ON results (status, created_at, id);
CREATE INDEX idx_results_failed_created ON results (created_at, id) WHERE NOT passed;
CREATE INDEX idx_sessions_user_created ON sessions (user_id, created_at, id);

DROP INDEX idx_results_prompt_text;
CREATE INDEX idx_results_text ON results USING GIN (to_tsvector('english', left(prompt, 32768) || ' ' || left(response, 65536)));

-- +goose Down
DROP INDEX idx_results_text;
CREATE INDEX idx_results_prompt_text ON results USING GIN (to_tsvector('english', prompt));

DROP INDEX idx_sessions_user_created;
DROP INDEX idx_results_failed_created;
DROP INDEX idx_results_status_created;
DROP INDEX idx_results_case_created;
DROP INDEX idx_results_model_created;
DROP INDEX idx_results_provider_created;
DROP INDEX idx_results_created;
