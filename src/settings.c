#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "jsonx.h"
#include "region.h"
#include "role.h"
#include "rows.h"
#include "tx.h"

/* Defaults: the national rules or common practice (DOMAIN.md), in working days unless named. */
const struct setting_def settings_defs[] = {
	{"opinion.reply_days", 15, 1, 120, "群众意见办理期限（工作日）"},
	{"opinion.warn_days", 3, 0, 30, "到期前黄色提醒（工作日）"},
	{"opinion.return_days", 5, 1, 30, "承办单位退回时限（工作日）"},
	{"opinion.rehandle_days", 10, 1, 60, "不满意重新办理期限（工作日）"},
	{"opinion.close_after_days", 15, 1, 120, "答复后未评价自动办结（工作日）"},
	{"opinion.extension_max_days", 15, 1, 120, "单次延期上限（工作日）"},
	{"suggestion.intake_days", 7, 1, 30, "代表建议受理并告知代表时限（日）"},
	{"suggestion.assign_days", 7, 1, 30, "代表建议交办时限（工作日）"},
	{"suggestion.reply_months", 3, 1, 12, "代表建议答复期限（月）"},
	{"suggestion.reply_months_difficult", 6, 1, 12, "涉及面广、难度大的建议答复期限（月）"},
	{"suggestion.co_view_months", 1, 1, 6, "会办单位向主办单位提出意见时限（月）"},
	{"suggestion.return_days", 10, 1, 30, "交办不当退回时限（工作日）"},
	{"suggestion.rehandle_months", 1, 1, 6, "代表不满意重新办理答复期限（月）"},
	{"suggestion.warn_days", 10, 0, 60, "代表建议到期前黄色提醒（工作日）"},
	{"suggestion.intake_warn_days", 2, 0, 30, "代表建议受理期限前黄色提醒（日）"},
	{"motion.min_deputies_township", 5, 2, 50, "乡镇人大代表联名提出议案的最少人数"},
	{"motion.min_deputies", 10, 2, 100, "县级以上人大代表联名提出议案的最少人数"},
	{"meeting.quorum_num", 2, 1, 100, "会议法定人数：全体组成人员的分子（默认三分之二）"},
	{"meeting.quorum_den", 3, 1, 100, "会议法定人数：分母"},
	{"meeting.notice_days", 7, 0, 60, "会议通知至少提前（日）"},
	{"election.nominators_min", 10, 1, 100, "代表联名提名候选人最少人数"},
	{"election.head_extra_min", 0, 0, 5, "主席、乡镇长候选人数至少比应选人数多（人，0 即可等额选举）"},
	{"election.head_extra_max", 1, 0, 5, "主席、乡镇长候选人数至多比应选人数多（人，更多须先预选）"},
	{"election.vice_extra_min", 1, 0, 10, "副职候选人数至少比应选人数多（人，差额选举）"},
	{"election.vice_extra_max", 3, 0, 10, "副职候选人数至多比应选人数多（人，更多须先预选）"},
	{"election.other_extra_min", 0, 0, 10, "其他职务候选人数至少比应选人数多（人）"},
	{"election.project_extra_min", 1, 1, 50, "民生实事候选项目数至少比票决项目数多（个）"},
	{"project.candidate_ratio_pct", 120, 101, 300, "民生实事候选项目数不少于票决数的百分比"},
	{"rating.pass_pct", 50, 1, 99, "满意度测评通过须满意和基本满意票超过有效票的百分比"},
	{"rating.rereport_months", 3, 1, 12, "测评未通过再次报告期限（月）"},
	{"supervision.draft_days", 20, 1, 90, "监督工作报告初稿会前送达（日）"},
	{"supervision.final_days", 10, 1, 60, "监督工作报告定稿会前送达（日）"},
	{"supervision.members_days", 7, 1, 30, "监督工作报告会前送组成人员（日）"},
	{"supervision.opinion_months", 2, 1, 12, "审议意见办理报告期限（月）"},
	{"auth.password_max_days", 90, 1, 3650, "密码有效期（日），到期后登录须先修改密码"},
	{"auth.max_sessions", 3, 1, 50, "每个账号同时在线的会话数上限，超出时结束最早的会话"},
	{"auth.token_days", 90, 1, 3650, "API 令牌默认有效期（日，最长见 LIMIT_TOKEN_DAYS_MAX）"},
	{"booking.slot_minutes", 30, 10, 240, "预约接待每个时段的长度（分钟）"},
	{"booking.per_slot", 3, 1, 100, "预约接待每个时段可预约人数"},
	{"booking.per_phone", 2, 1, 20, "同一手机号同时持有的有效预约数"},
	{"booking.days_ahead", 30, 1, 180, "预约接待可提前预约的天数"},
	{"rectify.warn_days", 7, 0, 60, "整改期限前黄色提醒（日）"},
	{"chase.near_days", 3, 0, 30, "到期前几个工作日起可以催办（工作日，0 即只能催办已超期的）"},
	{"budget.exec_low_pct", 80, 1, 100, "预算执行低于序时进度的预警线（季度末执行数占序时计划的百分比）"},
	{"budget.exec_high_pct", 120, 100, 1000, "预算执行高于序时进度的预警线（季度末执行数占序时计划的百分比）"},
	{"budget.adjust_share_pct", 10, 1, 100, "预算调整幅度预警线（科目调整额占原预算的百分比）"},
	{"budget.key_unspent_quarter", 2, 1, 4, "重点项目资金自第几季度末起仍未支出即预警"},
	{"intake.idempotency_hours", 24, 1, 720, "对接系统登记意见的幂等键保留时长（小时）"},
	{NULL, 0, 0, 0, NULL}};

