-- The audit trail's outcome and its SM3 hash chain (等保: tamper-evident audit records).
-- Each entry carries the hash of the entry before it (prev_hash) and its own hash over its
-- fields; audit_head holds the last id and hash, and the anchor the first chained entry chains
-- to. Entries written before this version carry no hash: the chain starts after them.
ALTER TABLE audit ADD COLUMN outcome TEXT NOT NULL DEFAULT 'done' CHECK (outcome IN ('done','refused','failed'));
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE INDEX audit_outcome ON audit(outcome);
CREATE INDEX audit_action ON audit(action);
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL,
	hash TEXT NOT NULL,
	anchor_id BIGINT NOT NULL,
	anchor_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, hash, anchor_id, anchor_hash)
	SELECT 1, COALESCE(MAX(id), 0), '0000000000000000000000000000000000000000000000000000000000000000',
	       COALESCE(MAX(id), 0) + 1, '0000000000000000000000000000000000000000000000000000000000000000'
	FROM audit;
-- The head moves forward only with an append; it is never deleted.
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head WHEN NEW.last_id <> OLD.last_id + 1 OR NEW.anchor_id <> OLD.anchor_id OR NEW.anchor_hash <> OLD.anchor_hash
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
