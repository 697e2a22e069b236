-- Citizens' opinions: the closed loop from intake to a rated answer, with deadlines in working
-- days, full-text search (CJK bigrams in FTS5), near-duplicate signatures and merged cases;
-- per-jurisdiction settings; the holiday calendar; in-app notifications and an outbox.
CREATE TABLE settings (
	region_code TEXT NOT NULL REFERENCES regions(code),
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (region_code, key)
);

CREATE TABLE holidays (
	day TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
	name TEXT NOT NULL DEFAULT ''
);

CREATE TABLE opinion_categories (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	sort INTEGER NOT NULL DEFAULT 0,
	active INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE opinions (
	id INTEGER PRIMARY KEY,
	tracking_code TEXT NOT NULL UNIQUE,
	secret_hash TEXT NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	station_id INTEGER REFERENCES stations(id),
	reception_date TEXT,
	channel TEXT NOT NULL CHECK (channel IN ('qr','web','reception','visit','phone','letter')),
	category_id INTEGER REFERENCES opinion_categories(id),
	body TEXT NOT NULL,
	place TEXT NOT NULL DEFAULT '',
	citizen_name_enc TEXT,
	citizen_phone_enc TEXT,
	state TEXT NOT NULL,
	handler_id INTEGER REFERENCES handlers(id),
	assigned_on TEXT,
	deadline TEXT,
	reply TEXT,
	replied_at BIGINT,
	rating TEXT CHECK (rating IN ('satisfied','basically','unsatisfied')),
	rating_comment TEXT,
	rated_at BIGINT,
	reason TEXT,
	case_id INTEGER REFERENCES opinions(id),
	signature TEXT NOT NULL,
	search_tokens TEXT NOT NULL,
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	closed_at BIGINT,
	warned_at BIGINT -- when the handling unit was told the deadline is near
);
CREATE INDEX opinions_path ON opinions(region_path, state, created_at);
CREATE INDEX opinions_handler ON opinions(handler_id, state, deadline);
CREATE INDEX opinions_case ON opinions(case_id);
CREATE INDEX opinions_station ON opinions(station_id, created_at);
CREATE INDEX opinions_category ON opinions(category_id, created_at);

CREATE VIRTUAL TABLE opinions_fts USING fts5(search_tokens, content='opinions', content_rowid='id');
CREATE TRIGGER opinions_fts_insert AFTER INSERT ON opinions BEGIN
	INSERT INTO opinions_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;
CREATE TRIGGER opinions_fts_delete AFTER DELETE ON opinions BEGIN
	INSERT INTO opinions_fts(opinions_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
END;
CREATE TRIGGER opinions_fts_update AFTER UPDATE OF search_tokens ON opinions BEGIN
	INSERT INTO opinions_fts(opinions_fts, rowid, search_tokens) VALUES ('delete', old.id, old.search_tokens);
	INSERT INTO opinions_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens);
END;

CREATE TABLE opinion_events (
	id INTEGER PRIMARY KEY,
	opinion_id INTEGER NOT NULL REFERENCES opinions(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX opinion_events_opinion ON opinion_events(opinion_id, id);

CREATE TABLE opinion_photos (
	id INTEGER PRIMARY KEY,
	opinion_id INTEGER NOT NULL REFERENCES opinions(id) ON DELETE CASCADE,
	mime TEXT NOT NULL,
	data TEXT NOT NULL
);

CREATE TABLE extensions (
	id INTEGER PRIMARY KEY,
	opinion_id INTEGER NOT NULL REFERENCES opinions(id) ON DELETE CASCADE,
	days INTEGER NOT NULL,
	reason TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
	requested_by INTEGER REFERENCES accounts(id),
	decided_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	decided_at BIGINT
);

CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
	handler_id INTEGER REFERENCES handlers(id) ON DELETE CASCADE,
	region_code TEXT REFERENCES regions(code),
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	link TEXT NOT NULL DEFAULT '',
	read_at BIGINT,
	created_at BIGINT NOT NULL
);
CREATE INDEX notifications_handler ON notifications(handler_id, created_at);
CREATE INDEX notifications_region ON notifications(region_code, created_at);

CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	payload TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at BIGINT NOT NULL,
	sent_at BIGINT,
	last_error TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox(sent_at, next_attempt_at);

INSERT INTO opinion_categories (name, sort) VALUES
 ('道路交通', 1), ('市政设施', 2), ('环境保护', 3), ('噪声扰民', 4), ('教育', 5), ('医疗卫生', 6),
 ('社会保障', 7), ('就业创业', 8), ('住房保障', 9), ('物业管理', 10), ('农业农村', 11), ('水利', 12),
 ('公共安全', 13), ('食品药品安全', 14), ('文化体育', 15), ('养老服务', 16), ('城市管理', 17),
 ('供水供电供气', 18), ('公共交通', 19), ('征地拆迁', 20), ('营商环境', 21), ('生态绿化', 22),
 ('社区治理', 23), ('其他', 99);

-- Public holidays and adjusted working days (调休) as published by the State Council for 2025
-- and 2026; a jurisdiction maintains its calendar through the API.
INSERT INTO holidays (day, kind, name) VALUES
 ('2025-01-01','holiday','元旦'),
 ('2025-01-26','workday','春节调休'),('2025-01-28','holiday','春节'),('2025-01-29','holiday','春节'),
 ('2025-01-30','holiday','春节'),('2025-01-31','holiday','春节'),('2025-02-01','holiday','春节'),
 ('2025-02-02','holiday','春节'),('2025-02-03','holiday','春节'),('2025-02-04','holiday','春节'),
 ('2025-02-08','workday','春节调休'),
 ('2025-04-04','holiday','清明节'),('2025-04-05','holiday','清明节'),('2025-04-06','holiday','清明节'),
 ('2025-04-27','workday','劳动节调休'),('2025-05-01','holiday','劳动节'),('2025-05-02','holiday','劳动节'),
 ('2025-05-03','holiday','劳动节'),('2025-05-04','holiday','劳动节'),('2025-05-05','holiday','劳动节'),
 ('2025-05-31','holiday','端午节'),('2025-06-01','holiday','端午节'),('2025-06-02','holiday','端午节'),
 ('2025-09-28','workday','国庆节调休'),('2025-10-01','holiday','国庆节、中秋节'),('2025-10-02','holiday','国庆节、中秋节'),
 ('2025-10-03','holiday','国庆节、中秋节'),('2025-10-04','holiday','国庆节、中秋节'),('2025-10-05','holiday','国庆节、中秋节'),
 ('2025-10-06','holiday','国庆节、中秋节'),('2025-10-07','holiday','国庆节、中秋节'),('2025-10-08','holiday','国庆节、中秋节'),
 ('2025-10-11','workday','国庆节调休'),
 ('2026-01-01','holiday','元旦'),('2026-01-02','holiday','元旦'),('2026-01-03','holiday','元旦'),('2026-01-04','workday','元旦调休'),
 ('2026-02-14','workday','春节调休'),('2026-02-15','holiday','春节'),('2026-02-16','holiday','春节'),('2026-02-17','holiday','春节'),
 ('2026-02-18','holiday','春节'),('2026-02-19','holiday','春节'),('2026-02-20','holiday','春节'),('2026-02-21','holiday','春节'),
 ('2026-02-22','holiday','春节'),('2026-02-23','holiday','春节'),('2026-02-28','workday','春节调休'),
 ('2026-04-04','holiday','清明节'),('2026-04-05','holiday','清明节'),('2026-04-06','holiday','清明节'),
 ('2026-05-01','holiday','劳动节'),('2026-05-02','holiday','劳动节'),('2026-05-03','holiday','劳动节'),('2026-05-04','holiday','劳动节'),
 ('2026-05-05','holiday','劳动节'),('2026-05-09','workday','劳动节调休'),
 ('2026-06-19','holiday','端午节'),('2026-06-20','holiday','端午节'),('2026-06-21','holiday','端午节'),
 ('2026-09-20','workday','国庆节调休'),('2026-09-25','holiday','中秋节'),('2026-09-26','holiday','中秋节'),('2026-09-27','holiday','中秋节'),
 ('2026-10-01','holiday','国庆节'),('2026-10-02','holiday','国庆节'),('2026-10-03','holiday','国庆节'),('2026-10-04','holiday','国庆节'),
 ('2026-10-05','holiday','国庆节'),('2026-10-06','holiday','国庆节'),('2026-10-07','holiday','国庆节'),('2026-10-10','workday','国庆节调休');
