-- Items of a source left by earlier runs: pending ones, failures worth another try (transient
-- reasons, fewer than $max_attempts runs), and URLs refused for their address when this run's network
-- policy lets private addresses through ($private_allowed). Grain: one row per URL, oldest listed first.
SELECT url, modified_at
FROM seen_urls
WHERE source = $source
  AND (
      status = 'pending'
      OR (status = 'failed' AND attempts < $max_attempts
          AND (reason IN ('timeout', 'connection_error', 'robots_unavailable', 'dns_error') OR reason LIKE 'http_5%'))
      OR (status = 'failed' AND reason = 'blocked_address' AND $private_allowed)
  )
ORDER BY listed_at, url
