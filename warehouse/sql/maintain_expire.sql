-- Expire the snapshots taken before the given time: time travel no longer reaches them.
CALL ducklake_expire_snapshots('lake', older_than => $older_than::TIMESTAMPTZ)
