-- The lake's articles as the search index keeps them: what a search shows and filters on, and the
-- version of each row (run_id, extracted_at). Grain: one row per article. Key: article_id.
CREATE OR REPLACE TEMP VIEW search_docs AS
SELECT article_id, title, site_name, language, published_at, extracted_at, url, text, run_id
FROM lake.articles;
