#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "region.h"
#include "role.h"
#include "rows.h"

/* The fields of an entry in the order the hash covers them. */
enum {
	F_ID,
	F_AT,
	F_ACTOR_ID,
	F_ACTOR,
	F_ADDR,
	F_ACTION,
	F_TYPE,
	F_OBJECT,
	F_BEFORE,
	F_AFTER,
	F_OUTCOME,
	F_PREV,
	NF
};

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The SM3 of an entry's canonical form: a version line, then each field as "<bytes>:<text>\n",
 * or "-\n" for NULL, so no two different entries serialise alike. out holds 65. Returns -1 when
 * the entry is beyond the cap (never for what audit_append writes). */
static int entry_hash(const char *const f[NF], char out[65])
{
	struct buf b = BUF_INIT_CAP(4u << 20);
	int rc = 0;
	buf_adds(&b, "renda-audit-v1\n");
	for (int i = 0; i < NF; i++)
		if (f[i])
			buf_addf(&b, "%zu:%s\n", strlen(f[i]), f[i]);
		else
			buf_adds(&b, "-\n");
	if (buf_failed(&b))
		rc = -1;
	else
		crypto_sm3_hex(b.data, b.len, out);
	buf_release(&b);
	return rc;
}

int audit_append(struct db_conn *c, const struct actor *a, const char *outcome, const char *action,
		 const char *object_type, const char *object_id, const char *before,
		 const char *after, struct err *e)
{
	char sql[128], id[24], at[24], actor_id[24], hash[65], prev[65];
	int64_t now = util_now();
	const char *f[NF];
	struct db_res *r = NULL;
	int64_t last;
	int rc;

	/* The chain's head, locked until the commit where the backend locks rows (SQLite's writer
	 * already holds the database), so concurrent appends from any server chain one by one. */
	snprintf(sql, sizeof(sql), "SELECT last_id, hash FROM audit_head WHERE id = 1%s",
		 db_lock_clause(c, 1));
	if ((rc = db_execv(c, &r, e, sql, "")))
		return rc;
	if (r->nrows != 1) {
		db_res_free(r);
		return err_set(e, E_DB, "db", "audit_head has no row");
	}
	last = db_int(r, 0, 0);
	snprintf(prev, sizeof(prev), "%s", db_val(r, 0, 1) ? db_val(r, 0, 1) : "");
	db_res_free(r);
	snprintf(id, sizeof(id), "%lld", (long long)(last + 1));
	snprintf(at, sizeof(at), "%lld", (long long)now);
	snprintf(actor_id, sizeof(actor_id), "%lld", (long long)a->account_id);
	f[F_ID] = id;
	f[F_AT] = at;
	f[F_ACTOR_ID] = a->account_id ? actor_id : NULL;
	f[F_ACTOR] = a->username[0] ? a->username : "(system)";
	f[F_ADDR] = a->client_addr;
	f[F_ACTION] = action;
	f[F_TYPE] = object_type;
	f[F_OBJECT] = object_id ? object_id : "";
	f[F_BEFORE] = before;
	f[F_AFTER] = after;
	f[F_OUTCOME] = outcome;
	f[F_PREV] = prev;
	if (entry_hash(f, hash))
		return err_set(e, E_INTERNAL, "internal", "审计记录过长");
	if ((rc = db_execv(c, NULL, e,
			   "INSERT INTO audit (id, at, actor_id, actor, client_addr, action, object_type,"
			   " object_id, before, after, outcome, prev_hash, hash)"
			   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
			   "iinssssssssss", last + 1, now, a->account_id, f[F_ACTOR], f[F_ADDR],
			   action, object_type, f[F_OBJECT], before, after, outcome, prev, hash)))
		return rc;
	return db_execv(c, NULL, e, "UPDATE audit_head SET last_id = ?, hash = ? WHERE id = 1",
			"is", last + 1, hash);
}

int audit_write(struct db_conn *c, const struct actor *a, const char *action, const char *object_type,
		const char *object_id, json_t *before, json_t *after, struct err *e)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *f = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc = audit_append(c, a, AUDIT_DONE, action, object_type, object_id, b, f, e);
	free(b);
	free(f);
	return rc;
}

struct record {
	const struct actor *a;
	const char *outcome, *action, *object_type, *object_id, *after;
};

static int record_member(struct db_conn *c, void *ctx, struct err *e)
{
	struct record *r = ctx;
	return audit_append(c, r->a, r->outcome, r->action, r->object_type, r->object_id, NULL, r->after, e);
}

/* An entry of its own, committed with the entries and submissions that arrive meanwhile (db_group):
 * the readings of personal data that every staff list and detail records would otherwise wait for
 * one fsync each. It returns only after the commit, so a reply that needs its record is never
 * given before the record is on disk. */
