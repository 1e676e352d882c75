-- What the search index (attached as search_build) lacks: the articles it holds in another version or
-- no longer in the lake (search_stale), and the lake's articles it does not hold as they are now
-- (search_fresh). A row's version is the run that wrote it and when it was extracted.
-- Grain: one row per article. Key: article_id.
CREATE OR REPLACE TABLE search_build.search_stale AS
SELECT d.article_id
FROM search_build.docs AS d
WHERE NOT EXISTS (
    SELECT 1
    FROM lake.articles AS a
    WHERE a.article_id = d.article_id
      AND a.run_id IS NOT DISTINCT FROM d.run_id
      AND a.extracted_at IS NOT DISTINCT FROM d.extracted_at
);

CREATE OR REPLACE TABLE search_build.search_fresh AS
SELECT a.article_id, a.title, a.site_name, a.language, a.published_at, a.extracted_at, a.url, a.text, a.run_id
FROM lake.articles AS a
WHERE NOT EXISTS (
    SELECT 1
    FROM search_build.docs AS d
    WHERE d.article_id = a.article_id
      AND d.run_id IS NOT DISTINCT FROM a.run_id
      AND d.extracted_at IS NOT DISTINCT FROM a.extracted_at
);
