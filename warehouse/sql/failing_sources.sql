-- Those of the sources named in $names whose listing failed in their last recorded run.
SELECT source
FROM source_state
WHERE last_error IS NOT NULL AND list_contains($names, source)
