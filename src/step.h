/* step.h: a domain's state machine as a table of named steps, run by one runner.
 *
 * Each step says who may take it, from which states, into which state, and what it writes;
 * each of those is a named function of the module, so a rule is found by the step's name.
 * step_run() is the one path of every step of every machine:
 *   begin (tx.h) -> lock the item's row -> load it (the module's load) -> the step exists and
 *   starts from the item's state -> who may (the step's may) -> what it writes (the step's run)
 *   -> the state change, guarded by the state read -> the module's event row -> the audit
 *   record with the item before and after -> commit, or roll back all of it.
 * A second concurrent step on the same item waits on the row lock and then finds the state
 * changed (E_CONFLICT "bad_state"); where a backend could let it through, the guarded update
 * answers E_CONFLICT "stale". */
#ifndef RENDA_STEP_H
#define RENDA_STEP_H

#include <jansson.h>

#include "tx.h"

struct step_run;

struct step {
	const char *name;  /* the action in the API and the audit: "assign" */
	const char *label; /* its Chinese name: 交办 */
	const char *from;  /* the states it starts from, space-separated; NULL: any state */
	const char *to;    /* the state after it; NULL: the state is not changed */
	int (*may)(struct step_run *s); /* who may: 0, or tx_fail(...) E_FORBIDDEN; NULL: anyone who sees it */
	int (*run)(struct step_run *s); /* what it writes (may set s->to); NULL: the state change alone */
};

struct step_machine {
	const char *object_type; /* "opinion": the audit's object and its actions' prefix */
	const char *table;       /* "opinions": the row locked and whose state column changes */
	const char *what;        /* "意见": for "…不存在" */
	const struct step *steps;
	size_t nsteps;
	/* Loads s->row (the module's columns) after the lock, checks that s->a may see it
	 * (E_NOTFOUND otherwise), points s->state at its state and fills s->before. */
	int (*load)(struct step_run *s);
	/* Writes the state change from s->state to s->to; NULL: "UPDATE <table> SET state = ?,
	 * updated_at = ? WHERE id = ? AND state = ?" (without updated_at when the table has none).
	 * Must change exactly one row. */
	int (*set_state)(struct step_run *s);
	/* Writes the module's history row for the step (s->note says what happened); may be NULL. */
	int (*event)(struct step_run *s);
	/* Fills s->after, the item as the caller now sees it (the reply and the audit's "after"). */
	int (*after)(struct step_run *s);
	const char *(*state_label)(const char *state);
	/* Writes the step's audit record itself, for a module that keeps its own action names or
	 * audits another object (tx_audit on s->t); NULL: "<object_type>.<step>" on the item with
	 * s->before and s->after. */
	int (*audit)(struct step_run *s);
	int no_updated_at; /* the table has no updated_at column (see set_state) */
};

struct step_run {
	struct tx t; /* the open transaction; t.c, t.a, t.e for the module's calls */
	const struct step_machine *m;
	const struct step *step;
	const struct actor *a;
	json_t *in; /* the request, borrowed */
	int64_t id;
	struct db_res *row;     /* the item, loaded under the lock; freed by the runner */
	const char *state;      /* its state before the step (points into row or from) */
	char from[32];          /* a copy of it */
	const char *to;         /* the state after the step; a run may change it */
	char note[800];         /* the event's note; a run may fill it */
	json_t *before, *after; /* the audit's values, owned by the runner */
	void *ctx;              /* the module's own, borrowed */
};

/* The step named name, or NULL. */
const struct step *step_find(const struct step_machine *m, const char *name);
/* Whether the step starts from state. */
int step_starts_from(const struct step *st, const char *state);
/* The state after action from state, or NULL when the machine has no such step: the
 * transition table as a function, for tests and the pages' labels. */
const char *step_next(const struct step_machine *m, const char *state, const char *action);

/* The machine's names for the pages: {"states": {code: name}, "actions": {step: label}}, the
 * states in the order the steps first leave, then first reach them, then extra_states (a
 * NULL-terminated list of states only a run reaches, may be NULL), named by m->state_label.
 * A new object owned by the caller. */
json_t *step_labels(const struct step_machine *m, const char *const *extra_states);

/* For a machine's own audit: the record action on object_type id, with no before and after (a
 * new object, taken). Returns s->t.rc. */
int step_audit_as(struct step_run *s, const char *action, const char *object_type, int64_t id, json_t *after);

/* Runs the step named by the request's "action" on item id, as described above. On success
 * *out is the item after the step (owned by the caller); ctx is handed to the module's
 * functions in s->ctx. */
int step_run(struct db *db, const struct step_machine *m, const struct actor *a, int64_t id,
	     json_t *in, void *ctx, json_t **out, struct err *e) WUR;
/* The same on an open transaction of the caller (a background job): neither commits nor
 * releases; the caller ends the transaction. */
int step_run_in(struct db_conn *c, const struct step_machine *m, const struct actor *a, int64_t id,
		json_t *in, void *ctx, json_t **out, struct err *e) WUR;

#endif
