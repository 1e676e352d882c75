-- article_days: the day each article counts on, defined once for the views, the export and the report.
-- Grain: one row per article. Keys: article_id.
-- Chart: none of its own; join it to put articles, and their mentions, quotes and links, on a day.
-- The day is the publication day in the publisher's own time zone, or the ingest day when the page states no date.
SELECT
    article_id,
    coalesce(published_on, CAST(extracted_at AS DATE)) AS day,
    published_on IS NULL AS undated
FROM articles
