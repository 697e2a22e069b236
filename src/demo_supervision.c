/* demo_supervision.c: the demo city's supervision: three years of plans in the county 清河市 and
 * a few of its townships, in every state, with deliberation opinions, handling reports, checks and
 * satisfaction ratings (closed rating votes at the township's session), written straight into the
 * tables in one transaction of its own. The demo handling unit answers some of the items and the
 * demo deputy takes part in some of the township's. */
#include "demo_supervision.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "util.h"

static unsigned demo_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static const char *const kinds[] = {"work_report", "law_inspection", "inspection", "inquiry", "budget_review"};
static const char *const topics[] = {
	"农村人居环境整治", "义务教育优质均衡发展", "基层医疗卫生服务", "养老服务体系建设",
	"安全生产",         "河长制落实",           "农贸市场提升改造", "耕地保护",
	"食品安全"};
static const char *const laws[] = {"中华人民共和国水污染防治法", "中华人民共和国食品安全法",
				   "中华人民共和国道路交通安全法", "中华人民共和国农产品质量安全法"};
/* the states a past year's item ends in, and this year's */
static const char *const past_states[] = {"rated",    "rated",   "rated",
					  "rereport", "checked", "reported"};
static const char *const now_states[] = {"opinion_sent", "planned", "heard",
					 "reported",     "planned", "cancelled"};

static int state_rank(const char *s)
{
	static const char *const order[] = {
		"planned", "heard", "opinion_sent", "reported", "checked", "rated", NULL};
	if (!strcmp(s, "rereport"))
		return 5;
	return util_index_of(s, order);
}

