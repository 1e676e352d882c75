-- The entities those articles name or quote.
SELECT DISTINCT entity_id FROM (
    SELECT entity_id FROM mentions WHERE article_id IN (SELECT article_id FROM staged_forget_articles)
    UNION ALL
    SELECT entity_id FROM entity_mentions WHERE article_id IN (SELECT article_id FROM staged_forget_articles)
    UNION ALL
    SELECT speaker_entity_id FROM quotes WHERE article_id IN (SELECT article_id FROM staged_forget_articles)
)
WHERE entity_id IS NOT NULL;
