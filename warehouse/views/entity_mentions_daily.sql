-- entity_mentions_daily: how often each entity is mentioned, per day.
-- Grain: one row per day and entity. Keys: day, entity_id.
-- Chart: lines of mentions per day for a few entities; a heatmap of day x entity.
SELECT
    coalesce(a.published_on, CAST(a.extracted_at AS DATE)) AS day,
    e.entity_id,
    e.name,
    e.label,
    count(DISTINCT m.article_id) AS articles,
    CAST(sum(m.mention_count) AS BIGINT) AS mentions
FROM mentions AS m
JOIN entities AS e USING (entity_id)
JOIN articles AS a USING (article_id)
GROUP BY ALL