/* One item in region (path) of year, subject body handler, in state. */
static int demo_item(struct db_conn *c, unsigned *s, const char *region, const char *path, int year,
		     int64_t handler, const char *state, int64_t meeting, const int64_t *deps,
		     int ndeps, struct err *e)
{
	const char *kind = kinds[demo_rand(s) % ARRAY_LEN(kinds)];
	const char *topic = topics[demo_rand(s) % ARRAY_LEN(topics)];
	char title[200], meeting_on[11], draft_on[11], final_on[11], members_on[11], sent[11],
		due[11], reported[11], rr[11];
	struct db_res *r = NULL;
	int32_t today = cal_today(), mday;
	int64_t id, oid, vid = 0, now = util_now();
	int rank = state_rank(state), late = (int)(demo_rand(s) % 4) == 0, rc;
	int passed = !strcmp(state, "rated");

	if (!strcmp(kind, "work_report"))
		snprintf(title, sizeof(title), "听取和审议关于%s工作情况的报告", topic);
	else if (!strcmp(kind, "law_inspection"))
		snprintf(title, sizeof(title), "开展《%s》执法检查", laws[demo_rand(s) % ARRAY_LEN(laws)]);
	else if (!strcmp(kind, "inspection"))
		snprintf(title, sizeof(title), "视察%s工作", topic);
	else if (!strcmp(kind, "inquiry"))
		snprintf(title, sizeof(title), "就%s开展专题询问", topic);
	else
		snprintf(title, sizeof(title), "审查%d年财政预算执行情况", year);
	/* a meeting day of the year: past years' anywhere, this year's heard ones behind today */
	mday = cal_from_ymd(year, 3 + (int)(demo_rand(s) % 8), 5 + (int)(demo_rand(s) % 20));
	if (rank >= 1) {
		if (mday > today - 100)
			mday = today - 100 - (int32_t)(demo_rand(s) % 60);
	} else if (mday < today + 15) {
		mday = today + 15 + (int32_t)(demo_rand(s) % 120);
	}
	cal_format(mday, meeting_on);
	cal_format(mday - (late ? 15 : 25), draft_on);
	cal_format(mday - (late ? 8 : 12), final_on);
	cal_format(mday - (late ? 5 : 7), members_on);
	if ((rc = db_execv(c, &r, e,
			   "INSERT INTO supervision_items (region_code, region_path, year, kind, title, handler_id,"
			   " meeting_on, draft_on, final_on, members_on, findings, state, created_at, updated_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			   "ssississssssii", region, path, (int64_t)year, kind, title, handler,
			   meeting_on, draft_on, final_on, members_on,
			   rank >= 1 ? "部分项目资金拨付滞后，监管台账不完整；基层人员力量不足，群众反映的问题整改不及时。"
				     : "",
			   state, now, now)))
		return rc;
	id = db_int(r, 0, 0);
	db_res_free(r);
	r = NULL;
	for (int i = 0; i < ndeps; i++)
		if ((rc = db_execv(c, NULL, e,
				   "INSERT INTO supervision_deputies (item_id, deputy_id) VALUES (?, ?)"
				   " ON CONFLICT DO NOTHING",
				   "ii", id, deps[i])))
			return rc;
	if ((rc = db_execv(c, NULL, e,
			   "INSERT INTO supervision_events (item_id, action, to_state, actor, note, created_at)"
			   " VALUES (?, 'create', 'planned', '示范数据', '列入年度监督计划', ?)",
			   "ii", id, now)))
		return rc;
	if (rank < 2 || !strcmp(state, "cancelled"))
		return 0;
	cal_format(mday + 10, sent);
	cal_format(mday + 10 + 61, due);
	if ((rc = db_execv(c, &r, e,
			   "INSERT INTO supervision_opinions (item_id, body, sent_on, deadline, created_by, created_at)"
			   " VALUES (?, ?, ?, ?, '示范数据', ?) RETURNING id",
			   "isssi", id,
			   "一、加大资金投入，按期完成年度目标任务；二、建立问题清单，逐项明确责任单位和完成时限；"
			   "三、健全长效机制，定期向人大报告整改进展。",
			   sent, due, now)))
		return rc;
	oid = db_int(r, 0, 0);
	db_res_free(r);
	r = NULL;
	if (rank < 3)
		return 0;
	cal_format(mday + 50, reported);
	if ((rc = db_execv(c, NULL, e,
			   "INSERT INTO supervision_reports (item_id, opinion_id, round, body, due, on_time,"
			   " reported_by, created_at, check_note, checked_by, checked_at)"
			   " VALUES (?, ?, 1, ?, ?, 1, '承办单位', ?, ?, ?, ?)",
			   "iississn", id, oid,
			   "收到审议意见后，我单位召开专题会议研究部署，制定整改方案，明确责任和时限。"
			   "目前已完成主要整改任务，剩余事项正在推进。",
			   due, now, rank >= 4 ? "经实地检查，整改事项大部分已落实。" : NULL,
			   rank >= 4 ? "乡镇人大主席团" : NULL, rank >= 4 ? now : 0)))
		return rc;
	if (rank < 5)
		return 0;
	/* the rating at the township's session (a closed secret rating vote), else none */
	if (meeting) {
		int64_t valid = 30, good = passed ? 22 + (int64_t)(demo_rand(s) % 6)
						  : 12 + (int64_t)(demo_rand(s) % 3);
		int64_t sat = good * 2 / 3, bas = good - sat, uns = valid - good,
			inv = (int64_t)(demo_rand(s) % 3);
		char rule[300];
		snprintf(rule, sizeof(rule),
			 "满意 %lld 票，基本满意 %lld 票，不满意 %lld 票，无效 %lld 票；满意和基本满意 %lld 票%s有效票 %lld 票的50%%，%s",
			 (long long)sat, (long long)bas, (long long)uns, (long long)inv, (long long)good,
			 passed ? "超过" : "未超过", (long long)valid, passed ? "通过" : "未通过");
		if ((rc = db_execv(c, &r, e,
				   "INSERT INTO votes (meeting_id, title, mode, recorded, basis, threshold, state, members,"
				   " present, passed, rule, opened_at, closed_at, created_at, kind, subject_kind, subject_id,"
				   " n_satisfied, n_basic, n_unsatisfied, n_invalid)"
				   " VALUES (?, ?, 'tally', 0, 'cast', 'half', 'closed', ?, ?, ?, ?, ?, ?, ?, 'rating',"
				   " 'supervision', ?, ?, ?, ?, ?) RETURNING id",
				   "isiiisiiiiiiii", meeting, title, valid + inv + 2, valid + inv,
				   (int64_t)passed, rule, now, now, now, id, sat, bas, uns, inv)))
			return rc;
		vid = db_int(r, 0, 0);
		db_res_free(r);
		r = NULL;
		cal_format(mday + 120, rr);
		if ((rc = db_execv(c, NULL, e,
				   "UPDATE supervision_items SET rating_vote_id = ?, rating_passed = ?, rating_text = ?,"
				   " rereport_due = ? WHERE id = ?",
				   "iissi", vid, (int64_t)passed, rule, passed ? NULL : rr, id)))
			return rc;
	} else if ((rc = db_execv(c, NULL, e, "UPDATE supervision_items SET state = 'checked' WHERE id = ?",
				  "i", id))) {
		return rc;
	}
	return 0;
}

