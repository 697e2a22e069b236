-- The first page of a staff list reads only its rows: its ids come from an index in the list's
-- default order (newest first), which also holds the scope's region path and the state, so the
-- walk filters without reading a row and stops at the page. Without it the whole scope was read,
-- joined and sorted for 20 rows.
CREATE INDEX opinions_created ON opinions(created_at, region_path, state);
CREATE INDEX suggestions_created ON suggestions(kind, created_at, region_path, state, created_by);
-- The roster's default order is by name: the name index also holds the scope and today's levels,
-- so the whole city's first page walks 20 entries instead of sorting the roster.
DROP INDEX deputies_name;
CREATE INDEX deputies_name ON deputies(name, region_path, active_levels);
