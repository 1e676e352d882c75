-- Per source over its last 20 runs: documents new, quarantined and failed, and days since its last article.
WITH recent AS (
    SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC) AS n FROM source_health
)
SELECT source, outcome, sum(documents) AS documents, max(days_since_last_article) AS days_since_last_article
FROM recent
UNPIVOT (documents FOR outcome IN (documents_new AS 'new', documents_quarantined AS 'quarantined',
                                   documents_failed AS 'failed'))
WHERE n <= 20
GROUP BY ALL
ORDER BY source, outcome
