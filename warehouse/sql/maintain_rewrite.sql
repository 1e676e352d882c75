-- Rewrite the files whose rows are mostly deleted (updated runs, sources' state), without the deleted rows.
CALL ducklake_rewrite_data_files('lake')
