-- share_of_voice: each entity's share of the mentions on each site.
-- Grain: one row per site and entity. Keys: site_name, entity_id.
-- Chart: 100% stacked bars per site of the top entities; or a table sorted by share.
-- stories counts a story the site ran several times (copies, rewrites: story_clusters) once.
WITH per_site AS (
    SELECT
        coalesce(a.site_name, '(unknown)') AS site_name,
        e.resolved_id AS entity_id,
        e.resolved_name AS name,
        e.label,
        count(DISTINCT m.article_id) AS articles,
        count(DISTINCT coalesce(c.cluster_id, m.article_id)) AS stories,
        CAST(sum(m.mention_count) AS BIGINT) AS mentions
    FROM mentions AS m
    JOIN resolved_entities AS e USING (entity_id)
    JOIN articles AS a USING (article_id)
    LEFT JOIN article_clusters AS c USING (article_id)
    GROUP BY ALL
)
SELECT
    *,
    CAST(sum(mentions) OVER (PARTITION BY site_name) AS BIGINT) AS site_mentions,
    round(mentions / sum(mentions) OVER (PARTITION BY site_name), 4) AS share,
    round(mentions / sum(mentions) OVER (PARTITION BY site_name, label), 4) AS share_within_label
FROM per_site
