-- The documents found at the targets (staged_targets: source URIs and URLs, as given and normalized)
-- or on the hosts (staged_hosts: a host and its subdomains), and those of every article they name.
WITH found AS (
    SELECT doc_id, source_uri AS place FROM documents
    UNION ALL SELECT doc_id, final_url FROM documents
    UNION ALL SELECT doc_id, source_uri FROM document_sources
    UNION ALL SELECT doc_id, source_uri FROM article_versions
    UNION ALL SELECT doc_id, url FROM article_versions
    UNION ALL SELECT doc_id, canonical_url FROM article_versions
    UNION ALL SELECT doc_id, source_uri FROM articles
    UNION ALL SELECT doc_id, url FROM articles
    UNION ALL SELECT doc_id, canonical_url FROM articles
),
placed AS (
    SELECT doc_id, place, url_host(place) AS host
    FROM found
    WHERE doc_id IS NOT NULL AND place IS NOT NULL
)
SELECT DISTINCT doc_id
FROM placed
WHERE place IN (SELECT uri FROM staged_targets)
   OR EXISTS (SELECT 1 FROM staged_hosts AS h WHERE on_site(placed.host, h.host));
