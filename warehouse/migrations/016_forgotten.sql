-- 016_forgotten: what `newslake forget` removed (a takedown, an erasure request), so that no later run
-- stores it again: a document's content hash, or the URL or file it was found at.
CREATE TABLE IF NOT EXISTS forgotten (
    key VARCHAR,            -- a doc_id, or a source URI (normalized URL, or file:// URI)
    key_kind VARCHAR,       -- doc_id | source_uri
    reason VARCHAR,
    forgotten_at TIMESTAMPTZ
);
