-- Store the batch's signatures and bands (replacing an updated article's) and its new placements.
DELETE FROM cluster_signatures WHERE article_id IN (SELECT article_id FROM staged_cluster_articles);
INSERT INTO cluster_signatures BY NAME SELECT * FROM staged_signatures;
DELETE FROM cluster_bands WHERE article_id IN (SELECT article_id FROM staged_cluster_articles);
INSERT INTO cluster_bands BY NAME SELECT * FROM staged_cluster_bands;
INSERT INTO article_clusters BY NAME SELECT * FROM staged_clusters;
