-- Every index on results costs each written row a b-tree insert. No query
-- uses these two (EXPLAIN QUERY PLAN): Results and Keys, with or without a
-- status filter, walk idx_results_session_created for their order, and
-- DeleteRun finds a run's rows through the (session_id, ...) unique index.

-- +goose Up
DROP INDEX idx_results_trace_id;
DROP INDEX idx_results_status;

-- +goose Down
CREATE INDEX idx_results_trace_id ON results (trace_id);
CREATE INDEX idx_results_status ON results (session_id, status);
