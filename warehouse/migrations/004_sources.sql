-- 004_sources: live sources. Where fetched documents came from, every fetch, and per-source state
-- (listing validators, seen URLs with their content hashes) so each run fetches only what is new or changed.

ALTER TABLE documents ADD COLUMN IF NOT EXISTS http_status INTEGER;      -- status of the fetch that stored it
ALTER TABLE documents ADD COLUMN IF NOT EXISTS final_url VARCHAR;        -- URL after redirects
ALTER TABLE documents ADD COLUMN IF NOT EXISTS fetched_at TIMESTAMPTZ;   -- when it was fetched
ALTER TABLE documents ADD COLUMN IF NOT EXISTS http_headers VARCHAR;     -- JSON of selected response headers

-- Every HTTP fetch of a page, feed or sitemap, successful or not. Grain: one row per fetch.
CREATE TABLE IF NOT EXISTS fetches (
    run_id       VARCHAR,
    source       VARCHAR,      -- configured source name
    url          VARCHAR,      -- the normalized URL asked for
    final_url    VARCHAR,      -- after redirects
    purpose      VARCHAR,      -- page | feed | sitemap
    outcome      VARCHAR,      -- fetched | not_modified | failed
    http_status  INTEGER,      -- NULL when no response came
    reason       VARCHAR,      -- reason code of a failure (http_404, timeout, too_large, robots_disallowed, ...)
    detail       VARCHAR,
    attempts     INTEGER,      -- requests made, retries included
    byte_size    BIGINT,
    doc_id       VARCHAR,      -- the document stored from it, for pages
    http_headers VARCHAR,      -- JSON of selected response headers
    fetched_at   TIMESTAMPTZ
);

-- Per-source state. Grain: one row per source.
CREATE TABLE IF NOT EXISTS source_state (
    source          VARCHAR,
    kind            VARCHAR,      -- folder | urls | feed | sitemap
    location        VARCHAR,
    last_run_id     VARCHAR,
    last_poll_at    TIMESTAMPTZ,  -- when the last run started polling it
    last_success_at TIMESTAMPTZ,  -- when a run of it last finished without error
    last_status     VARCHAR,      -- completed | warning | failed
    items_found     INTEGER,      -- items the last run's listing held
    items_new       INTEGER,      -- items the last run fetched because they were new or changed
    items_failed    INTEGER,      -- items the last run could not fetch
    items_pending   INTEGER,      -- items left for the next run (max_items, or a run that stopped)
    last_error      VARCHAR
);

-- Conditional-GET validators of feeds and sitemaps. Grain: one row per listing URL.
CREATE TABLE IF NOT EXISTS listing_validators (
    source        VARCHAR,
    url           VARCHAR,
    etag          VARCHAR,
    last_modified VARCHAR,
    checked_at    TIMESTAMPTZ
);

-- Every page URL a source listed. Grain: one row per normalized URL (the first source that listed it).
CREATE TABLE IF NOT EXISTS seen_urls (
    url           VARCHAR,
    source        VARCHAR,
    first_seen_at TIMESTAMPTZ,
    listed_at     TIMESTAMPTZ,  -- when a listing last named it
    modified_at   TIMESTAMPTZ,  -- change date the listing gives (feed updated, sitemap lastmod)
    status        VARCHAR,      -- pending | done | failed | skipped
    doc_id        VARCHAR,      -- content hash of the last fetch
    fetched_at    TIMESTAMPTZ,
    attempts      INTEGER,      -- runs that tried to fetch it
    reason        VARCHAR       -- why the last fetch failed, or why it is skipped
);