static const struct setting_def *def_of(const char *key)
{
	for (const struct setting_def *d = settings_defs; d->key; d++)
		if (!strcmp(d->key, key))
			return d;
	return NULL;
}

int settings_int(struct db_conn *c, const char *region_path, const char *key, int *value, struct err *e)
{
	const struct setting_def *d = def_of(key);
	struct cache *cache = db_conn_cache(c, CACHE_SETTINGS);
	struct db_params p;
	struct db_res *r;
	char ck[96];
	void *hit;
	size_t len;
	int rc;

	if (!d)
		return err_set(e, E_INTERNAL, "bad_setting", "未知的设置项 %s", key);
	/* A read asks the same few (key, region) pairs again and again: kept for CACHE_TTL_MS,
	 * dropped at once by a settings or region write in this process. */
	if (cache && (size_t)snprintf(ck, sizeof(ck), "%s|%s", key, region_path) >= sizeof(ck))
		cache = NULL; /* too long a key to cache: read it */
	if (cache && cache_get(cache, ck, &hit, &len)) {
		if (len == sizeof(int))
			memcpy(value, hit, sizeof(int));
		free(hit);
		if (len == sizeof(int))
			return 0;
	}
	*value = d->dflt;
	db_params_init(&p);
	db_ps(&p, key);
	db_ps(&p, region_path);
	/* The deepest region on the path that sets it wins. */
	if ((rc = db_exec(c,
			  "SELECT s.value FROM settings s JOIN regions r ON r.code = s.region_code"
			  " WHERE s.key = ? AND ? LIKE r.path || '%' ORDER BY LENGTH(r.path) DESC LIMIT 1",
			  &p, &r, e)))
		return rc;
	if (r->nrows) {
		int64_t v;
		if (!util_parse_i64(db_val(r, 0, 0), &v))
			*value = (int)v;
	}
	db_res_free(r);
	if (cache)
		cache_put(cache, ck, value, sizeof(int));
	return 0;
}

void settings_changed(struct db *db)
{
	cache_clear(db_cache(db, CACHE_SETTINGS));
	cache_clear(db_cache(db, CACHE_HOLIDAYS));
}

int settings_list(struct db *db, const struct actor *a, const char *region, json_t **out, struct err *e)
{
	struct db_conn *c = db_acquire(db);
	char path[160];
	json_t *items = json_array();
	int rc;

	*out = NULL;
	if ((rc = region_filter_path(c, a, region, path, sizeof(path), e)))
		goto out;
	for (const struct setting_def *d = settings_defs; d->key; d++) {
		int v;
		if ((rc = settings_int(c, path, d->key, &v, e)))
			goto out;
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "key", d->key,
						       "label", d->label, "value", v, "default",
						       d->dflt, "min", d->min, "max", d->max));
	}
	*out = json_pack("{s:s, s:O}", "region_code", region && *region ? region : a->region_code,
			 "items", items);
	rc = 0;
