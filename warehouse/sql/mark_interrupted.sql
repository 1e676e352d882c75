-- Record runs whose process is gone as interrupted. Grain: one run. Key: run_id.
UPDATE runs SET
    status = 'interrupted',
    finished_at = coalesce(finished_at, now()),
    error = coalesce(error, $error)
WHERE status = 'running' AND list_contains($run_ids, run_id)
