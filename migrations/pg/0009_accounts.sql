-- Accounts and tokens (docs/security.md "账号与三员分立"): API tokens carry named scopes and
-- belong to service accounts only; failed logins of user names that have no account are
-- counted like those of real accounts, so a lockout does not tell which names exist.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '';
-- Tokens issued before scopes existed carried their account's whole rights: they end here.
UPDATE api_tokens SET revoked_at = created_at
WHERE revoked_at IS NULL AND account_id NOT IN (SELECT id FROM accounts WHERE role = 'service');

-- Failures count within a window: a failure after LIMIT_LOCKOUT_S without one starts again at 1,
-- for accounts (failed_at) and for unknown names (login_failures.last_at) alike.
ALTER TABLE accounts ADD COLUMN failed_at BIGINT NOT NULL DEFAULT 0;

CREATE TABLE login_failures (
	username TEXT PRIMARY KEY,
	failures INTEGER NOT NULL DEFAULT 0,
	locked_until BIGINT NOT NULL DEFAULT 0,
	last_at BIGINT NOT NULL
);
CREATE INDEX login_failures_last ON login_failures(last_at);
