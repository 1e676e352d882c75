-- Drop the raw bytes of the documents stored before $older_than (lake.keep_raw_days), timed by the start
-- of the run that stored them (a page from a web archive may have been found years before). A document
-- refused as too large never had its bytes stored; it is marked all the same, so it is not looked at again.
UPDATE documents
SET content = NULL, content_dropped_at = $now
WHERE content_dropped_at IS NULL
  AND doc_id IN (
      SELECT d.doc_id
      FROM documents AS d
      LEFT JOIN runs AS r USING (run_id)
      WHERE d.content_dropped_at IS NULL AND coalesce(r.started_at, d.discovered_at) < $older_than
  )
