-- Expire the given snapshots: time travel no longer reaches them, and the files only they used are
-- scheduled for deletion.
CALL ducklake_expire_snapshots('lake', versions => $versions::UBIGINT[])
