-- Merge each table's small adjacent files into larger ones (the data as it is now; older snapshots keep theirs).
CALL ducklake_merge_adjacent_files('lake')
