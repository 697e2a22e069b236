#include "step.h"

#include <stdio.h>
#include <string.h>

#include "jsonx.h"

const struct step *step_find(const struct step_machine *m, const char *name)
{
	for (size_t i = 0; name && i < m->nsteps; i++)
		if (!strcmp(m->steps[i].name, name))
			return &m->steps[i];
	return NULL;
}

int step_starts_from(const struct step *st, const char *state)
{
	size_t n = strlen(state);
	const char *p = st->from;
	if (!p)
		return 1;
	while ((p = strstr(p, state))) {
		if ((p == st->from || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

const char *step_next(const struct step_machine *m, const char *state, const char *action)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (!strcmp(m->steps[i].name, action) && step_starts_from(&m->steps[i], state))
			return m->steps[i].to ? m->steps[i].to : state;
	return NULL;
}

static void add_state(const struct step_machine *m, json_t *states, const char *state, size_t n)
{
	char code[32];
	if (!n || n >= sizeof(code))
		return;
	memcpy(code, state, n);
	code[n] = '\0';
	if (!json_object_get(states, code))
		json_object_set_new(states, code, json_string(m->state_label ? m->state_label(code) : code));
}

json_t *step_labels(const struct step_machine *m, const char *const *extra_states)
{
	json_t *states = json_object(), *actions = json_object();
	for (size_t i = 0; i < m->nsteps; i++) {
		for (const char *p = m->steps[i].from; p && *p;) {
			size_t n = strcspn(p, " ");
			add_state(m, states, p, n);
			p += n + (p[n] == ' ');
		}
		json_object_set_new(actions, m->steps[i].name, json_string(m->steps[i].label));
	}
	for (size_t i = 0; i < m->nsteps; i++)
		if (m->steps[i].to)
			add_state(m, states, m->steps[i].to, strlen(m->steps[i].to));
	for (size_t i = 0; extra_states && extra_states[i]; i++)
		add_state(m, states, extra_states[i], strlen(extra_states[i]));
	return json_pack("{s:o, s:o}", "states", states, "actions", actions);
}

static int set_state(struct step_run *s)
{
	char sql[160];
	if (s->m->set_state)
		return tx_check(&s->t, s->m->set_state(s)) || tx_expect_one(&s->t);
	if (s->m->no_updated_at) {
		snprintf(sql, sizeof(sql), "UPDATE %s SET state = ? WHERE id = ? AND state = ?", s->m->table);
		return tx_exec(&s->t, NULL, sql, "sis", s->to, s->id, s->from) || tx_expect_one(&s->t);
	}
	snprintf(sql, sizeof(sql),
		 "UPDATE %s SET state = ?, updated_at = ? WHERE id = ? AND state = ?", s->m->table);
	return tx_exec(&s->t, NULL, sql, "siis", s->to, util_now(), s->id, s->from) ||
	       tx_expect_one(&s->t);
}

/* Everything between the lock and the audit; the transaction is open and ends with the caller. */
static int run_steps(struct step_run *s)
{
	const struct step_machine *m = s->m;
	const char *action = jsonx_str(s->in, "action");
	char audit_action[80];

	if (!(s->step = step_find(m, action)))
		return tx_fail_field(&s->t, E_INVALID, "bad_action", "action", "未知的操作“%s”",
				     action ? action : "");
	if (tx_lock(&s->t, m->table, s->id, m->what) || tx_check(&s->t, m->load(s)))
		return s->t.rc;
	snprintf(s->from, sizeof(s->from), "%s", s->state ? s->state : "");
	s->state = s->from;
	if (!step_starts_from(s->step, s->from))
		return tx_fail(&s->t, E_CONFLICT, "bad_state", "当前状态为“%s”，不能执行“%s”",
			       m->state_label ? m->state_label(s->from) : s->from, s->step->label);
	s->to = s->step->to ? s->step->to : s->from;
	if ((s->step->may && tx_check(&s->t, s->step->may(s))) ||
	    (s->step->run && tx_check(&s->t, s->step->run(s))))
		return s->t.rc;
	if (strcmp(s->to, s->from) && set_state(s))
		return s->t.rc;
	if (m->event && tx_check(&s->t, m->event(s)))
		return s->t.rc;
	if (tx_check(&s->t, m->after(s)))
		return s->t.rc;
	if (m->audit)
		return tx_check(&s->t, m->audit(s));
	snprintf(audit_action, sizeof(audit_action), "%s.%s", m->object_type, s->step->name);
	return tx_audit(&s->t, audit_action, m->object_type, s->id, s->before, s->after);
}

int step_audit_as(struct step_run *s, const char *action, const char *object_type, int64_t id, json_t *after)
{
	tx_audit(&s->t, action, object_type, id, NULL, after);
	json_decref(after);
	return s->t.rc;
}

static void run_init(struct step_run *s, const struct step_machine *m, const struct actor *a,
		     int64_t id, json_t *in, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->a = a;
	s->id = id;
	s->in = in;
	s->ctx = ctx;
}

static int run_done(struct step_run *s, int rc, json_t **out)
{
	if (!rc && s->after) {
		*out = s->after;
		s->after = NULL;
	}
	db_res_free(s->row);
	json_decref(s->before);
	json_decref(s->after);
	return rc;
}

int step_run(struct db *db, const struct step_machine *m, const struct actor *a, int64_t id,
	     json_t *in, void *ctx, json_t **out, struct err *e)
{
	struct step_run s;
	*out = NULL;
	run_init(&s, m, a, id, in, ctx);
	tx_begin(&s.t, db, a, e);
	run_steps(&s);
	return run_done(&s, tx_end(&s.t), out);
}

int step_run_in(struct db_conn *c, const struct step_machine *m, const struct actor *a, int64_t id,
		json_t *in, void *ctx, json_t **out, struct err *e)
{
	struct step_run s;
	*out = NULL;
	run_init(&s, m, a, id, in, ctx);
	tx_join(&s.t, c, a, e);
	run_steps(&s);
	return run_done(&s, tx_end(&s.t), out);
}
