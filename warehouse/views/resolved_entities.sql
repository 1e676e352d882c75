-- resolved_entities: each entity with the one it is across the whole warehouse.
-- Grain: one row per entity. Key: entity_id. resolved_id is what the other views count by.
-- Chart: none; join it to entities, mentions or quotes to count a person once.
-- Within an article "Trump" is already "Donald Trump"; across articles it is not, and "Donald J.
-- Trump" is a spelling of its own. Here a person's name without initials or a generational suffix
-- ("Jr.", "Sr.") is its key ("donald trump"), in lower case, without accents and with hyphens read
-- as spaces ("Erdoğan" is "Erdogan", "Kim Jong-un" is "Kim Jong Un"); a one-word name ("Ocasio-Cortez"
-- is one word) is the one full name in the warehouse whose last word it is, or the one of several that
-- at least three articles name and three times as many articles as any other: news calls the best
-- known bearer of a surname by it alone and names the others in full ("Macron" is Emmanuel Macron
-- beside one article on Brigitte Macron). A surname two people share more evenly ("Clinton": Bill and
-- Hillary) stays as it is. resolved_id is the
-- entity id of the key (tasks/identify.py's scheme), so it does not depend on the order articles
-- were loaded in. Other entities resolve to themselves.
WITH mentioned AS (
    SELECT entity_id, CAST(sum(mention_count) AS BIGINT) AS mentions, count(*) AS articles
    FROM mentions
    GROUP BY entity_id
),
-- An entity's spelling is the one most articles write: the entity row keeps the first one loaded, and a
-- dateline's "WASHINGTON" loaded first is still "Washington". A person's or a place's name in capitals
-- (a dateline, a headline) comes after any other spelling however many articles use it; an
-- organisation's may be its acronym ("NATO"). Ties go to a spelling not in capitals, then the first in
-- order, so the name does not depend on the order articles were loaded in.
spellings AS (
    SELECT f.entity_id, f.spelling, e.label, count(*) AS articles
    FROM (SELECT entity_id, unnest(surface_forms) AS spelling FROM mentions) AS f
    JOIN entities AS e USING (entity_id)
    WHERE lower(f.spelling) = lower(e.name)
    GROUP BY ALL
),
spelled AS (
    SELECT
        entity_id,
        first(
            spelling ORDER BY
                label IN ('PERSON', 'GPE', 'LOC', 'FAC') AND spelling = upper(spelling),
                articles DESC,
                spelling = upper(spelling),
                spelling
        ) AS name
    FROM spellings
    GROUP BY entity_id
),
shown AS (
    SELECT e.entity_id, coalesce(s.name, e.name) AS name, e.label
    FROM entities AS e
    LEFT JOIN spelled AS s USING (entity_id)
),
named AS (
    SELECT
        e.entity_id,
        e.name,
        coalesce(m.mentions, 0) AS mentions,
        coalesce(m.articles, 0) AS articles,
        regexp_replace(e.name, '^(\S+\s+\S.*?),?\s+(?:Jr\.?|Sr\.?)$', '\1') AS core  -- without "Jr."/"Sr."
    FROM shown AS e
    LEFT JOIN mentioned AS m USING (entity_id)
    WHERE e.label = 'PERSON'
),
bare AS (
    SELECT
        entity_id,
        name,
        mentions,
        articles,
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
        articles,
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
    SELECT
        key,
        first(name ORDER BY mentions DESC, length(name), name) AS name,
        min(surname) AS surname,
        sum(articles) AS articles  -- an article naming a person two ways counts twice: a few at most
    FROM people
    WHERE full_name
    GROUP BY key
),
-- Per surname, the full name most articles give, and whether it is the surname's alone (see the top).
surnames AS (
    SELECT
        surname,
        first(key ORDER BY articles DESC, key) AS key,
        first(name ORDER BY articles DESC, key) AS name,
        count(*) = 1 OR (max(articles) >= 3 AND max(articles) >= 3 * list_sort(list(articles), 'DESC')[2]) AS owns
    FROM full_names
    GROUP BY surname
),
resolved_people AS (
    SELECT
        p.entity_id,
        CASE WHEN f.key IS NOT NULL THEN f.key WHEN s.owns THEN s.key ELSE p.key END AS key,
        CASE WHEN f.key IS NOT NULL THEN f.name WHEN s.owns THEN s.name ELSE p.name END AS name
    FROM people AS p
    LEFT JOIN full_names AS f ON f.key = p.key
    -- An equality alone: with the one-word test in the join's condition DuckDB compared every person
    -- with every surname (`make bench-views`: 5.1 s for 200,000 entities, 0.85 s by equality);
    -- surnames has one row per surname.
    LEFT JOIN surnames AS s ON s.surname = CASE WHEN NOT p.full_name THEN p.key END
)
SELECT
    e.entity_id,
    e.name,
    e.label,
    coalesce(substr(sha256('PERSON' || chr(0) || r.key), 1, 20), e.entity_id) AS resolved_id,
    coalesce(r.name, s.name) AS resolved_name
FROM entities AS e
JOIN shown AS s USING (entity_id)
LEFT JOIN resolved_people AS r USING (entity_id)
