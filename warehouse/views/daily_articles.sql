-- daily_articles: how much each site publishes, per day and language.
-- Grain: one row per day, site and language. Keys: day, site_name, language.
-- Chart: stacked bars or lines of articles per day, one series per site (filter or facet by language).
-- The day is the publication day, or the ingest day when the page states no date.
SELECT
    d.day,
    coalesce(site_name, '(unknown)') AS site_name,
    coalesce(language, '(unknown)') AS language,
    count(*) AS articles,
    CAST(sum(word_count) AS BIGINT) AS words,
    count(*) FILTER (WHERE d.undated) AS articles_without_date
FROM articles
JOIN article_days AS d USING (article_id)
GROUP BY ALL
