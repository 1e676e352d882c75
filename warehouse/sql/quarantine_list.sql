-- What was refused, newest first. Grain: one row per refused document (its latest refusal).
-- Filters are optional: NULL matches everything.
SELECT q.quarantined_at, q.run_id, q.reason, q.stage, q.source_uri, q.detail, q.doc_id
FROM quarantine AS q
WHERE ($run_id IS NULL OR q.run_id = $run_id)
  AND ($reason IS NULL OR q.reason LIKE $reason || '%')
  AND ($source IS NULL OR q.source_uri LIKE '%' || $source || '%')
ORDER BY q.quarantined_at DESC, q.source_uri
