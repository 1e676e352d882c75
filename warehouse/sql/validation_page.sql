-- The validation page: each expectation of the latest runs, summed over the run's batches.
-- $runs: how many of the latest runs (that validated anything) to show.
WITH latest AS (
    SELECT r.run_id, r.started_at, r.status
    FROM runs AS r
    WHERE r.run_id IN (SELECT DISTINCT run_id FROM validation_results)
    ORDER BY r.started_at DESC
    LIMIT $runs
)
SELECT
    l.run_id,
    l.started_at,
    l.status,
    v.suite,
    v.expectation,
    any_value(v.severity) AS severity,
    count(*) AS checks,
    count(*) FILTER (WHERE NOT v.success) AS failed_checks,
    CAST(coalesce(sum(v.unexpected_count), 0) AS BIGINT) AS failing_rows,
    list_distinct(flatten(list(v.failing_ids) FILTER (WHERE NOT v.success)))[1:10] AS failing_ids,
    any_value(v.observed) FILTER (WHERE NOT v.success) AS observed
FROM latest AS l
JOIN validation_results AS v USING (run_id)
GROUP BY l.run_id, l.started_at, l.status, v.suite, v.expectation
ORDER BY l.started_at DESC, v.suite, failed_checks DESC, v.expectation
