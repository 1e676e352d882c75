-- The ten people, organisations and places of all time in the most stories.
SELECT
    CASE label WHEN 'PERSON' THEN 'People' WHEN 'ORG' THEN 'Organisations' ELSE 'Places' END AS kind,
    name, mentions, articles, stories
FROM top_entities
WHERE window_days IS NULL AND label IN ('PERSON', 'ORG', 'GPE', 'LOC') AND rank <= 10
ORDER BY kind, rank, name
