-- Hot-topic aggregates and region tokens for search (opinion_stats.c, text.c).
-- The aggregates: how many opinions per category, station and place, for each region (the
-- opinion's own and every one above it, by path) and period. A period is a day or an aligned
-- block of 8 or 64 days (grain 1, 8, 64; period = day number / grain, the day in China time),
-- so a year's chart reads a few dozen periods instead of every opinion. Kept in the same
-- transaction as each write that changes what is counted (opinion_stats.c).
CREATE TABLE opinion_stats (
	scope TEXT NOT NULL,      -- a region path
	kind INTEGER NOT NULL,    -- 1 category (id, '' for none), 2 station (id), 3 place (text)
	grain INTEGER NOT NULL,   -- 1, 8 or 64 days
	period INTEGER NOT NULL,  -- day number / grain
	key TEXT NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (scope, kind, grain, period, key)
) WITHOUT ROWID;

-- The opinions already stored: each region path with the paths of the regions above it.
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, k.kind, g.grain, ((o.created_at + 28800) / 86400) / g.grain,
       CASE k.kind WHEN 1 THEN COALESCE(CAST(o.category_id AS TEXT), '') WHEN 2 THEN CAST(o.station_id AS TEXT)
       ELSE o.place END, COUNT(*)
FROM opinions o
JOIN anc ON anc.leaf = o.region_path
CROSS JOIN (SELECT 1 AS kind UNION ALL SELECT 2 UNION ALL SELECT 3) k
CROSS JOIN (SELECT 1 AS grain UNION ALL SELECT 8 UNION ALL SELECT 64) g
WHERE k.kind = 1 OR (k.kind = 2 AND o.station_id IS NOT NULL) OR (k.kind = 3 AND o.place <> '')
GROUP BY 1, 2, 3, 4, 5;

-- Search within a region: each opinion's tokens carry its regions (" r329900 r329981 ..."), so
-- a search in a county intersects two index entries instead of reading every match's row.
UPDATE opinions SET search_tokens = search_tokens || rtrim(replace(region_path, '/', ' r'), ' r');
