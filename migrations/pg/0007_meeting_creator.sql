-- meetings.created_by holds an account id: 64 bits, as every other id (SQLite's INTEGER already is).
ALTER TABLE meetings ALTER COLUMN created_by TYPE BIGINT;
