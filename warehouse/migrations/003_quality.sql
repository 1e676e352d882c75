-- 003_quality: data-quality results as tables, so quality can be charted over time with SQL.

CREATE TABLE IF NOT EXISTS validation_runs (
    run_id       VARCHAR,
    batch        INTEGER,      -- batch number within the run; 0 for the run-level suite
    suite        VARCHAR,      -- documents | articles | entities | links | runs
    success      BOOLEAN,      -- every expectation of the suite passed
    evaluated    INTEGER,      -- expectations evaluated
    failed       INTEGER,      -- expectations that failed
    rows_checked INTEGER,
    validated_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS validation_results (
    run_id             VARCHAR,
    batch              INTEGER,
    suite              VARCHAR,
    expectation        VARCHAR,   -- the expectation's name (meta.name in expectations/<suite>.json)
    severity           VARCHAR,   -- error: failing rows are refused; warn: rows load, failure recorded
    success            BOOLEAN,
    unexpected_count   INTEGER,
    unexpected_percent DOUBLE,
    observed           VARCHAR,   -- a JSON summary of the unexpected values
    failing_ids        VARCHAR[], -- ids of the failing rows (doc_id, article_id, ...)
    validated_at       TIMESTAMPTZ
);

ALTER TABLE runs ADD COLUMN IF NOT EXISTS quality_breaches VARCHAR;  -- run-level expectations that failed, JSON list
