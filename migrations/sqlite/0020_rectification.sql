-- Rectification (整改, src/rectify.c): a congress unit turns a source (a citizen's opinion today,
-- a supervision item's findings later) into a list of problems, each with the handling unit
-- responsible for it, a deadline and evidence files. A problem's states: todo → in_progress →
-- claimed (the unit says it is done) → verified (by the congress unit's staff, never the unit);
-- claimed or verified → in_progress again when the staff reopen it.
CREATE TABLE rectifications (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	source_kind TEXT NOT NULL,
	source_id INTEGER NOT NULL,
	title TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	created_on TEXT NOT NULL,
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX rectifications_region ON rectifications (region_code, created_on);
CREATE INDEX rectifications_source ON rectifications (source_kind, source_id);

CREATE TABLE rectify_problems (
	id INTEGER PRIMARY KEY,
	rectification_id INTEGER NOT NULL REFERENCES rectifications(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	description TEXT NOT NULL,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	deadline TEXT NOT NULL,
	state TEXT NOT NULL DEFAULT 'todo',
	reopened INTEGER NOT NULL DEFAULT 0,
	claimed_on TEXT,
	verified_on TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (rectification_id, seq)
);
-- a unit's tasks; the open problems by deadline, with their unit and rectification (the
-- board's overdue counts read this index alone)
CREATE INDEX rectify_problems_handler ON rectify_problems (handler_id, state, deadline);
CREATE INDEX rectify_problems_state ON rectify_problems (state, deadline, handler_id, rectification_id);

-- The board's counts, kept on every write: each unit's problems by state (and those ever
-- reopened) per rectification region and year of creation. Overdue problems, which change with
-- the date, are counted from the open problems' (state, deadline) index.
CREATE TABLE rectify_counts (
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	region_code TEXT NOT NULL REFERENCES regions(code),
	year TEXT NOT NULL,
	todo INTEGER NOT NULL DEFAULT 0,
	in_progress INTEGER NOT NULL DEFAULT 0,
	claimed INTEGER NOT NULL DEFAULT 0,
	verified INTEGER NOT NULL DEFAULT 0,
	reopened INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (handler_id, region_code, year)
);
CREATE INDEX rectify_counts_region ON rectify_counts (region_code, year);

CREATE TABLE rectify_files (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES rectify_problems(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size BIGINT NOT NULL,
	data TEXT NOT NULL,
	actor_id INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX rectify_files_problem ON rectify_files (problem_id);

CREATE TABLE rectify_events (
	id INTEGER PRIMARY KEY,
	problem_id INTEGER NOT NULL REFERENCES rectify_problems(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX rectify_events_problem ON rectify_events (problem_id, id);

-- 催办 of a rectification problem is counted with the others: the chases' kinds gain one.
CREATE TABLE chases_new (
	id INTEGER PRIMARY KEY,
	object_type TEXT NOT NULL CHECK (object_type IN ('opinion','suggestion','rectify_problem')),
	object_id INTEGER NOT NULL,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	message TEXT NOT NULL,
	actor_id INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL
);
INSERT INTO chases_new SELECT id, object_type, object_id, handler_id, message, actor_id, created_at FROM chases;
DROP TABLE chases;
ALTER TABLE chases_new RENAME TO chases;
CREATE INDEX chases_handler ON chases(handler_id, created_at);
CREATE INDEX chases_object ON chases(object_type, object_id);
