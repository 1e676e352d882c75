-- Stored raw documents to run through the pipeline again, with the source they are current at.
-- $everything = true: the current document of every source; otherwise the quarantined ones.
-- Either way only those matching the optional filters ($source: a part of the source; $language: the
-- language of the article loaded from it, so quarantined documents never match it). Documents
-- refused before their bytes were stored are skipped; those whose bytes lake.keep_raw_days dropped
-- come without content, to be counted.
WITH current_content AS (
    SELECT source_uri, arg_max(doc_id, seen_at) AS doc_id
    FROM document_sources
    GROUP BY source_uri
),
chosen AS (
    SELECT c.source_uri, c.doc_id
    FROM current_content AS c
    WHERE $everything
      AND ($source IS NULL OR c.source_uri LIKE '%' || $source || '%')
      AND ($language IS NULL OR c.doc_id IN (SELECT doc_id FROM articles WHERE language = $language))
    UNION
    SELECT q.source_uri, q.doc_id
    FROM quarantine AS q
    WHERE NOT $everything
      AND ($run_id IS NULL OR q.run_id = $run_id)
      AND ($reason IS NULL OR q.reason LIKE $reason || '%')
      AND ($source IS NULL OR q.source_uri LIKE '%' || $source || '%')
      AND $language IS NULL
)
SELECT d.doc_id, ch.source_uri, d.content, d.discovered_at, d.byte_size
FROM chosen AS ch
JOIN documents AS d ON d.doc_id = ch.doc_id
WHERE d.content IS NOT NULL OR d.content_dropped_at IS NOT NULL
ORDER BY ch.source_uri
