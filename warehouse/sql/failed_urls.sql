-- Failed URLs per source and reason, for the chosen source and reason prefix. Grain: source x reason.
SELECT source, reason, count(*) AS urls
FROM seen_urls
WHERE status = 'failed'
  AND ($source IS NULL OR source = $source)
  AND ($reason IS NULL OR starts_with(reason, $reason))
GROUP BY ALL
ORDER BY source, reason
