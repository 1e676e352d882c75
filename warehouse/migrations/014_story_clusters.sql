-- 014_story_clusters: articles that tell the same story (syndicated copies, light rewrites of one
-- wire story, one article under two URLs) share a cluster. Clusters grow as runs load articles and
-- never merge or change id. Articles loaded before this migration have no row: each is its own story.
CREATE TABLE IF NOT EXISTS article_clusters (
    article_id VARCHAR,      -- key: one row per article
    cluster_id VARCHAR,      -- the story: the article id of its first article
    similarity DOUBLE,       -- estimated Jaccard similarity to its closest article when it joined; NULL for the first
    clustered_at TIMESTAMPTZ,
    run_id VARCHAR
);

-- Internal: each article's MinHash signature, and its LSH band keys (one row per band), which find
-- the candidates a new article is compared with.
CREATE TABLE IF NOT EXISTS cluster_signatures (
    article_id VARCHAR,
    minhash BLOB
);
CREATE TABLE IF NOT EXISTS cluster_bands (
    band_key BIGINT,
    article_id VARCHAR
);
