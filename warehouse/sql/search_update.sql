-- Bring a full-text index up to date in place: take out the stale articles and add the fresh ones
-- (tables search_stale and search_fresh, from search_changes.sql), keeping the tables of DuckDB's fts
-- extension as its create_fts_index builds them (docs, dict with df, terms, stats), with its own
-- tokenizer, stop words and stemmer, so its match_bm25 ranks exactly as over a fresh build.
-- Runs in the index database; index fields: title, text.
CREATE TEMP TABLE stale_docids AS
SELECT docid FROM fts_main_docs.docs WHERE "name" IN (SELECT article_id FROM search_stale);

UPDATE fts_main_docs.dict AS d
SET df = d.df - g.n
FROM (
    SELECT termid, count(DISTINCT docid) AS n
    FROM fts_main_docs.terms
    WHERE docid IN (SELECT docid FROM stale_docids)
    GROUP BY termid
) AS g
WHERE d.termid = g.termid;

DELETE FROM fts_main_docs.dict WHERE df <= 0;
DELETE FROM fts_main_docs.terms WHERE docid IN (SELECT docid FROM stale_docids);
DELETE FROM fts_main_docs.docs WHERE docid IN (SELECT docid FROM stale_docids);
DELETE FROM docs WHERE article_id IN (SELECT article_id FROM search_stale);
INSERT INTO docs BY NAME SELECT * FROM search_fresh;

CREATE TEMP TABLE fresh_docs AS
SELECT
    (SELECT coalesce(max(docid) + 1, 0) FROM fts_main_docs.docs) + row_number() OVER (ORDER BY article_id) - 1 AS docid,
    article_id AS "name",
    title,
    text
FROM search_fresh;

CREATE TEMP TABLE fresh_tokens AS
WITH tokenized AS (
    SELECT unnest(fts_main_docs.tokenize(title)) AS w, docid,
           (SELECT fieldid FROM fts_main_docs.fields WHERE field = 'title') AS fieldid
    FROM fresh_docs
    UNION ALL
    SELECT unnest(fts_main_docs.tokenize(text)) AS w, docid,
           (SELECT fieldid FROM fts_main_docs.fields WHERE field = 'text') AS fieldid
    FROM fresh_docs
)
SELECT stem(w, 'porter') AS term, docid, fieldid
FROM tokenized
WHERE w IS NOT NULL AND len(w) > 0 AND w NOT IN (SELECT sw FROM fts_main_docs.stopwords);

INSERT INTO fts_main_docs.docs (docid, "name", len)
SELECT f.docid, f."name", coalesce(l.len, 0)
FROM fresh_docs AS f
LEFT JOIN (SELECT docid, count(*) AS len FROM fresh_tokens GROUP BY docid) AS l USING (docid);

INSERT INTO fts_main_docs.dict (termid, term, df)
SELECT (SELECT coalesce(max(termid) + 1, 0) FROM fts_main_docs.dict) + row_number() OVER (ORDER BY term) - 1, term, 0
FROM (SELECT DISTINCT term FROM fresh_tokens WHERE term NOT IN (SELECT term FROM fts_main_docs.dict));

INSERT INTO fts_main_docs.terms (docid, fieldid, termid)
SELECT t.docid, t.fieldid, d.termid
FROM fresh_tokens AS t
JOIN fts_main_docs.dict AS d USING (term);

UPDATE fts_main_docs.dict AS d
SET df = d.df + g.n
FROM (
    SELECT d2.termid, count(DISTINCT t.docid) AS n
    FROM fresh_tokens AS t
    JOIN fts_main_docs.dict AS d2 USING (term)
    GROUP BY d2.termid
) AS g
WHERE d.termid = g.termid;

UPDATE fts_main_docs.stats
SET num_docs = (SELECT count(docid) FROM fts_main_docs.docs),
    avgdl = (SELECT sum(len) / count(len) FROM fts_main_docs.docs);

DROP TABLE search_stale;
DROP TABLE search_fresh;
