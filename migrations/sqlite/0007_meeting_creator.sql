-- meetings.created_by holds an account id: SQLite's INTEGER is already 64 bits; PostgreSQL's
-- column is widened in the same version.
SELECT 1;