int demo_supervision(struct db *db, unsigned seed, struct err *e)
{
	static const char *const regions[] = {"329981101", "329981", "329981102", "329981103", "329902"};
	struct db_conn *c = db_acquire(db);
	struct db_res *reg = NULL, *h = NULL, *d = NULL, *m = NULL;
	unsigned s = seed * 2246822519u + 3;
	int year, y, rc;
	int64_t my_handler = 0, my_deputy = 0, meeting = 0;

	cal_ymd(cal_today(), &year, &y, &y);
	if ((rc = db_begin(c, e)) ||
	    (rc = db_intv(c, &my_handler, e, "SELECT COALESCE(MAX(handler_id), 0) FROM accounts WHERE username = 'handler'",
			  "")) ||
	    (rc = db_intv(c, &my_deputy, e,
			  "SELECT COALESCE(MAX(deputy_id), 0) FROM accounts WHERE username = 'deputy'", "")) ||
	    (rc = db_intv(c, &meeting, e, "SELECT COALESCE(MIN(id), 0) FROM meetings WHERE region_code = '329981101' AND kind = 'session'",
			  "")))
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(regions); i++) {
		int64_t deps[3];
		int nd = 0;
		db_res_free(reg);
		db_res_free(h);
		db_res_free(d);
		reg = h = d = NULL;
		if ((rc = db_execv(c, &reg, e, "SELECT path FROM regions WHERE code = ?", "s", regions[i])))
			goto out;
		if (!reg->nrows)
			continue;
		/* the bodies: the units of this congress and of the county above it */
		if ((rc = db_execv(c, &h, e,
				   "SELECT h.id FROM handlers h JOIN regions r ON r.code = h.region_code"
				   " WHERE h.active = 1 AND ? LIKE r.path || '%' ORDER BY h.id LIMIT 12",
				   "s", db_val(reg, 0, 0))) ||
		    (rc = db_execv(c, &d, e,
				   "SELECT DISTINCT deputy_id FROM mandates WHERE region_code = ? AND status = 'active'"
				   " ORDER BY deputy_id LIMIT 12",
				   "s", regions[i])))
			goto out;
		if (!h->nrows)
			continue;
		for (int yy = year - 2; yy <= year; yy++) {
			int n = i < 2 ? 5 : 3;
			for (int k = 0; k < n; k++) {
				const char *st =
					yy < year ? past_states[demo_rand(&s) % ARRAY_LEN(past_states)]
						  : now_states[(k + (int)i) % ARRAY_LEN(now_states)];
				int64_t body = db_int(h, (int)(demo_rand(&s) % (unsigned)h->nrows), 0);
				/* the demo unit answers the first items of the county and the township */
				if (i < 2 && k < 2 && my_handler)
					body = my_handler;
				nd = 0;
				if (i == 0 && k % 2 == 0 && my_deputy)
					deps[nd++] = my_deputy;
				for (int j = 0; j < 2 && d->nrows; j++)
					deps[nd++] = db_int(d, (int)(demo_rand(&s) % (unsigned)d->nrows), 0);
				if ((rc = demo_item(c, &s, regions[i], db_val(reg, 0, 0), yy, body,
						    st, i == 0 ? meeting : 0, deps, nd, e)))
					goto out;
			}
		}
	}
	rc = db_commit(c, e);
out:
	db_res_free(reg);
	db_res_free(h);
	db_res_free(d);
	db_res_free(m);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
