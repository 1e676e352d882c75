-- story_clusters: one row per story (articles whose texts are near-duplicates: syndicated copies,
-- light rewrites of one wire story, one article under two URLs), with who told it first and how far
-- it spread. Articles without a cluster row (loaded before clustering) are each a story of their own.
-- Grain: one row per story. Key: cluster_id.
-- Chart: a table of the widest stories; a histogram of sites per story; a timeline of first_seen.
WITH placed AS (
    SELECT
        coalesce(c.cluster_id, a.article_id) AS cluster_id,
        a.article_id,
        a.title,
        a.url,
        coalesce(a.site_name, '(unknown)') AS site_name,
        coalesce(a.published_at, a.extracted_at) AS seen_at
    FROM articles AS a
    LEFT JOIN article_clusters AS c USING (article_id)
)
SELECT
    cluster_id,
    count(*) AS articles,
    count(DISTINCT site_name) AS sites,
    arg_min(title, (seen_at, article_id)) AS first_title,
    arg_min(site_name, (seen_at, article_id)) AS first_site,
    arg_min(url, (seen_at, article_id)) AS first_url,
    min(seen_at) AS first_seen,
    max(seen_at) AS last_seen,
    round(date_diff('second', min(seen_at), max(seen_at)) / 3600, 1) AS spread_hours,
    list(DISTINCT site_name ORDER BY site_name) AS site_names
FROM placed
GROUP BY cluster_id
