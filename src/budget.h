/* budget.h: the township budget and its execution (the Budget Law: a congress examines and
 * approves its own budget, its adjustments and its final accounts, and supervises their
 * execution). Documents are lines of the functional classification (功能分类科目: a code of
 * 3, 5 or 7 digits by level, a name, an amount in fen) imported from the finance office's
 * spreadsheet (preview, then confirm: nothing stored half-way); quarterly execution imports;
 * warnings per line (execution behind or ahead of the time-proportional plan, an adjustment
 * beyond a share, key project money unspent), every bound a setting; deputies' comments per
 * line while a document is under review; approval by a linked vote of the meeting engine
 * (vote.c), whose result the approve step reads. Owns budgets, budget_lines, budget_exec,
 * budget_warnings, budget_comments and the budget's state machine (a step table). */
#ifndef RENDA_BUDGET_H
#define RENDA_BUDGET_H

#include <jansson.h>
#include <stdint.h>

#include "actor.h"
#include "db.h"
#include "rows.h"
#include "sheet.h"

/* ---- the rules, pure, for the tests ---- */

/* Whether execution spent (cumulative to the end of quarter 1..4) of a line planned at plan is
 * below low_pct or above high_pct of the time-proportional plan plan*quarter/4: -1 below, 1
 * above, 0 within (exactly on a bound is within). A line planned at 0 with spending is above. */
int budget_exec_flag(int64_t plan_fen, int64_t spent_fen, int quarter, int low_pct, int high_pct);
/* 1 when an adjustment moves a line from before to after by more than share_pct of before (a
 * line new in the adjustment counts as moved beyond any share). */
int budget_adjust_flag(int64_t before_fen, int64_t after_fen, int share_pct);
/* 1 when a key line has spent nothing by the end of quarter, from quarter after_quarter on. */
int budget_key_unspent(int64_t spent_fen, int quarter, int after_quarter);
/* 1 when code is a well-formed functional classification code: digits, 3, 5 or 7 of them. */
int budget_code_ok(const char *code);
/* The code's parent ("2010301" → "20103", "20103" → "201"; none for 3 digits) into parent
 * (8 bytes); 0 when it has one. */
int budget_code_parent(const char *code, char parent[8]);
/* Parses an amount in yuan ("1,234.56", "1234.5", "800") into fen. 0, or -1 not a number,
 * -2 negative, -3 more than two decimals or too large. */
int budget_parse_amount(const char *text, int64_t *fen);

/* One line read from a sheet. */
struct budget_line {
	char code[8];
	char *name; /* owned */
	int64_t fen;
	int key;
	size_t row; /* the spreadsheet's row number (1-based) */
};
struct budget_lines {
	struct budget_line *v;
	size_t n, cap;
	int64_t total; /* the sum of the top-level (3-digit) lines */
};
void budget_lines_release(struct budget_lines *l);

/* Reads the lines of a budget sheet (exec 0: 科目编码, 科目名称, 金额(元), 重点项目) or of an
 * execution sheet (exec 1: 科目编码, 科目名称, 累计执行数(元)) into *out (initialised here).
 * A title above the header is passed over. Every bad cell is appended to errors as {row,
 * column, message}: a malformed code, a sublevel without its parent, a repeated code, a
 * missing name, an amount not a number or negative, a parent not the sum of its children, a
 * total row (科目编码 empty or 合计) not the sum of the top-level lines. Returns 0 when the
 * header could be read (errors may still have been added), else E_INVALID with e set. */
int budget_sheet_lines(const struct sheet *s, int exec, json_t *errors, struct budget_lines *out,
		       struct err *e) WUR;

/* The import template (a title, the header and example lines): exec 0 a budget, 1 execution. */
int budget_template(int exec, enum sheet_format fmt, char **out, size_t *len, struct err *e) WUR;

/* ---- the documents ---- */

/* Every function below: *out is a new JSON object owned by the caller, set only on success;
 * errors are E_INVALID (input, a file's row and column), E_FORBIDDEN, E_NOTFOUND (also out of
 * scope), E_CONFLICT (state) with a Chinese message. Staff (PERM_MEETING_RUN) see and write the
 * documents of their subtree; a deputy sees the non-draft documents of the congress it holds an
 * active mandate of, and comments on their lines while under review. */

/* A budget document's file: region, year and kind (budget|adjustment|final) name it.
 * {"preview":{"import_id"|null,"total","errors":[...],"lines":[first 50],"total_fen"}}. */
int budget_preview(struct db *db, const struct actor *a, const char *region, const char *year,
		   const char *kind, const char *data, size_t len, json_t **out, struct err *e) WUR;
/* Execution to the end of quarter (1..4) of budget id, read from a file: the same preview;
 * a code that is not a line of the budget is an error of its row. */
int budget_exec_preview(struct db *db, const struct actor *a, int64_t id, const char *quarter,
			const char *data, size_t len, json_t **out, struct err *e) WUR;
/* Stores a previewed file in one transaction: a new document in draft (its adjustment warnings
 * computed), or the quarter's execution (the budget's warnings recomputed). {"budget":{...}}. */
int budget_import_confirm(struct db *db, const struct actor *a, int64_t import_id, json_t **out,
			  struct err *e) WUR;
/* The documents in scope: ?region, year, kind, state; {"items":[...],"total"} with each one's
 * totals, execution and warning count. */
int budget_list(struct db *db, const struct actor *a, const char *region, const char *year, const char *kind,
		const char *state, const struct listq *q, json_t **out, struct err *e) WUR;
/* One document with its lines (plan, execution per quarter, warnings, comment counts; for an
 * adjustment or final accounts the plan they are compared with), its vote and its warnings. */
int budget_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e) WUR;
/* {"action":"submit|return|link_vote|approve", "vote_id"} through the step table. */
int budget_act(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e) WUR;
/* Comments on a document's lines (?code narrows): {"items":[...]}. */
int budget_comments(struct db *db, const struct actor *a, int64_t id, const char *code,
		    json_t **out, struct err *e) WUR;
/* A deputy's comment {"code","body"} on a line of a document under review. */
int budget_comment(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		   struct err *e) WUR;
/* {"states":{...},"actions":{...}} of the step table, owned by the caller. */
json_t *budget_labels(void);

/* Recomputes the warnings of the year's documents of budget id's region (execution against the
 * plan in force, adjustments against the budget) with the settings of its region, inside the
 * caller's transaction; for the demo and the imports. */
int budget_refresh(struct db_conn *c, int64_t id, struct err *e) WUR;

#endif
