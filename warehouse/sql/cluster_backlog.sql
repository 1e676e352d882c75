-- Articles without a story yet (loaded before story clusters existed), oldest first.
SELECT a.article_id, a.text
FROM articles AS a
ANTI JOIN article_clusters AS c USING (article_id)
ORDER BY coalesce(a.published_at, a.extracted_at), a.article_id
LIMIT $1
