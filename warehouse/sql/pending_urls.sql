-- Items of a source left by earlier runs: pending ones, and failures worth another try
-- (transient reasons, fewer than $max_attempts runs). Grain: one row per URL, oldest listed first.
SELECT url, modified_at
FROM seen_urls
WHERE source = $source
  AND (
      status = 'pending'
      OR (status = 'failed' AND attempts < $max_attempts
          AND (reason IN ('timeout', 'connection_error', 'robots_unavailable', 'dns_error') OR reason LIKE 'http_5%'))
  )
ORDER BY listed_at, url
