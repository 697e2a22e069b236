-- Deputies with their mandates and status history, deputy groups, liaison stations with
-- reception schedules and duty rosters, and staged imports.
CREATE TABLE deputies (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	gender TEXT NOT NULL CHECK (gender IN ('male','female')),
	ethnicity TEXT NOT NULL,
	birth_date TEXT NOT NULL,
	party TEXT NOT NULL,
	education TEXT NOT NULL DEFAULT '',
	occupation TEXT NOT NULL CHECK (occupation IN ('worker','farmer','professional','official','military','other')),
	employer TEXT NOT NULL DEFAULT '',
	post TEXT NOT NULL DEFAULT '',
	phone_enc TEXT,
	id_number_enc TEXT,
	id_number_idx TEXT UNIQUE,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	active_levels INTEGER NOT NULL DEFAULT 0, -- a bit per level of the current mandates: today's roster without a join
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
-- Lists and statistics of a subtree read this index alone (it covers their columns).
CREATE INDEX deputies_path ON deputies(region_path, active_levels, gender, ethnicity, occupation, party, education, birth_date, name);
CREATE INDEX deputies_name ON deputies(name);

CREATE TABLE deputy_groups (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	name TEXT NOT NULL,
	leader_id INTEGER REFERENCES deputies(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (region_code, name)
);

CREATE TABLE stations (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('station','home','contact_point')),
	address TEXT NOT NULL DEFAULT '',
	opening_hours TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	public_code TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (region_code, name)
);

CREATE TABLE mandates (
	id INTEGER PRIMARY KEY,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id) ON DELETE CASCADE,
	level TEXT NOT NULL CHECK (level IN ('township','county','city','province','national')),
	term INTEGER NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code),
	constituency TEXT NOT NULL DEFAULT '',
	group_id INTEGER REFERENCES deputy_groups(id) ON DELETE SET NULL,
	status TEXT NOT NULL CHECK (status IN ('active','resigned','recalled','terminated','deceased')),
	started_on TEXT NOT NULL,
	ended_on TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (deputy_id, level, term, region_code)
);
CREATE INDEX mandates_deputy ON mandates(deputy_id);
CREATE INDEX mandates_congress ON mandates(region_code, level, term);
CREATE INDEX mandates_group ON mandates(group_id);

CREATE TABLE mandate_events (
	id INTEGER PRIMARY KEY,
	mandate_id INTEGER NOT NULL REFERENCES mandates(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('elected','by_elected','resigned','recalled','terminated','deceased')),
	happened_on TEXT NOT NULL,
	document TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	created_by INTEGER,
	created_at BIGINT NOT NULL
);
CREATE INDEX mandate_events_mandate ON mandate_events(mandate_id);

CREATE TABLE station_deputies (
	station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id) ON DELETE CASCADE,
	PRIMARY KEY (station_id, deputy_id)
);
CREATE INDEX station_deputies_deputy ON station_deputies(deputy_id);

CREATE TABLE station_rules (
	id INTEGER PRIMARY KEY,
	station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('monthly_day','monthly_weekday','weekly','once','cancel')),
	day INTEGER,
	nth INTEGER,
	weekday INTEGER,
	on_date TEXT,
	start_time TEXT NOT NULL,
	end_time TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX station_rules_station ON station_rules(station_id);

CREATE TABLE station_duty (
	station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
	on_date TEXT NOT NULL,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id) ON DELETE CASCADE,
	PRIMARY KEY (station_id, on_date, deputy_id)
);

CREATE TABLE imports (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code),
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('preview','done')),
	row_count INTEGER NOT NULL,
	payload TEXT NOT NULL
);

ALTER TABLE accounts ADD COLUMN deputy_id INTEGER REFERENCES deputies(id);
