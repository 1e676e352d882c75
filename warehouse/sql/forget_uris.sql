-- Every place those documents were found at, so that no listing brings them back.
SELECT DISTINCT uri FROM (
    SELECT uri FROM staged_targets
    UNION ALL
    SELECT source_uri FROM document_sources WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
    UNION ALL
    SELECT source_uri FROM documents WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
    UNION ALL
    SELECT final_url FROM documents WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
)
WHERE uri IS NOT NULL;
