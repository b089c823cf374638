-- The alerts table of 00001 brought to what the alert evaluator keeps
-- (store.AlertStore); it held no data in any release. (SQLite numbers the
-- same change 00010.)
--
-- rule_id holds the rule's name. New columns: the condition as written,
-- the scope the rule was evaluated in (provider, model; '' for all), the
-- CLI run it watched ('' for the server), and the first comparison's value
-- and threshold when it fired; details keeps every comparison's value and
-- the values at resolution. Indexes: listing newest first by rule, and the
-- firing (unresolved) alerts.

-- +goose Up
ALTER TABLE alerts
    ADD COLUMN condition TEXT NOT NULL DEFAULT '',
    ADD COLUMN provider TEXT NOT NULL DEFAULT '',
    ADD COLUMN model TEXT NOT NULL DEFAULT '',
    ADD COLUMN run_id TEXT NOT NULL DEFAULT '',
    ADD COLUMN value DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD COLUMN threshold DOUBLE PRECISION NOT NULL DEFAULT 0;
CREATE INDEX idx_alerts_triggered_id ON alerts (triggered_at, id);
CREATE INDEX idx_alerts_rule ON alerts (rule_id, triggered_at, id);
CREATE INDEX idx_alerts_firing ON alerts (triggered_at, id) WHERE resolved_at IS NULL;

-- +goose Down
DROP INDEX idx_alerts_firing;
DROP INDEX idx_alerts_rule;
DROP INDEX idx_alerts_triggered_id;
ALTER TABLE alerts
    DROP COLUMN threshold,
    DROP COLUMN value,
    DROP COLUMN run_id,
    DROP COLUMN model,
    DROP COLUMN provider,
    DROP COLUMN condition;
