-- The township budget and its execution (src/budget.c; the Budget Law: a congress examines and
-- approves its own budget, its adjustments and its final accounts, and supervises their
-- execution). A document is the budget, an adjustment or the final accounts of a region's year,
-- as lines of the functional classification (功能分类科目) with amounts in fen.
-- States: draft → review (deputies comment) → approved (by a linked vote of the meeting engine).
CREATE TABLE budgets (
	id INTEGER PRIMARY KEY,
	region_code TEXT NOT NULL REFERENCES regions(code),
	region_path TEXT NOT NULL,
	year INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('budget','adjustment','final')),
	seq INTEGER NOT NULL DEFAULT 1,
	title TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('draft','review','approved')),
	vote_id INTEGER REFERENCES votes(id),
	total_fen BIGINT NOT NULL,
	line_count INTEGER NOT NULL,
	exec_quarter INTEGER NOT NULL DEFAULT 0,
	exec_fen BIGINT NOT NULL DEFAULT 0,
	warnings INTEGER NOT NULL DEFAULT 0,
	created_by INTEGER REFERENCES accounts(id),
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	UNIQUE (region_code, year, kind, seq)
);
CREATE INDEX budgets_path ON budgets (region_path, year);

CREATE TABLE budget_lines (
	budget_id INTEGER NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	name TEXT NOT NULL,
	amount_fen BIGINT NOT NULL,
	is_key INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (budget_id, code)
);

-- Execution to a quarter's end (cumulative from the year's start), per line of the budget.
CREATE TABLE budget_exec (
	budget_id INTEGER NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
	quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
	code TEXT NOT NULL,
	spent_fen BIGINT NOT NULL,
	PRIMARY KEY (budget_id, quarter, code)
);

-- Warnings per line, recomputed whenever execution or an adjustment changes (kinds: low, high,
-- key_unspent on the budget; adjust on an adjustment).
CREATE TABLE budget_warnings (
	budget_id INTEGER NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('low','high','adjust','key_unspent')),
	quarter INTEGER NOT NULL,
	plan_fen BIGINT NOT NULL,
	actual_fen BIGINT NOT NULL,
	PRIMARY KEY (budget_id, code, kind, quarter)
);

-- Deputies' review comments per line, before the session.
CREATE TABLE budget_comments (
	id INTEGER PRIMARY KEY,
	budget_id INTEGER NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
	code TEXT NOT NULL,
	deputy_id INTEGER NOT NULL REFERENCES deputies(id),
	author TEXT NOT NULL,
	body TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX budget_comments_budget ON budget_comments (budget_id, code);
