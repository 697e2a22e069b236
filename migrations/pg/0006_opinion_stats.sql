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
);

-- The opinions already stored: each region path with the paths of the regions above it, one
-- kind and grain at a time (a smaller sort each).
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 1, 1, ((o.created_at + 28800) / 86400) / 1, COALESCE(CAST(o.category_id AS TEXT), ''), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 1, 8, ((o.created_at + 28800) / 86400) / 8, COALESCE(CAST(o.category_id AS TEXT), ''), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 1, 64, ((o.created_at + 28800) / 86400) / 64, COALESCE(CAST(o.category_id AS TEXT), ''), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 2, 1, ((o.created_at + 28800) / 86400) / 1, CAST(o.station_id AS TEXT), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.station_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 2, 8, ((o.created_at + 28800) / 86400) / 8, CAST(o.station_id AS TEXT), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.station_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 2, 64, ((o.created_at + 28800) / 86400) / 64, CAST(o.station_id AS TEXT), COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.station_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 3, 1, ((o.created_at + 28800) / 86400) / 1, o.place, COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.place <> ''
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 3, 8, ((o.created_at + 28800) / 86400) / 8, o.place, COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.place <> ''
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO opinion_stats (scope, kind, grain, period, key, n)
WITH anc AS (SELECT d.path AS leaf, a.path AS scope FROM regions d
             JOIN regions a ON substr(d.path, 1, length(a.path)) = a.path)
SELECT anc.scope, 3, 64, ((o.created_at + 28800) / 86400) / 64, o.place, COUNT(*)
FROM opinions o JOIN anc ON anc.leaf = o.region_path WHERE 1 = 1 AND o.place <> ''
GROUP BY 1, 2, 3, 4, 5;

-- Search within a region: each opinion's tokens carry its regions (" r329900 r329981 ..."), so
-- a search in a county intersects two index entries instead of reading every match's row.
UPDATE opinions SET search_tokens = search_tokens || rtrim(replace(region_path, '/', ' r'), ' r');

-- A list shows each opinion's number of photos.
CREATE INDEX opinion_photos_opinion ON opinion_photos(opinion_id);
