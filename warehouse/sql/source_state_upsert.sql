-- Record how a run of a source went: a new row beside the previous one, which it reads its last success
-- from and which warehouse/sources.py then deletes. Grain: one row per source. Key: source.
INSERT INTO source_state
    (source, kind, location, last_run_id, last_poll_at, last_success_at, last_status,
     items_found, items_new, items_failed, items_pending, last_error)
SELECT
    $source, $kind, $location, $run_id, $polled_at,
    CASE
        WHEN $status IN ('completed', 'warning') THEN now()
        ELSE (SELECT max(last_success_at) FROM source_state WHERE source = $source)
    END,
    $status, $items_found, $items_new, $items_failed,
    (SELECT count(*) FROM seen_urls WHERE source = $source AND status = 'pending'),
    $error;
