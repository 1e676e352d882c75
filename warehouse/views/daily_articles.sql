-- daily_articles: how much each site publishes, per day and language.
-- Grain: one row per day, site and language. Keys: day, site_name, language.
-- Chart: stacked bars or lines of articles per day, one series per site (filter or facet by language).
-- The day is the publication day, or the ingest day when the page states no date.
SELECT
    coalesce(published_on, CAST(extracted_at AS DATE)) AS day,
    coalesce(site_name, '(unknown)') AS site_name,
    coalesce(language, '(unknown)') AS language,
    count(*) AS articles,
    CAST(sum(word_count) AS BIGINT) AS words,
    count(*) FILTER (WHERE published_on IS NULL) AS articles_without_date
FROM articles
GROUP BY ALL
