-- The secret ballot keeps nothing that links a ballot's content to a member: neither order nor
-- time. Who may vote in a round is a roster written when the round opens (members by id), and a
-- ballot only marks its member's row as voted, rewriting every row of the round so that neither
-- the rows' physical order (ctid) nor their writing transaction (xmin) tells who voted when.
-- The write-ins are counts per name in the round's own row (a JSON object, keys sorted), no
-- longer rows that appear in the order the names were first written.
CREATE TABLE round_roster (
	round_id BIGINT NOT NULL REFERENCES election_rounds(id) ON DELETE CASCADE,
	deputy_id BIGINT NOT NULL REFERENCES deputies(id),
	voted INTEGER NOT NULL DEFAULT 0 CHECK (voted IN (0, 1)),
	channel TEXT CHECK (channel IN ('device','paper')),
	PRIMARY KEY (round_id, deputy_id)
);
INSERT INTO round_roster (round_id, deputy_id, voted, channel)
	SELECT round_id, deputy_id, 1, channel FROM round_voters ORDER BY round_id, deputy_id;
INSERT INTO round_roster (round_id, deputy_id)
	SELECT r.id, mm.deputy_id FROM election_rounds r JOIN elections l ON l.id = r.election_id
	JOIN meeting_members mm ON mm.meeting_id = l.meeting_id
	WHERE r.state = 'open' AND NOT EXISTS (SELECT 1 FROM round_voters v WHERE v.round_id = r.id
	AND v.deputy_id = mm.deputy_id) ORDER BY r.id, mm.deputy_id;
DROP TABLE round_voters;

ALTER TABLE election_rounds ADD COLUMN write_ins TEXT NOT NULL DEFAULT '{}';
UPDATE election_rounds r SET write_ins = w.o FROM
	(SELECT round_id, jsonb_object_agg(name, votes)::text AS o FROM round_writeins GROUP BY round_id) w
	WHERE w.round_id = r.id;
DROP TABLE round_writeins;
