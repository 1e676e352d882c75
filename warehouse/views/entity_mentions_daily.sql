-- entity_mentions_daily: how often each entity is mentioned, per day.
-- Grain: one row per day and entity. Keys: day, entity_id.
-- Chart: lines of mentions per day for a few entities; a heatmap of day x entity.
SELECT
    a.day,
    e.resolved_id AS entity_id,
    e.resolved_name AS name,
    e.label,
    count(DISTINCT m.article_id) AS articles,
    CAST(sum(m.mention_count) AS BIGINT) AS mentions
FROM mentions AS m
JOIN resolved_entities AS e USING (entity_id)  -- one person, however the articles spell them
JOIN article_days AS a USING (article_id)
GROUP BY ALL
