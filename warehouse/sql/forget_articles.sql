-- The articles made from those documents, in any version.
SELECT DISTINCT article_id FROM (
    SELECT article_id FROM articles WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
    UNION ALL
    SELECT article_id FROM article_versions WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
);
