-- The staged articles the warehouse already has (an update, or a batch loaded again), with what
-- load_batch.sql needs to keep their previous versions. Read inside the batch's transaction: only these
-- articles have rows to replace, and a batch of new articles skips every statement that replaces them.
SELECT s.article_id, s.doc_id, s.extracted_at, s.run_id
FROM staged_articles AS s
WHERE s.article_id IN (SELECT article_id FROM articles);