out:
	json_decref(items);
	db_release(db, c);
	return rc;
}

/* Every key of in is a setting a may change, with a value in its range. */
static int check_keys(const struct actor *a, json_t *in, struct err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(in, k, v) {
		const struct setting_def *d = def_of(k);
		if (!d)
			return err_field(e, E_INVALID, "unknown_field", k, "未知的设置项 %s", k);
		/* The password and session rules (auth.*) are the security administrator's alone. */
		if (!strncmp(k, "auth.", 5)
			    ? strcmp(a->role, "secadmin")
			    : strcmp(a->role, "sysadmin") && strcmp(a->role, "city_staff") &&
				      strcmp(a->role, "county_staff"))
			return err_field(e, E_FORBIDDEN, "forbidden", k, "%s",
					 !strncmp(k, "auth.", 5)
						 ? "只有安全管理员可以修改密码与会话设置"
						 : "只有系统管理员和市、县人大工作人员可以修改办理时限设置");
		if (!json_is_integer(v) || json_integer_value(v) < d->min || json_integer_value(v) > d->max)
			return err_field(e, E_INVALID, "out_of_range", k, "%s应为%d到%d之间的整数",
					 d->label, d->min, d->max);
	}
	return 0;
}

int settings_put(struct db *db, const struct actor *a, const char *region, json_t *in, json_t **out,
		 struct err *e)
{
	struct tx t;
	const char *k;
	json_t *v;
	int rc;

	*out = NULL;
	/* who, then which region, then what: a role that changes no setting is refused whatever
	 * the body says, and a foreign region before its keys are read */
	if (strcmp(a->role, "secadmin") && strcmp(a->role, "sysadmin") &&
	    strcmp(a->role, "city_staff") && strcmp(a->role, "county_staff"))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能修改设置");
	if (!region)
		return err_field(e, E_INVALID, "missing_field", "region", "请指定区划（region）");
	tx_begin(&t, db, a, e);
	if (tx_ok(&t))
		tx_check(&t, region_scope(t.c, a, region, NULL, 0, e));
	tx_check(&t, check_keys(a, in, e));
	json_object_foreach(in, k, v) {
		char val[24];
		snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
		tx_exec(&t, NULL,
			"INSERT INTO settings (region_code, key, value, updated_at) VALUES (?,?,?,?)"
			" ON CONFLICT (region_code, key) DO UPDATE SET value = excluded.value,"
			" updated_at = excluded.updated_at",
			"sssi", region, k, val, util_now());
	}
	tx_audit_s(&t, "settings.update", "region", region, NULL, in);
	rc = tx_end(&t);
	settings_changed(db);
	if (rc)
		return rc;
	return settings_list(db, a, region, out, e);
}

/* The calendar as cached: the counts of days off and of working days, then both lists. */
static void holidays_of(struct holidays *h, const int32_t *v, size_t noff, size_t non)
{
	h->off = xcalloc(noff + 1, sizeof(int32_t));
	h->on = xcalloc(non + 1, sizeof(int32_t));
	memcpy(h->off, v, noff * sizeof(int32_t));
	memcpy(h->on, v + noff, non * sizeof(int32_t));
	h->cal.holidays = h->off;
	h->cal.nholidays = noff;
	h->cal.workdays = h->on;
	h->cal.nworkdays = non;
}

