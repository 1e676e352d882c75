-- Places with coordinates and how often they are mentioned.
SELECT e.name, e.country_code, e.latitude, e.longitude, sum(m.mention_count) AS mentions,
       count(DISTINCT m.article_id) AS articles
FROM entities AS e
JOIN mentions AS m USING (entity_id)
WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL
GROUP BY ALL
ORDER BY mentions DESC
LIMIT 300
