-- Remove what `newslake forget` chose (forget_documents.sql and the queries after it) from every table
-- that holds it, and remember it so that no later run stores it again. Runs in one transaction.
-- staged_forget_documents: doc_id; staged_forget_articles: article_id; staged_forget_uris: uri;
-- staged_forget_entities: entity_id (named or quoted by the articles); staged_forgotten: the rows to add.

DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents);
DELETE FROM document_sources
WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
   OR source_uri IN (SELECT uri FROM staged_forget_uris);
DELETE FROM articles WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM article_versions WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM mentions WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM entity_mentions WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM links WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM article_clusters WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM cluster_signatures WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM cluster_bands WHERE article_id IN (SELECT article_id FROM staged_forget_articles);
DELETE FROM quarantine
WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
   OR source_uri IN (SELECT uri FROM staged_forget_uris);
DELETE FROM fetches
WHERE doc_id IN (SELECT doc_id FROM staged_forget_documents)
   OR url IN (SELECT uri FROM staged_forget_uris)
   OR final_url IN (SELECT uri FROM staged_forget_uris);

-- An entity only the forgotten articles named or quoted goes too, with its aliases: a takedown of the
-- one article that names a private person leaves no trace of the name.
DELETE FROM entities
WHERE entity_id IN (SELECT entity_id FROM staged_forget_entities)
  AND entity_id NOT IN (SELECT entity_id FROM mentions)
  AND entity_id NOT IN (SELECT entity_id FROM entity_mentions)
  AND entity_id NOT IN (SELECT speaker_entity_id FROM quotes WHERE speaker_entity_id IS NOT NULL);
DELETE FROM entity_aliases
WHERE entity_id IN (SELECT entity_id FROM staged_forget_entities)
  AND entity_id NOT IN (SELECT entity_id FROM entities);

-- A forgotten page URL that a listing names again is never fetched again.
UPDATE seen_urls SET status = 'forgotten', doc_id = NULL, reason = NULL
WHERE url IN (SELECT uri FROM staged_forget_uris);
INSERT INTO seen_urls BY NAME
SELECT uri AS url, NULL AS source, now() AS first_seen_at, NULL AS listed_at, NULL AS modified_at,
    'forgotten' AS status, NULL AS doc_id, NULL AS fetched_at, 0 AS attempts, NULL AS reason
FROM staged_forget_uris
WHERE regexp_matches(uri, '^https?://')
  AND uri NOT IN (SELECT url FROM seen_urls);

DELETE FROM forgotten AS f USING staged_forgotten AS s WHERE f.key = s.key AND f.key_kind = s.key_kind;
INSERT INTO forgotten BY NAME SELECT * FROM staged_forgotten;
