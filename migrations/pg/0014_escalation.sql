-- Escalation (转交上级): a township or street passes an opinion or a suggestion beyond its powers
-- to the congress office of its county (the parent region), which assigns it to a county unit or
-- returns it. escalated_to is the county that holds or held it: kept after a return, so that an
-- item goes up once; the steps themselves are in the items' histories.
ALTER TABLE opinions ADD COLUMN escalated_to TEXT REFERENCES regions(code);
ALTER TABLE opinions ADD COLUMN escalation_reason TEXT;
ALTER TABLE opinions ADD COLUMN escalated_at BIGINT;
ALTER TABLE suggestions ADD COLUMN escalated_to TEXT REFERENCES regions(code);
ALTER TABLE suggestions ADD COLUMN escalation_reason TEXT;
ALTER TABLE suggestions ADD COLUMN escalated_at BIGINT;
CREATE INDEX opinions_escalated ON opinions(escalated_to, state);
CREATE INDEX suggestions_escalated ON suggestions(escalated_to, state);
