#include "notice.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "region.h"
#include "role.h"
#include "rows.h"

void notice_link(const char *section, int64_t id, char *out, size_t n)
{
	snprintf(out, n, "/%s/%lld", section, (long long)id);
}

int notice_handler(struct db_conn *c, int64_t handler_id, const char *kind, const char *title,
		   const char *link, struct err *e)
{
	return db_execv(c, NULL, e,
			"INSERT INTO notifications (handler_id, kind, title, link, created_at)"
			" VALUES (?,?,?,?,?)",
			"isssi", handler_id, kind, title, link, util_now());
}

int notice_handler_text(struct db_conn *c, int64_t handler_id, const char *kind, const char *text,
			const char *link, struct err *e)
{
	struct db_res *r = NULL;
	char *s = NULL;
	json_t *payload;
	int rc;

	if ((rc = db_execv(c, &r, e, "SELECT phone FROM handlers WHERE id = ?", "i", handler_id)))
		return rc;
	if (r->nrows && *db_val(r, 0, 0)) {
		payload = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s}", "kind", "sms", "notice", kind,
				    "handler_id", (json_int_t)handler_id, "to", db_val(r, 0, 0),
				    "text", text, "link", link);
		s = payload ? json_dumps(payload, JSON_COMPACT) : NULL;
		json_decref(payload);
		rc = s ? db_execv(c, NULL, e, "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES ('sms', ?, ?, ?)",
				  "sii", s, util_now(), util_now())
		       : err_set(e, E_INTERNAL, "internal", "无法生成短信内容");
		free(s);
	}
	db_res_free(r);
	return rc;
}

int notice_region(struct db_conn *c, const char *region_code, const char *kind, const char *title,
		  const char *link, struct err *e)
{
	return db_execv(c, NULL, e,
			"INSERT INTO notifications (region_code, kind, title, link, created_at)"
			" VALUES (?,?,?,?,?)",
			"ssssi", region_code, kind, title, link, util_now());
}

int notice_deputy(struct db_conn *c, int64_t deputy_id, const char *kind, const char *title,
		  const char *link, struct err *e)
{
	return db_execv(c, NULL, e,
			"INSERT INTO notifications (account_id, kind, title, link, created_at)"
			" SELECT id, ?, ?, ?, ? FROM accounts WHERE deputy_id = ?",
			"sssii", kind, title, link, util_now(), deputy_id);
}

int notice_deputies(struct db_conn *c, const char *deputies_sql, int64_t id, const char *kind,
		    const char *title, const char *link, struct err *e)
{
	char sql[600];
	int n = snprintf(sql, sizeof(sql),
			 "INSERT INTO notifications (account_id, kind, title, link, created_at)"
			 " SELECT a.id, ?, ?, ?, ? FROM accounts a WHERE a.deputy_id IN (%s)",
			 deputies_sql);
	if (n < 0 || (size_t)n >= sizeof(sql))
		return err_set(e, E_INTERNAL, "internal", "通知查询过长");
	return db_execv(c, NULL, e, sql, "sssii", kind, title, link, util_now(), id);
}

int notice_sms(struct db_conn *c, json_t *fields, const char *phone_sealed, const char *text, struct err *e)
{
	json_t *payload = json_pack("{s:s, s:s, s:s}", "kind", "sms", "phone_sealed", phone_sealed,
				    "text", text);
	char *s;
	int rc;

	if (fields)
		json_object_update(payload, fields);
	s = json_dumps(payload, JSON_COMPACT);
	json_decref(payload);
	if (!s)
		return err_set(e, E_INTERNAL, "internal", "短信内容无效");
	rc = db_execv(c, NULL, e, "INSERT INTO outbox (kind, payload, next_attempt_at, created_at) VALUES ('sms', ?, ?, ?)",
		      "sii", s, util_now(), util_now());
	free(s);
	return rc;
}

int notice_list(struct db *db, const struct actor *a, json_t **out, struct err *e)
{
	static const struct col cols[] = {{"id", COL_INT},         {"kind", COL_STR},
					  {"title", COL_STR},      {"link", COL_STR},
					  {"created_at", COL_INT}, {NULL, 0}};
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	char pat[REGION_PATTERN_MAX];
	int rc;

	*out = NULL;
	if (role_is_handler(a->role)) {
		rc = db_execv(c, &r, e,
			      "SELECT id, kind, title, link, created_at FROM notifications WHERE handler_id = ?"
			      " ORDER BY id DESC LIMIT 50",
			      "i", a->handler_id);
	} else if (role_can(a->role, PERM_OPINION_READ)) {
		/* Staff see the notices of their whole subtree. */
		region_like_pattern(a->region_path, pat, sizeof(pat));
		rc = db_execv(c, &r, e,
			      "SELECT n.id, n.kind, n.title, n.link, n.created_at FROM notifications n"
			      " JOIN regions r ON r.code = n.region_code WHERE r.path LIKE ?"
			      " ORDER BY n.id DESC LIMIT 50",
			      "s", pat);
	} else {
		/* A deputy's own notices: suggestions' invitations, replies and decisions. */
		rc = db_execv(c, &r, e,
			      "SELECT id, kind, title, link, created_at FROM notifications WHERE account_id = ?"
			      " ORDER BY id DESC LIMIT 50",
			      "i", a->account_id);
	}
	if (!rc)
		*out = json_pack("{s:o}", "items", rows_array(r, cols));
	db_res_free(r);
	db_release(db, c);
	return rc;
}
