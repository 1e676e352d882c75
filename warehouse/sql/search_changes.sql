-- What the search index (attached as search_build) lacks: the articles it holds in another version or
-- no longer in the lake (search_stale), and the lake's articles it does not hold as they are now
-- (search_fresh). A row's version is the run that wrote it and when it was extracted. search_docs is
-- the lake's articles with the index's columns (search_docs.sql).
-- Grain: one row per article. Key: article_id.
CREATE OR REPLACE TEMP TABLE search_current AS
SELECT d.article_id
FROM search_build.docs AS d
JOIN lake.articles AS a
  ON a.article_id = d.article_id
 AND a.run_id IS NOT DISTINCT FROM d.run_id
 AND a.extracted_at IS NOT DISTINCT FROM d.extracted_at;

CREATE OR REPLACE TABLE search_build.search_stale AS
SELECT article_id FROM search_build.docs WHERE article_id NOT IN (SELECT article_id FROM search_current);

CREATE OR REPLACE TABLE search_build.search_fresh AS
SELECT * FROM search_docs WHERE article_id NOT IN (SELECT article_id FROM search_current);

DROP TABLE search_current;
