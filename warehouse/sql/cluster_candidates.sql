-- Stored articles sharing at least one LSH band with an article of the batch, with their story,
-- signature and the bands they share. A lookup by band key: the batch is never compared with the
-- whole warehouse.
WITH matched AS (
    SELECT b.band_key, b.article_id
    FROM cluster_bands AS b
    SEMI JOIN staged_cluster_bands AS s ON s.band_key = b.band_key
    WHERE b.article_id NOT IN (SELECT article_id FROM staged_cluster_articles)
)
SELECT m.article_id, c.cluster_id, s.minhash, list(m.band_key) AS bands
FROM matched AS m
JOIN article_clusters AS c USING (article_id)
JOIN cluster_signatures AS s USING (article_id)
GROUP BY ALL
