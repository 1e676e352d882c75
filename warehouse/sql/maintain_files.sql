-- The warehouse's live data files and delete files: count and bytes.
SELECT count(*) AS files, coalesce(sum(file_size_bytes), 0) AS bytes
FROM (
    SELECT file_size_bytes FROM __ducklake_metadata_lake.ducklake_data_file WHERE end_snapshot IS NULL
    UNION ALL
    SELECT file_size_bytes FROM __ducklake_metadata_lake.ducklake_delete_file WHERE end_snapshot IS NULL
)
