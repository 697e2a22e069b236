-- Grows a demo database on PostgreSQL to about a million opinions for bench/pgsearch.sh: every
-- opinion of the demo is copied :copies times in one INSERT ... SELECT (same text, tokens,
-- region and state; a new tracking code; a few minutes earlier per copy), the ids in the order
-- of creation as the list expects. The indexes are dropped first and built again after (faster
-- than maintaining them row by row), then the hot-topic aggregates are counted again and the
-- table analysed. Run with psql -v copies=N.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '256MB';
CREATE TEMP TABLE kept_indexes AS
	SELECT indexname, indexdef FROM pg_indexes
	WHERE tablename = 'opinions' AND indexname NOT IN ('opinions_pkey', 'opinions_tracking_code_key');
DO $$ DECLARE r record; BEGIN
	FOR r IN SELECT indexname FROM kept_indexes LOOP EXECUTE 'DROP INDEX ' || quote_ident(r.indexname); END LOOP;
END $$;
-- No row-by-row triggers (opinion_terms, migration 17, is filled in bulk below).
CREATE TEMP TABLE before_copy AS SELECT COALESCE(MAX(id), 0) AS id FROM opinions;
SET session_replication_role = replica;
INSERT INTO opinions (tracking_code, secret_hash, region_code, region_path, station_id, reception_date,
	channel, category_id, body, place, citizen_name_enc, citizen_phone_enc, state, handler_id,
	assigned_on, deadline, reply, replied_at, rating, rating_comment, rated_at, reason, signature,
	search_tokens, created_by, created_at, updated_at, closed_at, warned_at)
SELECT o.tracking_code || '-' || g, o.secret_hash, o.region_code, o.region_path, o.station_id,
	o.reception_date, o.channel, o.category_id, o.body, o.place, o.citizen_name_enc,
	o.citizen_phone_enc, o.state, o.handler_id, o.assigned_on, o.deadline, o.reply, o.replied_at,
	o.rating, o.rating_comment, o.rated_at, o.reason, o.signature, o.search_tokens, o.created_by,
	o.created_at - g * 37, o.updated_at, o.closed_at, o.warned_at
FROM opinions o CROSS JOIN generate_series(1, :copies) g
ORDER BY o.created_at - g * 37, o.id;
SET session_replication_role = DEFAULT;
DO $$ DECLARE r record; BEGIN
	FOR r IN SELECT indexdef FROM kept_indexes LOOP EXECUTE r.indexdef; END LOOP;
END $$;
DO $$ BEGIN
	IF to_regclass('opinion_terms') IS NOT NULL THEN
		ALTER TABLE opinion_terms DROP CONSTRAINT opinion_terms_pkey;
		INSERT INTO opinion_terms (term, id)
			SELECT t, o.id FROM opinions o, unnest(tsvector_to_array(o.search_tsv)) t
			WHERE o.id > (SELECT id FROM before_copy);
		ALTER TABLE opinion_terms ADD PRIMARY KEY (term, id);
	END IF;
END $$;
-- The hot-topic aggregates of every opinion, as opinion_stats_rebuild counts them.
DELETE FROM opinion_stats;
CREATE TEMP TABLE anc AS SELECT d.path AS leaf, a.path AS scope FROM regions d
	JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
SELECT anc.scope, k.kind, gr.grain, ((o.created_at + 28800) / 86400) / gr.grain, k.key, COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path
CROSS JOIN (VALUES (1), (8), (64)) gr(grain)
CROSS JOIN LATERAL (VALUES (1, COALESCE(CAST(o.category_id AS TEXT), '')),
	(2, CAST(o.station_id AS TEXT)), (3, NULLIF(o.place, ''))) k(kind, key)
WHERE k.key IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
VACUUM ANALYZE opinions;
VACUUM ANALYZE opinion_stats;
SELECT to_regclass('opinion_terms') IS NOT NULL AS has_terms \gset
\if :has_terms
VACUUM ANALYZE opinion_terms;
\endif
