-- Co-occurrence of the 12 most mentioned entities, both ways round so the matrix is symmetric.
WITH top AS (
    SELECT entity_id FROM top_entities WHERE window_days IS NULL ORDER BY mentions DESC, name LIMIT 12
),
pairs AS (
    SELECT name_a AS a, name_b AS b, articles FROM entity_cooccurrence
    WHERE entity_a IN (SELECT entity_id FROM top) AND entity_b IN (SELECT entity_id FROM top)
)
SELECT a AS entity, b AS other, articles FROM pairs
UNION ALL
SELECT b, a, articles FROM pairs
