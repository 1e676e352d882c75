-- Record what a poll of a source found, before any page is fetched, so a run that stops half-way
-- leaves its remaining items pending for the next run. Runs in one transaction.

-- Conditional-GET validators of the feeds and sitemaps polled. Grain: one row per listing URL.
DELETE FROM listing_validators WHERE url IN (SELECT url FROM staged_validators);
INSERT INTO listing_validators BY NAME SELECT * FROM staged_validators;

-- Fetches of the listings themselves.
INSERT INTO fetches BY NAME SELECT * FROM staged_listing_fetches;

-- A listing asked for again leaves quarantine for its earlier failure (a new failure is quarantined
-- again by the run's listing batch).
DELETE FROM quarantine
WHERE stage = 'listing' AND source_uri IN (SELECT url FROM staged_listing_fetches);

-- Items listed again with a newer change date, or retried: pending (or skipped) again.
UPDATE seen_urls SET
    status = s.status,
    listed_at = s.listed_at,
    modified_at = coalesce(s.modified_at, seen_urls.modified_at),
    reason = s.reason
FROM staged_listed AS s
WHERE seen_urls.url = s.url;

-- Items never seen before.
INSERT INTO seen_urls BY NAME
SELECT
    s.url,
    s.source,
    s.listed_at AS first_seen_at,
    s.listed_at,
    s.modified_at,
    s.status,
    NULL AS doc_id,
    NULL AS fetched_at,
    0 AS attempts,
    s.reason
FROM staged_listed AS s
ANTI JOIN seen_urls AS u ON u.url = s.url;
