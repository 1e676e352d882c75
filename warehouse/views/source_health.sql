-- source_health: how each source did in each run, and how long since it last gave an article.
-- Grain: one row per source and run. Keys: source, run_id.
-- Chart: a table with a traffic light on days_since_last_article and failed; bars of new vs failed per run.
-- Live sources are counted from their fetches; files given on the command line appear as source '(files)'.
WITH pages AS (
    SELECT f.source, f.run_id, f.url, f.outcome, f.doc_id
    FROM fetches AS f
    WHERE f.purpose = 'page'
),
per_run AS (
    SELECT
        p.source,
        p.run_id,
        count(*) AS documents_seen,
        count(*) FILTER (WHERE d.run_id = p.run_id) AS documents_new,
        count(*) FILTER (WHERE p.outcome = 'failed') AS documents_failed,
        count(*) FILTER (WHERE q.source_uri IS NOT NULL AND p.outcome <> 'failed') AS documents_quarantined
    FROM pages AS p
    LEFT JOIN documents AS d ON d.doc_id = p.doc_id
    LEFT JOIN (SELECT DISTINCT source_uri, run_id FROM quarantine WHERE stage <> 'fetch') AS q
        ON q.source_uri = p.url AND q.run_id = p.run_id
    GROUP BY ALL
),
file_runs AS (
    SELECT
        '(files)' AS source,
        r.run_id,
        r.documents_seen,
        r.documents_new,
        0 AS documents_failed,
        r.documents_quarantined
    FROM runs AS r
    WHERE r.run_id NOT IN (SELECT run_id FROM fetches)
),
last_article AS (
    SELECT coalesce(u.source, '(files)') AS source, max(a.extracted_at) AS last_article_at
    FROM articles AS a
    LEFT JOIN seen_urls AS u ON u.url = a.source_uri
    GROUP BY ALL
)
SELECT
    h.source,
    h.run_id,
    r.started_at,
    r.status AS run_status,
    h.documents_seen,
    h.documents_new,
    h.documents_quarantined,
    h.documents_failed,
    l.last_article_at,
    date_diff('day', l.last_article_at, now()) AS days_since_last_article
FROM (SELECT * FROM per_run UNION ALL SELECT * FROM file_runs) AS h
LEFT JOIN runs AS r USING (run_id)
LEFT JOIN last_article AS l USING (source)
