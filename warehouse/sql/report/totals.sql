-- Headline numbers for the report.
SELECT
    (SELECT count(*) FROM articles) AS articles,
    (SELECT count(*) FROM story_clusters) AS stories,
    (SELECT count(DISTINCT site_name) FROM articles) AS sites,
    (SELECT count(*) FROM entities) AS entities,
    (SELECT count(*) FROM quotes) AS quotes,
    (SELECT count(*) FROM runs) AS runs,
    (SELECT min(day) FROM article_days) AS first_day,
    (SELECT max(day) FROM article_days) AS last_day
