-- 005_views: the analyst views (warehouse/views/*.sql) are (re)created by warehouse/migrate.py after the
-- numbered migrations whenever their text changes; this table records which text each view has.
CREATE TABLE IF NOT EXISTS schema_views (
    name       VARCHAR,      -- view name (the file name without .sql)
    sha256     VARCHAR,      -- hash of the view's SQL when it was created
    applied_at TIMESTAMPTZ
);
