-- 017_raw_retention: when `lake.keep_raw_days` dropped a document's raw bytes (its content is NULL from
-- then on; the article, entities and quotes made from it stay).
ALTER TABLE documents ADD COLUMN IF NOT EXISTS content_dropped_at TIMESTAMPTZ;
