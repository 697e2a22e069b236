-- Livelihood projects voted by deputies (民生实事项目, DOMAIN §5; src/project.c): candidates
-- collected from citizens' opinions, deputies and the government, screened (a reason code per
-- rejected one), put to the deputies' vote on the election engine (an election of office kind
-- "project"), published, planned by the government (milestones, budget, the responsible
-- handling unit), reported on by that unit with photos, visited by deputies, reviewed mid-year.
-- States: collected → rejected | shortlisted → voting → chosen | not_chosen; chosen → published
-- → implementing → done.
CREATE TABLE projects (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	year INTEGER NOT NULL,
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL CHECK (source IN ('opinion','deputy','government')),
	opinion_id INTEGER REFERENCES opinions(id),
	deputy_id INTEGER REFERENCES deputies(id),
	proposer TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'collected',
	reason TEXT,
	reason_note TEXT NOT NULL DEFAULT '',
	election_id INTEGER REFERENCES elections(id),
	votes INTEGER,
	handler_id INTEGER REFERENCES handlers(id),
	budget BIGINT,
	plan TEXT NOT NULL DEFAULT '',
	progress INTEGER NOT NULL DEFAULT 0,
	review TEXT NOT NULL DEFAULT '',
	published_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX projects_region ON projects (region_path, year);
CREATE INDEX projects_year ON projects (year, state);
CREATE INDEX projects_handler ON projects (handler_id);
CREATE INDEX projects_election ON projects (election_id);

-- The implementation plan's milestones, in the order of their dates.
CREATE TABLE project_milestones (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	no INTEGER NOT NULL,
	title TEXT NOT NULL,
	due_on TEXT NOT NULL
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, no);

-- Progress reports of the responsible unit (kind progress) and deputies' supervision visits
-- (kind visit).
CREATE TABLE project_reports (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('progress','visit')),
	body TEXT NOT NULL,
	progress INTEGER,
	handler_id INTEGER REFERENCES handlers(id),
	deputy_id INTEGER REFERENCES deputies(id),
	actor TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX project_reports_project ON project_reports (project_id, id);

CREATE TABLE project_photos (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	report_id INTEGER NOT NULL REFERENCES project_reports(id) ON DELETE CASCADE,
	mime TEXT NOT NULL,
	data TEXT NOT NULL
);
CREATE INDEX project_photos_project ON project_photos (project_id, id);

CREATE TABLE project_events (
	id INTEGER PRIMARY KEY,
	project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX project_events_project ON project_events (project_id, id);
