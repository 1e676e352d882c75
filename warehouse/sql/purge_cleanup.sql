-- Delete every file scheduled for deletion, now (maintenance lets them wait for readers first).
CALL ducklake_cleanup_old_files('lake', cleanup_all => true)
