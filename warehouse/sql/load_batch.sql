-- Load one processed batch. Runs inside one transaction (see warehouse/load.py), so a batch is
-- either wholly in the warehouse or not at all. Idempotent: replaying a batch changes nothing.

-- Raw documents: stored once per content hash.
INSERT INTO documents BY NAME
SELECT * FROM staged_documents
WHERE doc_id NOT IN (SELECT doc_id FROM documents);

-- Where each document was found; the newest row per source is its current content.
DELETE FROM document_sources AS d
USING staged_sources AS s
WHERE d.source_uri = s.source_uri AND d.doc_id = s.doc_id;

INSERT INTO document_sources BY NAME SELECT * FROM staged_sources;

-- Updated articles: keep the previous version, then replace it. staged_replaced holds the staged
-- articles the warehouse already has (replaced_articles.sql, inside this transaction): an article's
-- mentions, links, entity mentions and quotes exist only while the article does.
INSERT INTO article_versions BY NAME
SELECT a.*, s.extracted_at AS superseded_at, s.run_id AS superseded_by_run
FROM articles AS a
JOIN staged_replaced AS s ON s.article_id = a.article_id
WHERE a.doc_id <> s.doc_id;

DELETE FROM articles WHERE article_id IN (SELECT article_id FROM staged_replaced);
INSERT INTO articles BY NAME SELECT * FROM staged_articles;

-- Mentions and links belong to the current version of an article.
DELETE FROM mentions WHERE article_id IN (SELECT article_id FROM staged_replaced);
INSERT INTO mentions BY NAME SELECT * FROM staged_mentions;

DELETE FROM links WHERE article_id IN (SELECT article_id FROM staged_replaced);
INSERT INTO links BY NAME SELECT * FROM staged_links;

DELETE FROM entity_mentions WHERE article_id IN (SELECT article_id FROM staged_replaced);
INSERT INTO entity_mentions BY NAME SELECT * FROM staged_entity_mentions;

DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM staged_replaced);
INSERT INTO quotes BY NAME SELECT * FROM staged_quotes;

-- Entities and aliases are shared across articles: only new ones are added.
INSERT INTO entities BY NAME
SELECT * FROM staged_entities
WHERE entity_id NOT IN (SELECT entity_id FROM entities);

INSERT INTO entity_aliases BY NAME
SELECT s.* FROM staged_aliases AS s
ANTI JOIN entity_aliases AS a ON a.alias = s.alias AND a.entity_id = s.entity_id;

-- A document that now loads leaves quarantine; a refusal replaces any earlier one for that document.
DELETE FROM quarantine
WHERE doc_id IN (SELECT doc_id FROM staged_articles UNION ALL SELECT doc_id FROM staged_quarantine);
-- A URL fetched again leaves quarantine for its earlier fetch failure (a new failure replaces it).
DELETE FROM quarantine
WHERE stage = 'fetch' AND source_uri IN (SELECT url FROM staged_fetches);
-- A listing, or an item it lists, refused again replaces its earlier refusal rather than adding one per run.
DELETE FROM quarantine
WHERE stage = 'listing' AND source_uri IN (SELECT source_uri FROM staged_quarantine WHERE stage = 'listing');
INSERT INTO quarantine BY NAME SELECT * FROM staged_quarantine;

-- Quality results of the batch (a replayed batch, one redone after its worker died, replaces its own:
-- staged_revalidated, from revalidated_batches.sql inside this transaction).
DELETE FROM validation_runs AS v
USING staged_revalidated AS s
WHERE v.run_id = s.run_id AND v.batch = s.batch;
INSERT INTO validation_runs BY NAME SELECT * FROM staged_validation_runs;
DELETE FROM validation_results AS v
USING staged_revalidated AS s
WHERE v.run_id = s.run_id AND v.batch = s.batch;
INSERT INTO validation_results BY NAME SELECT * FROM staged_validation_results;

-- Page fetches of the batch, and the state of their URLs: fetched (done) or failed.
DELETE FROM fetches AS f
USING staged_fetches AS s
WHERE f.run_id = s.run_id AND f.url = s.url AND f.fetched_at = s.fetched_at;
INSERT INTO fetches BY NAME SELECT * FROM staged_fetches;

UPDATE seen_urls SET
    status = CASE WHEN f.outcome = 'failed' THEN 'failed' ELSE 'done' END,
    doc_id = coalesce(f.doc_id, seen_urls.doc_id),
    fetched_at = f.fetched_at,
    attempts = seen_urls.attempts + 1,
    reason = f.reason
FROM staged_fetches AS f
WHERE seen_urls.url = f.url;
