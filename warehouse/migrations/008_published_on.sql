-- 008_published_on: the publication day in the publisher's own time zone. published_at is a moment
-- (often written in UTC), and its UTC or session day can be a day off the day the page shows.
-- Rows loaded before this migration keep published_at's UTC day: their offsets were not kept.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_on DATE;
ALTER TABLE article_versions ADD COLUMN IF NOT EXISTS published_on DATE;
UPDATE articles SET published_on = CAST(timezone('UTC', published_at) AS DATE)
    WHERE published_on IS NULL AND published_at IS NOT NULL;
UPDATE article_versions SET published_on = CAST(timezone('UTC', published_at) AS DATE)
    WHERE published_on IS NULL AND published_at IS NOT NULL;
