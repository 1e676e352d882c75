-- 006_article_dates: when an article was last updated, kept apart from when it was published, and where
-- each date came from (json-ld, meta, url or text).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_at_source VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS updated_at_source VARCHAR;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS published_at_source VARCHAR;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS updated_at_source VARCHAR;
