-- The tool calls a model made, in order (bench.Result.ToolCalls), as a
-- JSON array of {id, name, arguments}; NULL when it made none. (PostgreSQL
-- numbers the same change 00010.)

-- +goose Up
ALTER TABLE results ADD COLUMN tool_calls TEXT;

-- +goose Down
ALTER TABLE results DROP COLUMN tool_calls;
