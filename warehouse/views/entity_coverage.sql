-- entity_coverage: how many articles of each language an entity model read, and why the others not
-- (those get only their places, from the gazetteer).
-- Grain: one row per language. Key: language.
-- Chart: bars of articles per language, split into read and skipped.
SELECT
    coalesce(language, '(unknown)') AS language,
    count(*) AS articles,
    count(*) FILTER (WHERE entities_model IS NOT NULL AND entities_skipped IS NULL) AS articles_with_entities,
    count(*) FILTER (WHERE entities_skipped IS NOT NULL) AS articles_skipped,
    count(*) FILTER (WHERE entities_skipped IS NOT NULL AND entities_model IS NOT NULL) AS articles_with_places_only,
    any_value(entities_model) FILTER (WHERE entities_model IS NOT NULL AND entities_skipped IS NULL) AS model,
    any_value(entities_skipped) FILTER (WHERE entities_skipped IS NOT NULL) AS skipped_because
FROM articles
GROUP BY ALL
ORDER BY articles DESC, language
