-- Store run-level validation outcomes (batch 0), staged by warehouse/load.py.
INSERT INTO validation_runs BY NAME SELECT * FROM staged_validation_runs;
INSERT INTO validation_results BY NAME SELECT * FROM staged_validation_results;
