-- Deputies' suggestions and motions (DOMAIN §1.6, §4): drafts with co-signers and source
-- opinions, intake, a lead and co-handling units with their deadlines, graded replies with the
-- formal document, each signer's rating, re-handling, key supervision and public disclosure.
CREATE TABLE suggestions (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,                 -- 建议号 / 议案号: JY2026-000123, YA2026-000004
	kind TEXT NOT NULL CHECK (kind IN ('suggestion','motion')),
	region_code TEXT NOT NULL REFERENCES regions(code), -- the congress the deputies sit in
	region_path TEXT NOT NULL,
	level TEXT NOT NULL,
	term INTEGER NOT NULL,
	deputy_id INTEGER REFERENCES deputies(id), -- the first signer; NULL for a presidium motion
	from_presidium INTEGER NOT NULL DEFAULT 0,
	title TEXT NOT NULL,
	body TEXT NOT NULL,
	category_id INTEGER REFERENCES opinion_categories(id),
	session_label TEXT NOT NULL DEFAULT '',    -- the session it was submitted at, '' between sessions
	during_session INTEGER NOT NULL DEFAULT 0,
	meeting_id INTEGER,
	state TEXT NOT NULL,
	difficult INTEGER NOT NULL DEFAULT 0,       -- broad or difficult: the longer reply period
	round INTEGER NOT NULL DEFAULT 0,           -- replies given (a re-handled or B item gets more)
	grade TEXT CHECK (grade IN ('A','B','C','D')),
	followed_up INTEGER NOT NULL DEFAULT 0,     -- a B item that got its second reply
	rehandled INTEGER NOT NULL DEFAULT 0,
	key_supervised INTEGER NOT NULL DEFAULT 0,
	supervisor TEXT NOT NULL DEFAULT '',
	published INTEGER NOT NULL DEFAULT 0,
	reason TEXT,                               -- why returned, referred, withdrawn or not put on the agenda
	submitted_at BIGINT,
	intake_deadline TEXT,
	accepted_on TEXT,
	assigned_on TEXT,
	deadline TEXT,                             -- the lead unit's reply deadline
	replied_at BIGINT,
	closed_at BIGINT,
	search_tokens TEXT NOT NULL DEFAULT '',
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX suggestions_path ON suggestions(region_path, kind, state, created_at);
CREATE INDEX suggestions_deputy ON suggestions(deputy_id);
CREATE INDEX suggestions_session ON suggestions(region_code, session_label);
CREATE INDEX suggestions_published ON suggestions(published, replied_at);
-- The facts the scorecard and the board read of each assigned item, without its long texts.
CREATE INDEX suggestions_facts ON suggestions(id, region_path, state, grade, rehandled, key_supervised);
CREATE INDEX suggestions_due ON suggestions(state, deadline, region_path);
CREATE INDEX suggestions_intake ON suggestions(state, intake_deadline, region_path, key_supervised);
CREATE INDEX suggestions_key ON suggestions(key_supervised, state, region_path);

CREATE VIRTUAL TABLE suggestions_fts USING fts5(search_tokens, content='suggestions', content_rowid='id');
CREATE TRIGGER suggestions_fts_insert AFTER INSERT ON suggestions BEGIN
	INSERT INTO suggestions_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;
CREATE TRIGGER suggestions_fts_delete AFTER DELETE ON suggestions BEGIN
	INSERT INTO suggestions_fts(suggestions_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
END;
CREATE TRIGGER suggestions_fts_update AFTER UPDATE OF search_tokens ON suggestions BEGIN
	INSERT INTO suggestions_fts(suggestions_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
	INSERT INTO suggestions_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;

-- The first signer and the co-signers (invited, then accepted or declined).
CREATE TABLE suggestion_signers (
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	role TEXT NOT NULL CHECK (role IN ('author','cosigner')),
	status TEXT NOT NULL CHECK (status IN ('invited','accepted','declined','lapsed')),
	answered_at BIGINT,
	PRIMARY KEY (suggestion_id, deputy_id)
);
CREATE INDEX suggestion_signers_deputy ON suggestion_signers(deputy_id, status);

CREATE TABLE suggestion_sources (
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	opinion_id INTEGER NOT NULL REFERENCES opinions(id),
	PRIMARY KEY (suggestion_id, opinion_id)
);
CREATE INDEX suggestion_sources_opinion ON suggestion_sources(opinion_id);

-- The lead (主办) and co-handling (会办) units of an assignment, each with its deadline.
CREATE TABLE suggestion_handlers (
	id INTEGER PRIMARY KEY,
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	role TEXT NOT NULL CHECK (role IN ('lead','co')),
	status TEXT NOT NULL CHECK (status IN ('assigned','returned','answered','removed')),
	assigned_on TEXT NOT NULL,
	deadline TEXT NOT NULL,
	return_by TEXT NOT NULL,
	view TEXT,                 -- a co-handler's view sent to the lead
	answered_at BIGINT,
	answered_on TEXT,
	reason TEXT,
	-- copies kept by the suggestion module so that the board reads one index: the item's region,
	-- and whether the row is work in hand (this unit's part is open and the item is being handled)
	region_path TEXT NOT NULL DEFAULT '',
	in_hand INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX suggestion_handlers_handler ON suggestion_handlers(handler_id, assigned_on);
-- The board reads the rows in hand, the scorecard a period's rows, each from its index alone.
CREATE INDEX suggestion_handlers_open ON suggestion_handlers(in_hand, handler_id, role, deadline, region_path);
CREATE INDEX suggestion_handlers_late ON suggestion_handlers(in_hand, deadline, region_path);
CREATE INDEX suggestion_handlers_period ON suggestion_handlers(assigned_on, status, role, handler_id, suggestion_id, deadline, answered_on);
CREATE INDEX suggestion_handlers_suggestion ON suggestion_handlers(suggestion_id);

-- Every reply the lead unit gave, graded; round 1 first, then re-handled or follow-up replies.
CREATE TABLE suggestion_replies (
	id INTEGER PRIMARY KEY,
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	round INTEGER NOT NULL,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	grade TEXT NOT NULL CHECK (grade IN ('A','B','C','D')),
	body TEXT NOT NULL,
	deadline TEXT NOT NULL,
	on_time INTEGER NOT NULL,
	replied_on TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (suggestion_id, round)
);
CREATE INDEX suggestion_replies_handler ON suggestion_replies(handler_id, replied_on);
CREATE INDEX suggestion_replies_suggestion ON suggestion_replies(suggestion_id, handler_id, on_time, round);

-- Each signer's rating of each reply: attitude and result (DOMAIN §4.22).
CREATE TABLE suggestion_ratings (
	reply_id INTEGER NOT NULL REFERENCES suggestion_replies(id) ON DELETE CASCADE,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	attitude TEXT NOT NULL CHECK (attitude IN ('satisfied','basically','unsatisfied')),
	result TEXT NOT NULL CHECK (result IN ('satisfied','basically','unsatisfied')),
	comment TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	PRIMARY KEY (reply_id, deputy_id)
);
CREATE INDEX suggestion_ratings_reply ON suggestion_ratings(reply_id, result, attitude);

-- Attachments of the draft and the formal reply documents (base64, size-capped).
CREATE TABLE suggestion_files (
	id INTEGER PRIMARY KEY,
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	reply_id INTEGER REFERENCES suggestion_replies(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	mime TEXT NOT NULL,
	size INTEGER NOT NULL,
	data TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX suggestion_files_suggestion ON suggestion_files(suggestion_id);

CREATE TABLE suggestion_events (
	id INTEGER PRIMARY KEY,
	suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX suggestion_events_suggestion ON suggestion_events(suggestion_id, id);
CREATE INDEX notifications_account ON notifications(account_id, created_at);
