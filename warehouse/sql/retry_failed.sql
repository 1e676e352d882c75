-- Make the failed URLs of the chosen sources (and reasons) pending again, with a fresh count of
-- attempts: the next run of each source fetches them. Grain: one row per URL. Key: (source, url).
UPDATE seen_urls SET status = 'pending', attempts = 0, reason = NULL
WHERE status = 'failed'
  AND ($source IS NULL OR source = $source)
  AND ($reason IS NULL OR starts_with(reason, $reason))
