-- resolved_entities: each entity with the one it is across the whole warehouse.
-- Grain: one row per entity. Key: entity_id. resolved_id is what the other views count by.
-- Chart: none; join it to entities, mentions or quotes to count a person once.
-- Within an article "Trump" is already "Donald Trump"; across articles it is not, and "Donald J.
-- Trump" is a spelling of its own. Here a person's name without initials or a generational suffix
-- ("Jr.", "Sr.") is its key ("donald trump"), in lower case, without accents and with hyphens read
-- as spaces ("Erdoğan" is "Erdogan", "Kim Jong-un" is "Kim Jong Un"); a one-word name ("Ocasio-Cortez"
-- is one word) is the one full name in the warehouse whose last word it is;
-- a surname two people share ("Clinton": Bill and Hillary) stays as it is. resolved_id is the
-- entity id of the key (tasks/identify.py's scheme), so it does not depend on the order articles
-- were loaded in. Other entities resolve to themselves.
WITH mentioned AS (
    SELECT entity_id, CAST(sum(mention_count) AS BIGINT) AS mentions FROM mentions GROUP BY entity_id
),
named AS (
    SELECT
        e.entity_id,
        e.name,
        coalesce(m.mentions, 0) AS mentions,
        regexp_replace(e.name, '^(\S+\s+\S.*?),?\s+(?:Jr\.?|Sr\.?)$', '\1') AS core  -- without "Jr."/"Sr."
    FROM entities AS e
    LEFT JOIN mentioned AS m USING (entity_id)
    WHERE e.label = 'PERSON'
),
bare AS (
    SELECT
        entity_id,
        name,
        mentions,
        -- without initials ("J.", and a bare "L" between words), spaces made single
        trim(regexp_replace(
            regexp_replace(regexp_replace(core, '(^|\s)[A-Z]\.(\s|$)', ' ', 'g'), '\s[A-Z]\s', ' ', 'g'),
            '\s+', ' ', 'g'
        )) AS bare
    FROM named
),
people AS (
    SELECT
        entity_id,
        name,
        mentions,
        folded[1] AS key,
        folded[2] AS surname,
        contains(bare, ' ') AS full_name
    FROM (
        SELECT
            *,
            -- the name and its last word, in lower case, without accents, hyphens (ASCII and Unicode)
            -- read as spaces
            list_transform(
                [bare, string_split(bare, ' ')[-1]],
                lambda w: trim(regexp_replace(lower(strip_accents(w)), '[-\x{2010}\x{2011}\s]+', ' ', 'g'))
            ) AS folded
        FROM bare
    )
),
full_names AS (
    SELECT key, first(name ORDER BY mentions DESC, length(name), name) AS name, min(surname) AS surname
    FROM people
    WHERE full_name
    GROUP BY key
),
surnames AS (
    SELECT surname, any_value(key) AS key, any_value(name) AS name, count(*) AS people
    FROM full_names
    GROUP BY surname
),
resolved_people AS (
    SELECT
        p.entity_id,
        CASE WHEN f.key IS NOT NULL THEN f.key WHEN s.people = 1 THEN s.key ELSE p.key END AS key,
        CASE WHEN f.key IS NOT NULL THEN f.name WHEN s.people = 1 THEN s.name ELSE p.name END AS name
    FROM people AS p
    LEFT JOIN full_names AS f ON f.key = p.key
    LEFT JOIN surnames AS s ON s.surname = p.key AND NOT p.full_name
)
SELECT
    e.entity_id,
    e.name,
    e.label,
    coalesce(substr(sha256('PERSON' || chr(0) || r.key), 1, 20), e.entity_id) AS resolved_id,
    coalesce(r.name, e.name) AS resolved_name
FROM entities AS e
LEFT JOIN resolved_people AS r USING (entity_id)
