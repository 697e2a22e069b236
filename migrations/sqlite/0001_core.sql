-- Core: regions, congress units, handling units, accounts, sessions, API tokens, audit.
CREATE TABLE regions (
	code TEXT PRIMARY KEY,
	parent_code TEXT REFERENCES regions(code),
	name TEXT NOT NULL,
	level TEXT NOT NULL CHECK (level IN ('city','county','district','township','street','devzone')),
	path TEXT NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE units (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL UNIQUE REFERENCES regions(code),
	name TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('standing_committee','presidium','street_committee','devzone_office')),
	address TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE handlers (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	name TEXT NOT NULL,
	contact_person TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	active INTEGER NOT NULL DEFAULT 1,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (region_code, name)
);

CREATE TABLE accounts (
	id INTEGER PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	role TEXT NOT NULL,
	region_code TEXT NOT NULL REFERENCES regions(code),
	handler_id INTEGER REFERENCES handlers(id),
	password_hash TEXT NOT NULL,
	must_change_password INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	admin_locked INTEGER NOT NULL DEFAULT 0,
	password_changed_at BIGINT NOT NULL,
	last_login_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX accounts_region ON accounts(region_code);

CREATE TABLE sessions (
	id INTEGER PRIMARY KEY,
	token_hash TEXT NOT NULL UNIQUE,
	account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	client_addr TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	last_seen BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE api_tokens (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id),
	name TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT,
	revoked_at BIGINT,
	last_used_at BIGINT
);

CREATE TABLE audit (
	id INTEGER PRIMARY KEY,
	at BIGINT NOT NULL,
	actor_id INTEGER,
	actor TEXT NOT NULL,
	client_addr TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL DEFAULT '',
	before TEXT,
	after TEXT
);
CREATE INDEX audit_at ON audit(at);
CREATE INDEX audit_actor ON audit(actor);
CREATE INDEX audit_object ON audit(object_type, object_id);
-- The audit trail is append-only (等保: protected audit records).
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
