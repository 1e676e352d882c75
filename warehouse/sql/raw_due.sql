-- How many documents stored (by the run that stored them) before $older_than still hold their raw bytes.
-- Only times are read, never the bytes.
SELECT count(*)
FROM documents AS d
LEFT JOIN runs AS r USING (run_id)
WHERE d.content_dropped_at IS NULL AND coalesce(r.started_at, d.discovered_at) < $older_than
