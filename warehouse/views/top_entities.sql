-- top_entities: the entities of each type in the most stories over the last 7 and 30 days and all time.
-- Grain: one row per window and entity. Keys: window_days (7, 30, or NULL for all time), entity_id.
-- Chart: horizontal bars of stories for rank <= 10, one panel per label (PERSON, ORG, GPE, ...).
-- Ranked by stories, then articles, then mentions: one long article that names a product 75 times
-- is one story, and does not put that product above the people every story is about.
-- Windows count back from the newest article in the warehouse, so a back-fill reads the same as live data.
-- stories counts a story told by many articles (syndicated copies, rewrites: story_clusters) once.
WITH newest AS (
    SELECT max(day) AS last_day FROM article_days
),
windows AS (
    SELECT * FROM (VALUES (7), (30), (NULL)) AS w(window_days)
),
mentioned AS (
    SELECT
        a.day,
        e.resolved_id AS entity_id,
        e.resolved_name AS name,
        e.label,
        m.article_id,
        coalesce(c.cluster_id, m.article_id) AS cluster_id,
        m.mention_count
    FROM mentions AS m
    JOIN resolved_entities AS e USING (entity_id)  -- one person, however the articles spell them
    JOIN article_days AS a USING (article_id)
    LEFT JOIN article_clusters AS c USING (article_id)
),
counted AS (
    SELECT
        w.window_days,
        d.entity_id,
        any_value(d.name) AS name,
        any_value(d.label) AS label,
        count(DISTINCT d.article_id) AS articles,
        count(DISTINCT d.cluster_id) AS stories,
        CAST(sum(d.mention_count) AS BIGINT) AS mentions
    FROM mentioned AS d
    CROSS JOIN newest AS n
    CROSS JOIN windows AS w
    WHERE w.window_days IS NULL OR d.day > n.last_day - w.window_days
    GROUP BY ALL
)
SELECT
    window_days,
    label,
    rank() OVER (PARTITION BY window_days, label ORDER BY stories DESC, articles DESC, mentions DESC) AS rank,
    entity_id,
    name,
    articles,
    stories,
    mentions
FROM counted
