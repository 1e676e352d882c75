-- entity_cooccurrence: pairs of entities mentioned in the same article.
-- Grain: one row per unordered pair of entities. Keys: entity_a, entity_b (entity_a < entity_b).
-- Chart: a network (entities as nodes, articles as edge weight) or a matrix of the top entities.
SELECT
    ea.resolved_id AS entity_a,
    ea.resolved_name AS name_a,
    ea.label AS label_a,
    eb.resolved_id AS entity_b,
    eb.resolved_name AS name_b,
    eb.label AS label_b,
    count(DISTINCT a.article_id) AS articles,
    min(art.day) AS first_day,
    max(art.day) AS last_day
FROM mentions AS a
JOIN mentions AS b ON b.article_id = a.article_id
JOIN resolved_entities AS ea ON ea.entity_id = a.entity_id
JOIN resolved_entities AS eb ON eb.entity_id = b.entity_id AND ea.resolved_id < eb.resolved_id
JOIN article_days AS art ON art.article_id = a.article_id
GROUP BY ALL