/* A deferred record (audit_defer_begin): the request's copies of what audit_record was given. */
struct audit_deferred {
	struct db *db;
	struct actor a;
	char *action, *object_type, *object_id, *after;
	struct record r;
	struct err e;
	int rc;
};

/* The deferral of the request running on this thread: armed by audit_defer_begin, filled by the
 * first audit_record. */
static _Thread_local struct {
	struct db *db;
	int armed;
	struct audit_deferred *d;
} defer;

void audit_defer_begin(struct db *db)
{
	defer.db = db;
	defer.armed = 1;
	defer.d = NULL;
}

struct audit_deferred *audit_defer_end(void)
{
	struct audit_deferred *d = defer.d;
	defer.armed = 0;
	defer.d = NULL;
	return d;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct audit_deferred *deferred_new(struct db *db, const struct actor *a, const char *action,
					   const char *object_type, const char *object_id, char *after)
{
	struct audit_deferred *d = xcalloc(1, sizeof(*d));
	d->db = db;
	d->a = *a;
	d->action = xstrdup(action);
	d->object_type = dup_or_null(object_type);
	d->object_id = dup_or_null(object_id);
	d->after = after;
	d->r = (struct record){&d->a,          AUDIT_DONE,   d->action,
			       d->object_type, d->object_id, d->after};
	return d;
}

static void deferred_free(struct audit_deferred *d)
{
	free(d->action);
	free(d->object_type);
	free(d->object_id);
	free(d->after);
	free(d);
}

void audit_deferred_wait(struct audit_deferred *d, void (*done)(void *arg), void *arg)
{
	db_group_queue(d->db, record_member, &d->r, &d->e, &d->rc, done, arg);
}

int audit_deferred_end(struct audit_deferred *d, struct err *e)
{
	int rc = d->rc;
	if (rc)
		*e = d->e;
	deferred_free(d);
	return rc;
}

int audit_deferred_run(struct audit_deferred *d, struct err *e)
{
	int rc = db_group(d->db, record_member, &d->r, e);
	deferred_free(d);
	return rc;
}

int audit_record(struct db *db, const struct actor *a, const char *outcome, const char *action,
		 const char *object_type, const char *object_id, json_t *after, struct err *e)
{
	char *f = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct record r = {a, outcome, action, object_type, object_id, f};
	int rc;
	if (defer.armed && !defer.d && defer.db == db && !strcmp(outcome, AUDIT_DONE)) {
		defer.d = deferred_new(db, a, action, object_type, object_id, f);
		return 0;
	}
	rc = db_group(db, record_member, &r, e);
	free(f);
	return rc;
}

int audit_list(struct db *db, const struct actor *a, const struct audit_filter *f, json_t **out,
	       struct err *e)
{
	static const struct col cols[] = {
		{"id", COL_INT},          {"at", COL_INT},          {"actor_id", COL_INT},
		{"actor", COL_STR},       {"client_addr", COL_STR}, {"action", COL_STR},
		{"object_type", COL_STR}, {"object_id", COL_STR},   {"before", COL_JSON},
		{"after", COL_JSON},      {"outcome", COL_STR},     {NULL, 0}};
	struct buf where = BUF_INIT_CAP(4096);
	struct listq q = {0};
	struct db_params p;
	struct db_res *r = NULL;
	struct db_conn *c;
	char path[160], pat[REGION_PATTERN_MAX];
	int rc;
	int64_t total;

