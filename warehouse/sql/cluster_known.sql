-- Articles of the batch that already have a story (an update, or a replayed batch): they keep it.
SELECT article_id FROM article_clusters WHERE article_id IN (SELECT article_id FROM staged_cluster_articles)
