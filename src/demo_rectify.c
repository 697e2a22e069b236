/* demo_rectify.c: the demo city's rectifications: assigned opinions turned into lists of
 * problems for the township's units and the county's, over three years, so that the board and
 * the units' tasks show verified, overdue, claimed and reopened problems. */
#include "demo_rectify.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "rectify.h"

static unsigned demo_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* A problem's state for its deadline: most past ones verified, some still open (overdue) or
 * claimed; the current ones spread over every state. */
static const char *state_for(unsigned *s, int past)
{
	unsigned roll = demo_rand(s) % 100;
	if (past)
		return roll < 65   ? "verified"
		       : roll < 77 ? "claimed"
		       : roll < 92 ? "in_progress"
				   : "todo";
	return roll < 35 ? "todo" : roll < 75 ? "in_progress" : roll < 90 ? "claimed" : "verified";
}

int demo_rectifications(struct db_conn *c, int n, unsigned seed, struct err *e)
{
	static const char *const titles[] = {
		"道路破损整改", "学校周边交通安全整改", "农贸市场环境整治", "老旧小区改造问题整改",
		"河道污染整治", "噪音扰民问题整改",     "路灯维修整改",     "供水管网问题整改"};
	static const char *const problems[] = {
		"路面坑洼未按期修复，群众出行不便",
		"整改方案不具体，缺少时间表和责任人",
		"部分点位整改后出现反弹",
		"群众反映的问题未逐项回应",
		"安全隐患排查不彻底，存在遗漏点位",
		"长效管理机制尚未建立",
		"整改资金未落实到位",
		"整改情况未向群众公开"};
	struct db_res *ops = NULL, *hs = NULL;
	int64_t count = 0;
	int32_t today = cal_today();
	unsigned s = seed ^ 0x5eed5u;
	int rc;

	if ((rc = db_intv(c, &count, e, "SELECT COUNT(*) FROM opinions WHERE handler_id IS NOT NULL", "")))
		return rc;
	if (count == 0 || n <= 0)
		return 0;
	/* every k-th assigned opinion, so that the sources spread over the townships */
	if ((rc = db_execv(c, &ops, e,
			   "SELECT o.id, o.region_code, r.parent_code FROM opinions o JOIN regions r ON r.code = o.region_code"
			   " WHERE o.handler_id IS NOT NULL AND o.id % ? = 0 ORDER BY o.id LIMIT ?",
			   "ii", count / n > 1 ? count / n : (int64_t)1, (int64_t)n)))
		return rc;
	for (int i = 0; i < ops->nrows && !rc; i++) {
		const char *region = db_val(ops, i, 1);
		int32_t created = today - 10 - (int32_t)(demo_rand(&s) % (3 * 365));
		int np = 1 + (int)(demo_rand(&s) % 4);
		json_t *list = json_array();
		char on[11];

		db_res_free(hs);
		hs = NULL;
		/* the township's units and its county's: the county's units answer for several townships */
		if ((rc = db_execv(c, &hs, e, "SELECT id FROM handlers WHERE region_code IN (?, ?) AND active = 1 ORDER BY id",
				   "ss", region, db_val(ops, i, 2)))) {
			json_decref(list);
			break;
		}
		if (!hs->nrows) {
			json_decref(list);
			continue;
		}
		cal_format(created, on);
		for (int k = 0; k < np; k++) {
			int32_t deadline = created + 30 + (int32_t)(demo_rand(&s) % 120);
			const char *state = state_for(&s, deadline < today);
			char dl[11];
			int reopened = (!strcmp(state, "verified") || !strcmp(state, "in_progress")) &&
				       demo_rand(&s) % 10 == 0;
			cal_format(deadline, dl);
			json_array_append_new(
				list,
				json_pack("{s:s, s:I, s:s, s:s, s:I}", "description",
					  problems[demo_rand(&s) % (sizeof(problems) / sizeof(problems[0]))],
					  "handler_id",
					  (json_int_t)db_int(hs, (int)(demo_rand(&s) % (unsigned)hs->nrows), 0),
					  "deadline", dl, "state", state, "reopened", (json_int_t)reopened));
		}
		rc = rectify_insert_demo(c, region, db_int(ops, i, 0),
					 titles[demo_rand(&s) % (sizeof(titles) / sizeof(titles[0]))],
					 on, list, e);
		json_decref(list);
	}
	db_res_free(hs);
	db_res_free(ops);
	return rc;
}
