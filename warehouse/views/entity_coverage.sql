-- entity_coverage: how many articles of each language the entity model read, and why the others not.
-- Grain: one row per language. Key: language.
-- Chart: bars of articles per language, split into read and skipped.
SELECT
    coalesce(language, '(unknown)') AS language,
    count(*) AS articles,
    count(*) FILTER (WHERE entities_model IS NOT NULL) AS articles_with_entities,
    count(*) FILTER (WHERE entities_skipped IS NOT NULL) AS articles_skipped,
    any_value(entities_model) FILTER (WHERE entities_model IS NOT NULL) AS model,
    any_value(entities_skipped) FILTER (WHERE entities_skipped IS NOT NULL) AS skipped_because
FROM articles
GROUP BY ALL
ORDER BY articles DESC, language
