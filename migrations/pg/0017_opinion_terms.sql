-- Search newest first with its count from a btree (db_text_walk): every search token of an
-- opinion (search_tokens: CJK bigrams, words and region tokens) as one row (term, id). A term's
-- entries are in id order, so a search walks them newest first and stops at the page, and the
-- count stops at its cap, both without reading an opinion row; further terms are probes of the
-- same index. The GIN index on search_tsv can only build a bitmap of every match and then read
-- each matching row (a count of 10,000 matches was 10,000 row visits). Kept by a trigger in the
-- same transaction as every write of search_tokens. SQLite's FTS5 index already walks this way.
CREATE TABLE opinion_terms (
	term TEXT COLLATE "C" NOT NULL,
	id BIGINT NOT NULL
);

CREATE FUNCTION opinion_terms_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	was TEXT[] := '{}';
	cur TEXT[] := '{}';
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		was := tsvector_to_array(to_tsvector('simple', OLD.search_tokens));
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		cur := tsvector_to_array(to_tsvector('simple', NEW.search_tokens));
	END IF;
	DELETE FROM opinion_terms WHERE id = OLD.id AND term = ANY (was) AND NOT term = ANY (cur);
	INSERT INTO opinion_terms (term, id)
		SELECT t, NEW.id FROM unnest(cur) t WHERE NOT t = ANY (was);
	RETURN NULL;
END $$;

CREATE TRIGGER opinion_terms_keep AFTER INSERT OR DELETE OR UPDATE OF search_tokens ON opinions
	FOR EACH ROW EXECUTE FUNCTION opinion_terms_keep();

-- The opinions already stored, then the index (faster than maintaining it row by row).
INSERT INTO opinion_terms (term, id)
	SELECT t, o.id FROM opinions o, unnest(tsvector_to_array(o.search_tsv)) t;
ALTER TABLE opinion_terms ADD PRIMARY KEY (term, id);
-- A walk reads a few thousand entries at most: starting parallel workers for it (which the
-- planner chose for a term it had no statistics for) cost more than the walk itself.
ALTER TABLE opinion_terms SET (parallel_workers = 0);
