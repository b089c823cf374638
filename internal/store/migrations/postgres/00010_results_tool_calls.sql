-- The tool calls a model made, in order (bench.Result.ToolCalls), as a
-- JSON array of {id, name, arguments}; NULL when it made none. (SQLite
-- numbers the same change 00011.)

-- +goose Up
ALTER TABLE results ADD COLUMN tool_calls JSONB;

-- +goose Down
ALTER TABLE results DROP COLUMN tool_calls;
