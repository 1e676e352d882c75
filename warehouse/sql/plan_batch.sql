-- Decide, for each (source_uri, doc_id) found by a run, what the run has to do with it.
-- Grain: one row per staged candidate. Keys: source_uri, doc_id.
WITH current_content AS (   -- the latest content seen at each candidate source
    SELECT source_uri, arg_max(doc_id, seen_at) AS doc_id
    FROM document_sources
    WHERE source_uri IN (SELECT source_uri FROM staged_candidates)
    GROUP BY source_uri
),
known_documents AS (        -- candidate contents already stored, under any source
    SELECT DISTINCT doc_id
    FROM document_sources
    WHERE doc_id IN (SELECT doc_id FROM staged_candidates)
),
candidate_hosts AS (        -- each candidate's host ('' for a file)
    SELECT source_uri, doc_id, url_host(source_uri) AS host
    FROM staged_candidates
),
forgotten_candidates AS (   -- candidates `newslake forget` removed: their content, their place or their host
    SELECT c.source_uri, c.doc_id
    FROM candidate_hosts AS c
    WHERE c.doc_id IN (SELECT key FROM forgotten WHERE key_kind = 'doc_id')
       OR c.source_uri IN (SELECT key FROM forgotten WHERE key_kind = 'source_uri')
       OR EXISTS (
           SELECT 1 FROM forgotten AS f
           WHERE f.key_kind = 'host' AND on_site(c.host, f.key)
       )
),
source_articles AS (        -- the article each candidate source already feeds
    SELECT source_uri, any_value(article_id) AS article_id
    FROM articles
    WHERE source_uri IN (SELECT source_uri FROM staged_candidates)
    GROUP BY source_uri
)
SELECT
    c.source_uri,
    c.doc_id,
    CASE
        WHEN fc.doc_id IS NOT NULL THEN 'forgotten'
        WHEN cc.doc_id = c.doc_id THEN 'unchanged'
        WHEN cc.doc_id IS NOT NULL THEN 'updated'
        WHEN kd.doc_id IS NOT NULL THEN 'duplicate'
        ELSE 'new'
    END AS status,
    sa.article_id AS previous_article_id
FROM staged_candidates AS c
LEFT JOIN current_content AS cc ON cc.source_uri = c.source_uri
LEFT JOIN known_documents AS kd ON kd.doc_id = c.doc_id
LEFT JOIN source_articles AS sa ON sa.source_uri = c.source_uri
LEFT JOIN forgotten_candidates AS fc ON fc.source_uri = c.source_uri AND fc.doc_id = c.doc_id
