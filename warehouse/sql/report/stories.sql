-- The stories told by the most sites: syndicated copies and rewrites of one story, first teller first.
SELECT
    cluster_id,
    coalesce(first_title, '(untitled)') AS title,
    first_site,
    CAST(first_seen AS DATE) AS first_day,
    articles,
    sites,
    spread_hours
FROM story_clusters
WHERE articles > 1
ORDER BY sites DESC, articles DESC, first_seen, cluster_id
LIMIT 10
