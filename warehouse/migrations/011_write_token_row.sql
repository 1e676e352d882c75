-- 011_write_token_row: the token's single row, kept in the catalog (inlined), so bumping it adds no
-- data files. Its own migration: a table's options cannot be set in the transaction that creates it.
CALL lake.set_option('data_inlining_row_limit', 10, table_name => 'write_token');
INSERT INTO write_token SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM write_token);
