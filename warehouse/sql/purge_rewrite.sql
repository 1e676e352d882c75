-- Rewrite the data files of one table that hold any deleted row, without them (maintenance waits for
-- most of a file's rows to be deleted; a purge wants none left in any file). Called table by table:
-- across the whole warehouse at once, DuckLake 1.5.5 fails on a table whose rows it keeps inlined in
-- the catalog. Each row: schema, table, files processed, files created.
CALL ducklake_rewrite_data_files('lake', $table, delete_threshold => 0)
