-- Supervision (监督, src/supervision.c, DOMAIN §6): the items of a congress unit's annual plan,
-- each with its subject body (a handling unit), the deputies who take part, the meeting where it
-- is heard and the dates of its documents; the deliberation opinions (审议意见) sent to the body,
-- each a row with a stable id (a source of rectification, kind "supervision_opinion"); the body's
-- handling reports, one per round, with the staff's follow-up check.
-- States: planned → heard → opinion_sent → reported → checked → rated | rereport → reported …;
-- planned → cancelled.
CREATE TABLE supervision_items (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	year INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('work_report','law_inspection','inspection','inquiry','budget_review')),
	title TEXT NOT NULL,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	meeting_id INTEGER REFERENCES meetings(id),
	meeting_on TEXT,
	draft_on TEXT,
	final_on TEXT,
	members_on TEXT,
	findings TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'planned',
	rating_vote_id INTEGER REFERENCES votes(id),
	rating_passed INTEGER,
	rating_text TEXT NOT NULL DEFAULT '',
	rereport_due TEXT,
	created_by INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX supervision_items_region ON supervision_items (region_path, year);
CREATE INDEX supervision_items_handler ON supervision_items (handler_id, state);

CREATE TABLE supervision_deputies (
	item_id INTEGER NOT NULL REFERENCES supervision_items(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	PRIMARY KEY (item_id, deputy_id)
);
CREATE INDEX supervision_deputies_deputy ON supervision_deputies (deputy_id);

CREATE TABLE supervision_opinions (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES supervision_items(id) ON DELETE CASCADE,
	body TEXT NOT NULL,
	sent_on TEXT NOT NULL,
	deadline TEXT NOT NULL,
	created_by TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX supervision_opinions_item ON supervision_opinions (item_id);

CREATE TABLE supervision_reports (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES supervision_items(id) ON DELETE CASCADE,
	opinion_id INTEGER NOT NULL REFERENCES supervision_opinions(id),
	round INTEGER NOT NULL,
	body TEXT NOT NULL,
	due TEXT NOT NULL,
	on_time INTEGER NOT NULL,
	reported_by TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	check_note TEXT,
	checked_by TEXT,
	checked_at BIGINT
);
CREATE INDEX supervision_reports_item ON supervision_reports (item_id, round);

CREATE TABLE supervision_events (
	id INTEGER PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES supervision_items(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX supervision_events_item ON supervision_events (item_id, id);

-- A satisfaction rating (满意度测评) is a vote of kind 'rating' on the meeting engine (vote.c): its
-- subject is named generically (subject_kind, subject_id: a supervision item, later a livelihood
-- project), its ballots carry one grade each and are counted like the secret agenda votes (no
-- choice in vote_casts, the counts in vote_counts' shards); a ballot with no grade or several
-- is counted as invalid.
ALTER TABLE votes ADD COLUMN kind TEXT NOT NULL DEFAULT 'agenda' CHECK (kind IN ('agenda','rating'));
ALTER TABLE votes ADD COLUMN subject_kind TEXT;
ALTER TABLE votes ADD COLUMN subject_id BIGINT;
ALTER TABLE votes ADD COLUMN n_satisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE votes ADD COLUMN n_basic INTEGER NOT NULL DEFAULT 0;
ALTER TABLE votes ADD COLUMN n_unsatisfied INTEGER NOT NULL DEFAULT 0;
ALTER TABLE votes ADD COLUMN n_invalid INTEGER NOT NULL DEFAULT 0;
CREATE INDEX votes_subject ON votes (subject_kind, subject_id);

CREATE TABLE vote_counts_new (
	vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
	shard INTEGER NOT NULL,
	choice TEXT NOT NULL CHECK (choice IN ('for','against','abstain','satisfied','basic','unsatisfied','invalid')),
	n INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (vote_id, shard, choice)
);
INSERT INTO vote_counts_new (vote_id, shard, choice, n) SELECT vote_id, shard, choice, n FROM vote_counts;
DROP TABLE vote_counts;
ALTER TABLE vote_counts_new RENAME TO vote_counts;
