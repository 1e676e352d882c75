-- What the warehouse already knows of the URLs a poll listed. Grain: one row per known URL. Key: url.
SELECT url, status, modified_at, doc_id, attempts, reason
FROM seen_urls
WHERE url IN (SELECT url FROM staged_urls)
