-- Delete the files no kept snapshot uses, scheduled for deletion before the given time.
CALL ducklake_cleanup_old_files('lake', older_than => $older_than::TIMESTAMPTZ)
