-- Failed phone proofs of the public tracking look-up, per tracking code (whether or not an
-- opinion has that code), counted in the database so that every server of a province shares
-- them: after LIMIT_LOOKUP_FAILURES in LIMIT_LOOKUP_WAIT_S the code's phone proof waits.
CREATE TABLE opinion_lookup_failures (
	tracking_code TEXT PRIMARY KEY,
	window_start BIGINT NOT NULL,
	failures INTEGER NOT NULL
);
CREATE INDEX opinion_lookup_failures_start ON opinion_lookup_failures (window_start);
