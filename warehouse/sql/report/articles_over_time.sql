-- Articles per day for the report: the 8 largest sites by name, the rest as "other sites".
WITH sites AS (
    SELECT site_name, sum(articles) AS total FROM daily_articles GROUP BY site_name ORDER BY total DESC LIMIT 8
)
SELECT d.day, CASE WHEN s.site_name IS NULL THEN 'other sites' ELSE d.site_name END AS site, sum(d.articles) AS articles
FROM daily_articles AS d
LEFT JOIN sites AS s USING (site_name)
GROUP BY ALL
ORDER BY d.day
