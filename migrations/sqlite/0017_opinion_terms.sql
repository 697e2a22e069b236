-- PostgreSQL keeps each opinion's search tokens in a btree (opinion_terms) so that a search
-- walks its matches newest first and counts them without reading rows. SQLite's FTS5 index
-- (opinions_fts) already does both, so nothing changes here.
SELECT 1;
