-- Results are searchable by trace id (GET /results?trace_id=, `results
-- --trace-id`): all the results of a traced run share its trace. The plain
-- index of 00001 is replaced by one ordered like a page (trace_id,
-- created_at, id), so a page is a seek, and partial: untraced results,
-- stored with an empty trace id, are most rows and stay out of it. Queries
-- must say trace_id <> '' for the planner to use it.

-- +goose Up
DROP INDEX idx_results_trace_id;
CREATE INDEX idx_results_trace_created ON results (trace_id, created_at, id) WHERE trace_id <> '';

-- +goose Down
DROP INDEX idx_results_trace_created;
CREATE INDEX idx_results_trace_id ON results (trace_id);
