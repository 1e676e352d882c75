-- 015_readable_adhoc_names: one-off sources (--feed, --sitemap, --urls) were named adhoc-<kind>-<hash>;
-- they are now named after their kind and location (feed:example.com/rss.xml). Their saved state keeps
-- working under the new name: the old name is found from the source's kind and location, the same way
-- it was made (sha256 of "<kind>|<location>").
CREATE OR REPLACE TEMP VIEW adhoc_renames AS
SELECT source AS old_name, kind || ':' || regexp_replace(location, '^[a-z]+://', '') AS new_name
FROM source_state
WHERE source = 'adhoc-' || kind || '-' || sha256(kind || '|' || location)[1:10];

UPDATE seen_urls SET source = m.new_name FROM adhoc_renames AS m WHERE seen_urls.source = m.old_name;
UPDATE listing_validators SET source = m.new_name FROM adhoc_renames AS m WHERE listing_validators.source = m.old_name;
UPDATE fetches SET source = m.new_name FROM adhoc_renames AS m WHERE fetches.source = m.old_name;
UPDATE source_state SET source = m.new_name FROM adhoc_renames AS m WHERE source_state.source = m.old_name;

DROP VIEW adhoc_renames;
