-- 016_forgotten: what `newslake forget` removed (a takedown, an erasure request), so that no later run
-- stores it again: a document's content hash, the URL or file it was found at, or a whole host.
CREATE TABLE IF NOT EXISTS forgotten (
    key VARCHAR,            -- a doc_id, a source URI (normalized URL, or file:// URI), or a host
    key_kind VARCHAR,       -- doc_id | source_uri | host
    reason VARCHAR,
    forgotten_at TIMESTAMPTZ
);
