-- Checks run and failed per day, by suite.
SELECT day, suite, sum(checks) AS checks, sum(failed_checks) AS failed_checks, sum(failing_rows) AS failing_rows
FROM quality_trend
GROUP BY ALL
ORDER BY day, suite
