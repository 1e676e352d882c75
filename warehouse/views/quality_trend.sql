-- quality_trend: failed data-quality expectations per day.
-- Grain: one row per day, suite and expectation. Keys: day, suite, expectation.
-- Chart: stacked bars of failing_rows per day, coloured by expectation; a line of the failure rate.
SELECT
    CAST(validated_at AS DATE) AS day,
    suite,
    expectation,
    any_value(severity) AS severity,
    count(*) AS checks,
    count(*) FILTER (WHERE NOT success) AS failed_checks,
    CAST(coalesce(sum(unexpected_count), 0) AS BIGINT) AS failing_rows,
    round(count(*) FILTER (WHERE NOT success) / count(*), 4) AS failure_rate
FROM validation_results
GROUP BY ALL