	*out = NULL;
	if (!role_can(a->role, PERM_AUDIT_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "只有安全审计员可以查看审计日志");
	if (f->outcome && strcmp(f->outcome, AUDIT_DONE) && strcmp(f->outcome, AUDIT_REFUSED) &&
	    strcmp(f->outcome, AUDIT_FAILED))
		return err_field(e, E_INVALID, "bad_param", "outcome",
				 "结果应为 done（完成）、refused（拒绝）或 failed（失败）");
	db_params_init(&p);
	buf_adds(&where, " WHERE 1=1");
	rows_filter_eq(&where, &p, f->actor, " AND actor = ?");
	rows_filter_eq(&where, &p, f->action, " AND action = ?");
	rows_filter_eq(&where, &p, f->object_type, " AND object_type = ?");
	rows_filter_eq(&where, &p, f->object_id, " AND object_id = ?");
	rows_filter_eq(&where, &p, f->outcome, " AND outcome = ?");
	if (f->from) {
		buf_adds(&where, " AND at >= ?");
		db_pi(&p, f->from);
	}
	if (f->to) {
		buf_adds(&where, " AND at <= ?");
		db_pi(&p, f->to);
	}
	q.page = f->page;
	q.per_page = f->per_page;
	c = db_acquire(db);
	if ((rc = db_begin_read(c, e)) ||
	    (rc = region_filter_path(c, a, f->region, path, sizeof(path), e)))
		goto out;
	/* The auditor's scope: the entries of accounts in the subtree (by the account's region
	 * now); the entries without an account only at the top of the tree ("/code/"). */
	buf_adds(&where, " AND (actor_id IN (SELECT ac.id FROM accounts ac JOIN regions rg"
			 " ON rg.code = ac.region_code WHERE rg.path LIKE ?)");
	db_ps(&p, region_like_pattern(path, pat, sizeof(pat)));
	buf_adds(&where, !(f->region && *f->region) && strchr(path + 1, '/') &&
					 !strchr(strchr(path + 1, '/') + 1, '/')
				 ? " OR actor_id IS NULL)"
				 : ")");
	if ((rc = rows_where_ok(&where, e)) ||
	    (rc = rows_page(c, "audit",
			    "SELECT id, at, actor_id, actor, client_addr, action, object_type, object_id,"
			    " before, after, outcome FROM audit",
			    where.data, &p, "id DESC", &q, &total, &r, e)))
		goto out;
	*out = rows_list_reply(rows_array(r, cols), total, &q);
out:
	db_rollback(c);
	db_release(db, c);
	db_res_free(r);
	buf_release(&where);
	return rc;
}

struct walk {
	struct audit_check *out;
	int64_t next_id, head_last;
	char prev[65];
};

static int walk_row(void *ctx, int ncols, const char *const *cells)
{
	struct walk *w = ctx;
	const char *f[NF];
	char h[65];
	int64_t id;

	if (w->out->why || ncols != NF + 1)
		return 0;
	for (int i = 0; i < NF; i++)
		f[i] = cells[i];
	if (!f[F_ID] || util_parse_i64(f[F_ID], &id))
		id = 0;
	if (id > w->head_last) {
		w->out->bad_id = id;
		w->out->why = "不在链中（插入的条目）";
		return 0;
	}
	if (id != w->next_id) {
		w->out->bad_id = w->next_id;
		w->out->why = "缺失（被删除的条目）";
		return 0;
	}
	if (!cells[NF] || entry_hash(f, h) || strcmp(h, cells[NF])) {
		w->out->bad_id = id;
		w->out->why = "内容与其哈希不符（被修改的条目）";
		return 0;
	}
	if (!f[F_PREV] || strcmp(f[F_PREV], w->prev)) {
		w->out->bad_id = id;
		w->out->why = "未接续前一条目的哈希（插入或替换的条目）";
		return 0;
	}
	memcpy(w->prev, h, sizeof(w->prev));
	w->next_id = id + 1;
	w->out->count++;
	return 0;
}

static int verify(struct db_conn *c, void *ctx, struct err *e)
{
	struct audit_check *out = ctx;
	struct walk w = {out, 0, 0, ""};
	struct db_res *r = NULL;
	int64_t anchor, stray;
	int rc;

	if ((rc = db_execv(c, &r, e, "SELECT last_id, hash, anchor_id, anchor_hash FROM audit_head WHERE id = 1",
			   "")))
		return rc;
	if (r->nrows != 1) {
		db_res_free(r);
		out->why = "链头（audit_head）缺失";
		return 0;
	}
	w.head_last = db_int(r, 0, 0);
	snprintf(out->head, sizeof(out->head), "%s", db_val(r, 0, 1) ? db_val(r, 0, 1) : "");
	anchor = db_int(r, 0, 2);
	snprintf(w.prev, sizeof(w.prev), "%s", db_val(r, 0, 3) ? db_val(r, 0, 3) : "");
	db_res_free(r);
	w.next_id = anchor;
	/* Entries before the anchor are those written before the chain existed: they carry no hash. */
	if ((rc = db_intv(c, &out->legacy, e, "SELECT COUNT(*) FROM audit WHERE id < ?", "i", anchor)) ||
	    (rc = db_intv(c, &stray, e, "SELECT COUNT(*) FROM audit WHERE id < ? AND hash IS NOT NULL",
			  "i", anchor)))
		return rc;
	if (stray) {
		out->why = "链头的起点被改动：起点之前还有链中的条目";
		return 0;
	}
	{
		struct db_params p;
		db_params_init(&p);
		db_pi(&p, anchor);
		if ((rc = db_each(c,
				  "SELECT id, at, actor_id, actor, client_addr, action, object_type, object_id,"
				  " before, after, outcome, prev_hash, hash FROM audit WHERE id >= ? ORDER BY id",
				  &p, walk_row, &w, e)))
			return rc;
	}
	if (out->why)
		return 0;
	if (w.next_id <= w.head_last) {
		out->bad_id = w.next_id;
		out->why = "缺失（被删除的条目）";
	} else if (strcmp(w.prev, out->head)) {
		out->why = "链头的哈希与最后一条不符（链头被改动）";
	}
	return 0;
}

int audit_verify(struct db *db, struct audit_check *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return db_read(db, verify, out, e);
}

/* The actions written by a fixed name, with their Chinese names. */
static const char *const action_names[][2] = {
	{"session.login", "登录"},
	{"session.login_failed", "登录失败"},
	{"session.lockout", "连续登录失败被锁定"},
	{"session.logout", "退出登录"},
	{"account.create", "新建账号"},
	{"account.update", "修改账号"},
	{"account.lock", "锁定账号"},
	{"account.unlock", "解锁账号"},
	{"account.password_change", "修改本人密码"},
	{"account.password_reset", "重置密码"},
	{"token.create", "签发 API 令牌"},
	{"token.revoke", "撤销 API 令牌"},
	{"region.create", "新增行政区划"},
	{"region.update", "修改行政区划"},
	{"region.delete", "删除行政区划"},
	{"unit.save", "设置人大机构"},
	{"handler.create", "新增承办单位"},
	{"handler.update", "修改承办单位"},
	{"handler.delete", "删除承办单位"},
	{"settings.update", "修改规则设置"},
	{"holiday.put", "设置节假日"},
	{"deputy.create", "新增代表"},
	{"deputy.update", "修改代表信息"},
	{"deputy.import", "导入代表名册"},
	{"deputy.mandate_add", "新增代表任职"},
	{"deputy.status", "变更代表资格状态"},
	{"deputy.read_personal", "查看代表完整个人信息"},
	{"deputy.export", "导出代表名册"},
	{"suggestion.export", "导出代表建议"},
	{"motion.export", "导出议案"},
	{"suggestion.report_export", "导出建议办理统计"},
	{"suggestion.compilation_export", "导出建议汇编"},
	{"meeting.export", "导出会议记录"},
	{"group.create", "新建代表小组"},
	{"group.update", "修改代表小组"},
	{"group.delete", "删除代表小组"},
	{"group.members", "设置代表小组成员"},
	{"station.create", "新建联络站"},
	{"station.update", "修改联络站"},
	{"station.delete", "删除联络站"},
	{"station.deputies", "设置进站代表"},
	{"station.duty", "设置值班安排"},
	{"station.rule_add", "新增接待规则"},
	{"station.rule_delete", "删除接待规则"},
	{"supervision.create", "新增监督事项"},
	{"supervision.update", "修改监督事项"},
	{"booking.create", "群众预约接待"},
	{"booking.read_personal", "查看预约人完整联系方式"},
	{"budget.import", "导入预算文件"},
	{"budget.exec_import", "导入预算执行情况"},
	{"budget.comment", "代表提出预算审查意见"},
	{"opinion.register", "登记群众意见"},
	{"opinion.rate", "群众评价"},
	{"opinion.auto_close", "逾期未评价自动办结"},
	{"opinion.extension_request", "申请延期"},
	{"opinion.extension_approve", "批准延期"},
	{"opinion.extension_refuse", "不批准延期"},
	{"opinion.read_personal", "查看群众完整联系方式"},
	{"suggestion.update", "修改建议或议案草稿"},
	{"meeting.create", "新建会议"},
	{"meeting.update", "修改会议"},
	{"meeting.item", "新增议程"},
	{"meeting.attendance", "登记出席"},
	{"meeting.action", "会议步骤"},
	{"vote.create", "新建表决"},
	{"vote.cast", "表决投票"},
	{"vote.tally", "登记举手表决结果"},
	{"vote.action", "表决步骤"},
	{"election.create", "新建选举"},
	{"election.candidate", "提名候选人"},
	{"election.ballot", "选举投票"},
	{"election.paper", "登记纸质选票"},
	{"election.paper_issued", "登记发出选票"},
	{"election.round", "选举轮次步骤"},
	{"audit.export", "导出审计日志"},
	{"rectification.create", "交办整改事项"},
	{"rectification.board_export", "导出督查整改情况"},
	{"rectify_problem.files", "上传整改佐证材料"},
};

json_t *audit_action_labels(void)
{
	json_t *o = json_object();
	for (size_t i = 0; i < ARRAY_LEN(action_names); i++)
		json_object_set_new(o, action_names[i][0], json_string(action_names[i][1]));
	return o;
}

json_t *audit_outcome_labels(void)
{
	return json_pack("{s:s,s:s,s:s}", AUDIT_DONE, "完成", AUDIT_REFUSED, "拒绝", AUDIT_FAILED, "失败");
}