int holidays_load(struct db_conn *c, struct holidays *h, struct err *e)
{
	struct cache *cache = db_conn_cache(c, CACHE_HOLIDAYS);
	struct db_res *r;
	size_t noff = 0, non = 0, len;
	int32_t *v;
	void *hit;
	int rc;

	memset(h, 0, sizeof(*h));
	/* Every opinion read computes its due dates on it: kept for CACHE_TTL_MS, dropped at once
	 * by a holiday write in this process. */
	if (cache && cache_get(cache, "calendar", &hit, &len)) {
		size_t n[2];
		if (len >= sizeof(n)) {
			memcpy(n, hit, sizeof(n));
			if (len == sizeof(n) + (n[0] + n[1]) * sizeof(int32_t)) {
				holidays_of(h, (const int32_t *)((char *)hit + sizeof(n)), n[0], n[1]);
				free(hit);
				return 0;
			}
		}
		free(hit);
	}
	if ((rc = db_exec(c, "SELECT day, kind FROM holidays ORDER BY day", NULL, &r, e)))
		return rc;
	v = xcalloc((size_t)r->nrows + 1, sizeof(int32_t) * 2);
	for (int i = 0; i < r->nrows; i++) {
		int32_t d;
		if (cal_parse(db_val(r, i, 0), &d))
			continue;
		if (!strcmp(db_val(r, i, 1), "holiday"))
			v[noff++] = d;
		else
			v[(size_t)r->nrows + 1 + non++] = d;
	}
	memmove(v + noff, v + r->nrows + 1, non * sizeof(int32_t));
	db_res_free(r);
	holidays_of(h, v, noff, non);
	if (cache) {
		size_t n[2] = {noff, non}, sz = sizeof(n) + (noff + non) * sizeof(int32_t);
		char *blob = xmalloc(sz);
		memcpy(blob, n, sizeof(n));
		memcpy(blob + sizeof(n), v, (noff + non) * sizeof(int32_t));
		cache_put(cache, "calendar", blob, sz);
		free(blob);
	}
	free(v);
	return 0;
}

void holidays_free(struct holidays *h)
{
	free(h->off);
	free(h->on);
	memset(h, 0, sizeof(*h));
}

int holidays_list(struct db *db, const char *year, json_t **out, struct err *e)
{
	static const struct col cols[] = {{"day", COL_STR}, {"kind", COL_STR}, {"name", COL_STR}, {NULL, 0}};
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL;
	char pat[16];
	int rc;

	*out = NULL;
	if (year && *year && (strlen(year) != 4 || strspn(year, "0123456789") != 4))
		return err_field(e, E_INVALID, "bad_param", "year", "年份应为4位数字");
	db_params_init(&p);
	snprintf(pat, sizeof(pat), "%.4s%%", year && *year ? year : "");
	db_ps(&p, pat);
	c = db_acquire(db);
	if (!(rc = db_exec(c, "SELECT day, kind, name FROM holidays WHERE day LIKE ? ORDER BY day",
			   &p, &r, e)))
		*out = json_pack("{s:o}", "items", rows_array(r, cols));
	db_res_free(r);
	db_release(db, c);
	return rc;
}

int holidays_put(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	static const struct jfield spec[] = {{"day", JF_STR, 1, 1, 10, "日期"},
					     {"kind", JF_STR, 1, 1, 10, "类型"},
					     {"name", JF_STR, 0, 0, 32, "名称"},
					     {NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	const char *kind, *day;
	int32_t d;
	int rc;

	*out = NULL;
	if (strcmp(a->role, "sysadmin") && strcmp(a->role, "city_staff"))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有系统管理员和市人大工作人员可以维护节假日");
	if ((rc = jsonx_check(in, spec, e)))
		return rc;
	day = jsonx_str(in, "day");
	if (cal_parse(day, &d))
		return err_field(e, E_INVALID, "bad_date", "day", "日期无效（YYYY-MM-DD）");
	kind = jsonx_str(in, "kind");
	if (strcmp(kind, "holiday") && strcmp(kind, "workday") && strcmp(kind, "none"))
		return err_field(e, E_INVALID, "bad_kind", "kind",
				 "类型应为 holiday（放假）、workday（调休上班）或 none（恢复常规）");
	tx_begin(&t, db, a, e);
	tx_exec(&t, NULL, "DELETE FROM holidays WHERE day = ?", "s", day);
	if (strcmp(kind, "none"))
		tx_exec(&t, NULL, "INSERT INTO holidays (day, kind, name) VALUES (?,?,?)", "sss",
			day, kind, jsonx_str(in, "name") ? jsonx_str(in, "name") : "");
	tx_audit_s(&t, "holiday.put", "holiday", day, NULL, in);
	rc = tx_end(&t);
	settings_changed(db);
	if (!rc)
		*out = json_pack("{s:O}", "holiday", in);
	return rc;
}
