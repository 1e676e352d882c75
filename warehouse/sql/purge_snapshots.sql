-- Every snapshot but the current one: what a purge expires.
SELECT snapshot_id FROM ducklake_snapshots('lake')
WHERE snapshot_id < (SELECT max(snapshot_id) FROM ducklake_snapshots('lake'))
ORDER BY snapshot_id
