-- 012_run_host: the machine each run ran on. Several machines write to a shared warehouse, and a run
-- can tell whether a run recorded as running is gone only for runs of its own machine (by their lock).
ALTER TABLE runs ADD COLUMN IF NOT EXISTS host VARCHAR;
