-- The batches of staged_validation_runs the warehouse already holds results of (a replayed batch, one
-- redone after its worker died), read inside the batch's transaction for load_batch.sql's
-- staged_revalidated. A batch's validation_runs and validation_results rows are written together.
SELECT DISTINCT v.run_id, v.batch
FROM validation_runs AS v
JOIN (SELECT DISTINCT run_id, batch FROM staged_validation_runs) AS s ON v.run_id = s.run_id AND v.batch = s.batch;
