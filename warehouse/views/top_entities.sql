-- top_entities: the most mentioned entities of each type over the last 7 and 30 days and all time.
-- Grain: one row per window and entity. Keys: window_days (7, 30, or NULL for all time), entity_id.
-- Chart: horizontal bars of mentions for rank <= 10, one panel per label (PERSON, ORG, GPE, ...).
-- Windows count back from the newest article in the warehouse, so a back-fill reads the same as live data.
WITH newest AS (
    SELECT max(coalesce(published_on, CAST(extracted_at AS DATE))) AS last_day FROM articles
),
windows AS (
    SELECT * FROM (VALUES (7), (30), (NULL)) AS w(window_days)
),
counted AS (
    SELECT
        w.window_days,
        d.entity_id,
        any_value(d.name) AS name,
        any_value(d.label) AS label,
        CAST(sum(d.articles) AS BIGINT) AS articles,
        CAST(sum(d.mentions) AS BIGINT) AS mentions
    FROM entity_mentions_daily AS d
    CROSS JOIN newest AS n
    CROSS JOIN windows AS w
    WHERE w.window_days IS NULL OR d.day > n.last_day - w.window_days
    GROUP BY ALL
)
SELECT
    window_days,
    label,
    rank() OVER (PARTITION BY window_days, label ORDER BY mentions DESC, articles DESC) AS rank,
    entity_id,
    name,
    articles,
    mentions
FROM counted
