-- quotes_leaderboard: who is quoted most, and about what.
-- Grain: one row per speaker. Key: speaker_entity_id.
-- Chart: horizontal bars of quotes per speaker; the topics and latest quote as a table beside it.
-- "About what": the entities the speaker's articles mention most (other than the speaker), and their titles.
WITH resolved_quotes AS (
    SELECT q.* REPLACE (r.resolved_id AS speaker_entity_id)
    FROM quotes AS q
    JOIN resolved_entities AS r ON r.entity_id = q.speaker_entity_id
),
quoted AS (
    SELECT
        q.speaker_entity_id,
        count(*) AS quotes,
        count(DISTINCT q.article_id) AS articles,
        arg_max(q.quote, coalesce(a.published_at, a.extracted_at)) AS latest_quote,
        max(coalesce(a.published_at, a.extracted_at)) AS latest_at,
        list(DISTINCT a.title ORDER BY a.title)[1:3] AS example_titles
    FROM resolved_quotes AS q
    JOIN articles AS a USING (article_id)
    GROUP BY q.speaker_entity_id
),
topics AS (
    SELECT speaker_entity_id, list(name ORDER BY mentions DESC, name)[1:5] AS topics
    FROM (
        SELECT q.speaker_entity_id, e.resolved_name AS name, CAST(sum(m.mention_count) AS BIGINT) AS mentions
        FROM (SELECT DISTINCT speaker_entity_id, article_id FROM resolved_quotes) AS q
        JOIN mentions AS m ON m.article_id = q.article_id
        JOIN resolved_entities AS e ON e.entity_id = m.entity_id AND e.resolved_id <> q.speaker_entity_id
        GROUP BY ALL
    )
    GROUP BY speaker_entity_id
)
SELECT
    quoted.speaker_entity_id,
    e.resolved_name AS speaker,
    e.label,
    quoted.quotes,
    quoted.articles,
    coalesce(topics.topics, []) AS topics,
    quoted.example_titles,
    quoted.latest_quote,
    quoted.latest_at
FROM quoted
JOIN (SELECT DISTINCT resolved_id, resolved_name, label FROM resolved_entities) AS e
    ON e.resolved_id = quoted.speaker_entity_id
LEFT JOIN topics USING (speaker_entity_id)
