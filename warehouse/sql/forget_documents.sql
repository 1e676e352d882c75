-- The documents found at the targets, and those of every article a target names.
SELECT DISTINCT doc_id FROM (
    SELECT doc_id FROM documents
    WHERE source_uri IN (SELECT uri FROM staged_targets) OR final_url IN (SELECT uri FROM staged_targets)
    UNION ALL
    SELECT doc_id FROM document_sources WHERE source_uri IN (SELECT uri FROM staged_targets)
    UNION ALL
    SELECT doc_id FROM article_versions
    WHERE source_uri IN (SELECT uri FROM staged_targets) OR url IN (SELECT uri FROM staged_targets)
       OR canonical_url IN (SELECT uri FROM staged_targets)
    UNION ALL
    SELECT doc_id FROM articles
    WHERE source_uri IN (SELECT uri FROM staged_targets) OR url IN (SELECT uri FROM staged_targets)
       OR canonical_url IN (SELECT uri FROM staged_targets)
)
WHERE doc_id IS NOT NULL;
