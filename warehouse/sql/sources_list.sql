-- State of each source that has run. Grain: one row per source. Key: source.
SELECT
    s.source, s.kind, s.location, s.last_poll_at, s.last_success_at, s.last_status,
    s.items_found, s.items_new, s.items_failed, s.items_pending, s.last_error,
    (SELECT count(*) FROM seen_urls AS u WHERE u.source = s.source AND u.status = 'done') AS urls_done
FROM source_state AS s
ORDER BY s.source
