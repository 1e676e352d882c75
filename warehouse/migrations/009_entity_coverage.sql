-- 009_entity_coverage: which entity model read each article, or why none did. Entities come only
-- from a model for the article's language; an article in another language keeps no mentions, and
-- entities_skipped says so. Rows loaded before this migration leave both NULL (not recorded).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS entities_model VARCHAR;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS entities_skipped VARCHAR;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS entities_model VARCHAR;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS entities_skipped VARCHAR;
