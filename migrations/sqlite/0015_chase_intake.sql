-- 催办: each chase of an opinion or a suggestion, one row per handling unit chased, so that the
-- units' counts are one index read. Idempotency keys of the integrations' intake: a retried
-- request with the same key returns the opinion the first stored; a key lives for
-- intake.idempotency_hours.
CREATE TABLE chases (
	id INTEGER PRIMARY KEY,
	object_type TEXT NOT NULL CHECK (object_type IN ('opinion','suggestion')),
	object_id INTEGER NOT NULL,
	handler_id INTEGER NOT NULL REFERENCES handlers(id),
	message TEXT NOT NULL,
	actor_id INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL
);
CREATE INDEX chases_handler ON chases(handler_id, created_at);
CREATE INDEX chases_object ON chases(object_type, object_id);

CREATE TABLE idempotency_keys (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts(id),
	idem_key TEXT NOT NULL,
	body_hash TEXT NOT NULL,
	opinion_id INTEGER REFERENCES opinions(id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	UNIQUE (account_id, idem_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);
