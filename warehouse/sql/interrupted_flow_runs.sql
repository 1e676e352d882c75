-- The orchestrator's flow runs of runs just marked interrupted, oldest run first. Grain: one run. Key: run_id.
SELECT flow_run_id
FROM runs
WHERE list_contains($run_ids, run_id) AND status = 'interrupted' AND coalesce(flow_run_id, '') <> ''
ORDER BY started_at
