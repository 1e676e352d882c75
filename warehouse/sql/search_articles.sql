-- Rank articles for a full-text query with BM25 (DuckDB full-text-search extension).
-- Runs with the search index database in use; the lake's tables are named lake.<table>.
-- Grain: one row per matching article. Key: article_id.
WITH ranked AS (
    SELECT
        article_id,
        fts_main_docs.match_bm25(article_id, $query) AS score
    FROM docs
)
SELECT
    d.article_id,
    round(r.score, 4) AS score,
    d.title,
    d.site_name,
    d.published_at,
    d.url,
    d.text
FROM ranked AS r
JOIN docs AS d USING (article_id)
WHERE r.score IS NOT NULL
  AND ($since IS NULL OR coalesce(d.published_at, d.extracted_at) >= $since)
  AND (
      $entity IS NULL
      OR d.article_id IN (
          SELECT m.article_id
          FROM lake.mentions AS m
          JOIN lake.entities AS e USING (entity_id)
          WHERE lower(e.name) = lower($entity)
             OR e.entity_id IN (SELECT entity_id FROM lake.entity_aliases WHERE lower(alias) = lower($entity))
      )
  )
ORDER BY r.score DESC, d.published_at DESC NULLS LAST
LIMIT $limit
