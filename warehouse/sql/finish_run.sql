-- Record a run's outcome and counts on its runs row. Grain: one run. Key: run_id.
UPDATE runs SET
    finished_at = now(),
    status = $status,
    documents_seen = $documents_seen,
    documents_new = $documents_new,
    documents_updated = $documents_updated,
    documents_unchanged = $documents_unchanged,
    documents_quarantined = $documents_quarantined,
    quarantine_reasons = $quarantine_reasons,
    records_passed_over = $records_passed_over,
    articles_loaded = $articles_loaded,
    entities_loaded = $entities_loaded,
    mentions_loaded = $mentions_loaded,
    links_loaded = $links_loaded,
    quotes_loaded = $quotes_loaded,
    quality_breaches = $quality_breaches,
    seconds = $seconds,
    error = $error
WHERE run_id = $run_id
