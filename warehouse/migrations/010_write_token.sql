-- 010_write_token: one row that every write transaction bumps first (warehouse/lake.py, `write`).
-- Two writers that commit at once then conflict and the later one is run again, so concurrent runs,
-- machines and workers never add the same key twice. 011 keeps its row in the catalog.
CREATE TABLE IF NOT EXISTS write_token (writes BIGINT);
