-- Meetings (sessions, presidium meetings, deliberation meetings): members and attendance,
-- agenda items, votes on items, and secret-ballot elections. A ballot is never stored as a row:
-- the round keeps who has voted (member + round, no time) and per-candidate counters, so no
-- stored data links a ballot to a voter.
CREATE TABLE meetings (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('session','presidium','deliberation','voter_rep','other')),
	title TEXT NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	level TEXT NOT NULL DEFAULT 'township',
	term INTEGER NOT NULL DEFAULT 0,
	starts_on TEXT NOT NULL,
	starts_time TEXT NOT NULL DEFAULT '',
	ends_on TEXT,
	place TEXT NOT NULL DEFAULT '',
	notice_on TEXT,
	state TEXT NOT NULL CHECK (state IN ('planned','signin_open','in_session','closed','cancelled')),
	quorum_num INTEGER NOT NULL,
	quorum_den INTEGER NOT NULL,
	minutes TEXT NOT NULL DEFAULT '',
	signin_token TEXT NOT NULL UNIQUE,
	screen_token TEXT NOT NULL UNIQUE,
	created_by INTEGER,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX meetings_region ON meetings(region_path, starts_on);

CREATE TABLE meeting_members (
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	status TEXT NOT NULL DEFAULT 'absent' CHECK (status IN ('absent','present','leave','left')),
	via TEXT CHECK (via IN ('staff','self','qr')),
	leave_reason TEXT NOT NULL DEFAULT '',
	signed_in_at BIGINT,
	signed_out_at BIGINT,
	PRIMARY KEY (meeting_id, deputy_id)
);
CREATE INDEX meeting_members_deputy ON meeting_members(deputy_id);

CREATE TABLE meeting_items (
	id INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	documents TEXT NOT NULL DEFAULT '[]',
	UNIQUE (meeting_id, seq)
);

CREATE TABLE votes (
	id INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	item_id INTEGER REFERENCES meeting_items(id),
	title TEXT NOT NULL,
	mode TEXT NOT NULL CHECK (mode IN ('device','tally')),
	recorded INTEGER NOT NULL DEFAULT 0,
	basis TEXT NOT NULL CHECK (basis IN ('all','present','cast')),
	threshold TEXT NOT NULL CHECK (threshold IN ('half','two_thirds')),
	state TEXT NOT NULL CHECK (state IN ('draft','open','closed')),
	n_for INTEGER NOT NULL DEFAULT 0,
	n_against INTEGER NOT NULL DEFAULT 0,
	n_abstain INTEGER NOT NULL DEFAULT 0,
	members INTEGER NOT NULL DEFAULT 0,
	present INTEGER NOT NULL DEFAULT 0,
	passed INTEGER,
	rule TEXT NOT NULL DEFAULT '',
	opened_at BIGINT,
	closed_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX votes_meeting ON votes(meeting_id);
-- Device votes are counted in shards so that concurrent voters do not queue on one row.
CREATE TABLE vote_counts (
	vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
	shard INTEGER NOT NULL,
	choice TEXT NOT NULL CHECK (choice IN ('for','against','abstain')),
	n INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (vote_id, shard, choice)
);
-- Who voted; the choice only on a recorded (named) vote.
CREATE TABLE vote_casts (
	vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	choice TEXT CHECK (choice IN ('for','against','abstain')),
	PRIMARY KEY (vote_id, deputy_id)
);

CREATE TABLE elections (
	id INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	item_id INTEGER REFERENCES meeting_items(id),
	office TEXT NOT NULL,
	office_kind TEXT NOT NULL CHECK (office_kind IN ('chair','head','vice','other','project')),
	seats INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('open','done')),
	created_at BIGINT NOT NULL
);
CREATE INDEX elections_meeting ON elections(meeting_id);

CREATE TABLE election_rounds (
	id INTEGER PRIMARY KEY,
	election_id INTEGER NOT NULL REFERENCES elections(id) ON DELETE CASCADE,
	no INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('regular','preliminary','runoff','further')),
	seats INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('nominating','open','counted','void')),
	issued INTEGER NOT NULL DEFAULT 0,
	returned INTEGER NOT NULL DEFAULT 0,
	invalid INTEGER NOT NULL DEFAULT 0,
	paper_entered INTEGER NOT NULL DEFAULT 0,
	members INTEGER NOT NULL DEFAULT 0,
	result TEXT NOT NULL DEFAULT '',
	opened_at BIGINT,
	counted_at BIGINT,
	UNIQUE (election_id, no)
);

CREATE TABLE election_candidates (
	id INTEGER PRIMARY KEY,
	round_id INTEGER NOT NULL REFERENCES election_rounds(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	deputy_id INTEGER REFERENCES deputies(id),
	nominated_by TEXT NOT NULL CHECK (nominated_by IN ('presidium','deputies','runoff')),
	nominators INTEGER NOT NULL DEFAULT 0,
	n_for INTEGER NOT NULL DEFAULT 0,
	n_against INTEGER NOT NULL DEFAULT 0,
	n_abstain INTEGER NOT NULL DEFAULT 0,
	status TEXT CHECK (status IN ('elected','not_elected','tie','advanced')),
	UNIQUE (round_id, name)
);

-- That a member has a ballot of this round (device or paper): no time, no order, no content.
CREATE TABLE round_voters (
	round_id INTEGER NOT NULL REFERENCES election_rounds(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	channel TEXT NOT NULL CHECK (channel IN ('device','paper')),
	PRIMARY KEY (round_id, deputy_id)
);

CREATE TABLE round_writeins (
	round_id INTEGER NOT NULL REFERENCES election_rounds(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	votes INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (round_id, name)
);

-- A teller's entry of the paper ballots' counts, waiting for the second teller.
CREATE TABLE round_tellers (
	round_id INTEGER NOT NULL REFERENCES election_rounds(id) ON DELETE CASCADE,
	account_id INTEGER NOT NULL,
	counts TEXT NOT NULL,
	PRIMARY KEY (round_id, account_id)
);
