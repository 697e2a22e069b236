-- Counters of events per subject over a window, in the database so that every server of a
-- province shares them (src/ratelimit.c): the public forms' limits per address (kind 'submit',
-- 'lookup') and the failed phone proofs per tracking code (kind 'lookup_failure', until now in
-- opinion_lookup_failures). A window opens at the subject's first event; the background jobs
-- drop windows that have ended.
CREATE TABLE rate_counts (
	kind TEXT NOT NULL,
	subject TEXT NOT NULL,
	window_start BIGINT NOT NULL,
	hits INTEGER NOT NULL,
	PRIMARY KEY (kind, subject)
);
CREATE INDEX rate_counts_start ON rate_counts (window_start);
INSERT INTO rate_counts (kind, subject, window_start, hits)
	SELECT 'lookup_failure', tracking_code, window_start, failures FROM opinion_lookup_failures;
DROP TABLE opinion_lookup_failures;
