/* demo_project.c: the demo city's livelihood projects: in every township and street, three years
 * of them, each year's collected candidates screened, voted, published and implemented, so that
 * every stage and every view has real variety. Written through project_insert_demo (the demo is
 * loaded in one transaction, not step by step). */
#include "demo_project.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "project.h"
#include "util.h"

static unsigned demo_rand(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* One year's slate of a region: the state of each of its candidates, by how long ago the year is. */
static const char *const slate[3][8] = {
	{"collected", "rejected", "shortlisted", "implementing", "implementing", "published",
	 "chosen", "not_chosen"},
	{"done", "done", "done", "implementing", "not_chosen", "rejected", "done", "not_chosen"},
	{"done", "done", "done", "done", "not_chosen", "rejected", "done", "rejected"},
};

int demo_projects(struct db_conn *c, unsigned seed, struct err *e)
{
	static const char *const titles[] = {
		"农村饮水安全提升工程", "中心小学周边交通安全改造", "老旧小区加装电梯",
		"镇区污水管网延伸",     "村道硬化与路灯亮化",       "居家养老服务中心建设",
		"农贸市场提档升级",     "公共停车场建设",           "卫生院发热门诊改造",
		"河道综合整治",         "全民健身广场建设",         "垃圾分类收集站建设"};
	static const char *const sources[] = {"opinion", "deputy", "government"};
	static const char *const reasons[] = {"necessity", "feasibility", "money", "legality"};
	struct db_res *g = NULL;
	unsigned s = seed * 2654435761u + 11;
	int ymd_y = 0, m, d;
	int rc;

	{
		int32_t today = cal_today();
		char buf[11];
		cal_format(today, buf);
		if (sscanf(buf, "%d-%d-%d", &ymd_y, &m, &d) != 3)
			return err_set(e, E_INTERNAL, "internal", "日期错误");
	}
	/* every township and street, with a handling unit of its county and a deputy of its own */
	if ((rc = db_execv(c, &g, e,
			   "SELECT r.code, r.path, (SELECT MIN(h.id) FROM handlers h WHERE h.region_code = r.parent_code),"
			   " (SELECT COUNT(*) FROM handlers h WHERE h.region_code = r.parent_code),"
			   " (SELECT MIN(d.id) FROM deputies d WHERE d.region_code = r.code)"
			   " FROM regions r WHERE r.level IN ('township','street') ORDER BY r.code",
			   "")))
		return rc;
	for (int i = 0; i < g->nrows && !rc; i++)
		for (int ago = 0; ago < 3 && !rc; ago++)
			for (int k = 0; k < 8 && !rc; k++) {
				const char *state = slate[ago][k], *source = sources[demo_rand(&s) % 3];
				int year = ymd_y - ago,
				    planned = !strcmp(state, "implementing") || !strcmp(state, "done");
				int64_t handler = db_int(g, i, 2), nh = db_int(g, i, 3),
					deputy = db_int(g, i, 4), id;
				int progress = !strcmp(state, "done") ? 100
					       : planned ? 10 + (int)(demo_rand(&s) % 80)
							 : 0;
				char t1[16], t2[16], t3[16];
				json_t *spec, *ms = json_array(), *rs = json_array();
				if (nh > 1)
					handler += (int64_t)((unsigned)(i + k) % (unsigned)nh);
				snprintf(t1, sizeof(t1), "%d-03-31", year);
				snprintf(t2, sizeof(t2), "%d-06-30", year);
				snprintf(t3, sizeof(t3), "%d-11-30", year);
				if (planned) {
					int64_t at = cal_day_start(cal_from_ymd(year, 4, 15));
					json_array_append_new(ms, json_pack("{s:s,s:s}", "title", "完成设计和招标",
									    "due_on", t1));
					json_array_append_new(ms, json_pack("{s:s,s:s}", "title",
									    "主体工程开工", "due_on", t2));
					json_array_append_new(ms, json_pack("{s:s,s:s}", "title",
									    "竣工验收", "due_on", t3));
					json_array_append_new(
						rs, json_pack("{s:s,s:s,s:i,s:I,s:I}", "kind", "progress",
							      "body", "已完成设计和招标，施工单位已进场",
							      "progress", progress / 2,
							      "handler_id", (json_int_t)handler,
							      "created_at", (json_int_t)at));
					json_array_append_new(
						rs,
						json_pack("{s:s,s:s,s:I,s:s,s:I}", "kind", "visit", "body",
							  "代表视察施工现场，建议加强质量和安全管理",
							  "deputy_id", (json_int_t)deputy, "actor", "人大代表",
							  "created_at", (json_int_t)(at + 30 * 86400)));
					json_array_append_new(
						rs,
						json_pack("{s:s,s:s,s:i,s:I,s:I}", "kind", "progress", "body",
							  progress == 100 ? "工程已竣工验收并交付使用"
									  : "主体工程正在施工，进度符合计划",
							  "progress", progress, "handler_id",
							  (json_int_t)handler, "created_at",
							  (json_int_t)(at + 60 * 86400)));
				}
				spec = json_pack(
					"{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:i,s:I,s:s,s:I,s:I}",
					"region_code", db_val(g, i, 0), "region_path",
					db_val(g, i, 1), "year", year, "title",
					titles[(unsigned)(i * 3 + k + ago * 5) % ARRAY_LEN(titles)],
					"summary", "群众和代表反映集中，纳入年度民生实事项目候选",
					"source", source, "proposer",
					!strcmp(source, "government") ? "乡镇人民政府" : "", "state",
					state, "milestones", ms, "reports", rs, "progress", progress, "budget",
					(json_int_t)(planned || !strcmp(state, "published")
							     ? 200000 + (json_int_t)(demo_rand(&s) % 40) * 50000
							     : 0),
					"plan", planned ? "按节点分期实施，资金由县乡两级财政保障" : "",
					"handler_id", (json_int_t)(planned ? handler : 0), "votes",
					(json_int_t)(strcmp(state, "collected") && strcmp(state, "rejected") &&
								     strcmp(state, "shortlisted")
							     ? 20 + demo_rand(&s) % 40
							     : 0));
				if (!strcmp(source, "deputy"))
					json_object_set_new(spec, "deputy_id", json_integer(deputy));
				if (!strcmp(state, "rejected"))
					json_object_set_new(spec, "reason",
							    json_string(reasons[demo_rand(&s) % 4]));
				if (planned || !strcmp(state, "published"))
					json_object_set_new(
						spec, "published_at",
						json_integer(cal_day_start(cal_from_ymd(year, 2, 20))));
				if (planned && ago == 0)
					json_object_set_new(spec, "review",
							    json_string("年中评估：总体进度符合计划，个别节点需加快"));
				rc = project_insert_demo(c, spec, &id, e);
				json_decref(spec);
			}
	db_res_free(g);
	return rc;
}
