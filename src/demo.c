#include "demo.h"

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include <jansson.h>

#include "account.h"
#include "calendar.h"
#include "crypto.h"
#include "deputy.h"
#include "handler.h"
#include "region.h"
#include "role.h"
#include "schedule.h"
#include "opinion.h"
#include "demo_project.h"
#include "demo_rectify.h"
#include "demo_budget.h"
#include "demo_suggestion.h"
#include "demo_supervision.h"
#include "opinion_stats.h"
#include "station.h"
#include "meeting.h"
#include "words.h"

/* xorshift64*: the same seed gives the same city on every machine. */
struct rng {
	unsigned long long s;
};

static unsigned rnd(struct rng *r, unsigned n)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (unsigned)((r->s * 2685821657736338717ULL) >> 33) % n;
}

static const char *const syl1[] = {"清", "白", "青", "云", "石", "柳", "金", "玉", "长", "新",
				   "安", "丰", "永", "和", "兴", "东", "西", "南", "北", "大",
				   "小", "平", "高", "龙", "凤", "桃", "梅", "竹", "松", "荷"};
static const char *const syl2[] = {"河", "塔", "山", "溪", "桥", "湾", "沙", "泉", "林", "湖",
				   "港", "庄", "坝", "岭", "圩", "集", "店", "口", "洲", "田"};
static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
				       "徐", "孙", "朱", "马", "胡", "郭", "林", "何", "高", "罗"};
static const char *const given[] = {"建", "国", "华", "明", "丽", "军", "芳", "伟", "静", "强",
				    "敏", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "超", "霞"};

static const char *const county_names[] = {"清河市", "白塔市", "青山市",
					   "云溪市", "石桥市", "柳湾市"};
static const char *const district_names[] = {"东城区", "西城区", "南湖区", "北岭区"};
static const char *const devzone_names[] = {"示范经济开发区", "示范高新技术产业开发区", "示范临港开发区"};
static const char *const county_depts[] = {
	"交通运输局",
	"住房和城乡建设局",
	"生态环境局",
	"教育局",
	"卫生健康委员会",
	"民政局",
	"人力资源和社会保障局",
	"农业农村局",
	"自然资源和规划局",
	"水利局",
	"市场监督管理局",
	"城市管理局",
	"应急管理局",
	"文化广电和旅游局",
	"公安局"};
static const char *const town_depts[] = {"党政办公室", "经济发展办公室", "社会事务办公室",
					 "村镇建设办公室", "综合行政执法队"};
static const char *const street_depts[] = {"党政办公室", "城市管理办公室", "社区服务中心", "平安建设办公室"};

struct plan {
	int counties, towns_per_county, districts, streets_per_district, devzones;
	int per_township, per_county, per_city; /* deputies of each congress */
	int opinions;                           /* a year of citizens' opinions */
	int suggestions;                        /* two years of deputies' suggestions */
};

/* About 300, 3,000 and 30,000 deputies. */
static const struct plan plans[] = {
	[DEMO_SMALL] = {1, 6, 1, 5, 1, 40, 30, 0, 1500, 400},
	[DEMO_MEDIUM] = {3, 12, 2, 8, 2, 70, 80, 80, 20000, 5000},
	[DEMO_LARGE] = {6, 20, 4, 12, 3, 230, 200, 400, 1000000, 60000},
};

int demo_size_parse(const char *s)
{
	if (!strcmp(s, "small"))
		return DEMO_SMALL;
	if (!strcmp(s, "medium"))
		return DEMO_MEDIUM;
	if (!strcmp(s, "large"))
		return DEMO_LARGE;
	return -1;
}

static void person(struct rng *r, char *out, size_t n)
{
	if (rnd(r, 3))
		snprintf(out, n, "%s%s%s", surnames[rnd(r, ARRAY_LEN(surnames))],
			 given[rnd(r, ARRAY_LEN(given))], given[rnd(r, ARRAY_LEN(given))]);
	else
		snprintf(out, n, "%s%s", surnames[rnd(r, ARRAY_LEN(surnames))],
			 given[rnd(r, ARRAY_LEN(given))]);
}

static void phone(struct rng *r, char *out, size_t n)
{
	snprintf(out, n, "8%03u%04u", rnd(r, 1000), rnd(r, 10000));
}

/* A place name not yet used in this parent (names[] keeps the ones taken). */
static void place(struct rng *r, char used[][16], int nused, const char *suffix, char *out, size_t n)
{
	for (;;) {
		char base[16];
		int dup = 0;
		snprintf(base, sizeof(base), "%s%s", syl1[rnd(r, ARRAY_LEN(syl1))],
			 syl2[rnd(r, ARRAY_LEN(syl2))]);
		for (int i = 0; i < nused; i++)
			if (!strcmp(used[i], base))
				dup = 1;
		if (dup)
			continue;
		memcpy(used[nused], base, sizeof(base));
		snprintf(out, n, "%s%s", base, suffix);
		return;
	}
}

static int add_handlers(struct db_conn *c, struct rng *r, const char *code, const char *prefix,
			const char *const *depts, size_t ndepts, int64_t *first, struct err *e)
{
	for (size_t i = 0; i < ndepts; i++) {
		char name[160], who[32], tel[16];
		int64_t id;
		int rc;
		snprintf(name, sizeof(name), "%s%s", prefix, depts[i]);
		person(r, who, sizeof(who));
		phone(r, tel, sizeof(tel));
		if ((rc = handler_insert(c, code, name, who, tel, &id, e)))
			return rc;
		if (i == 0 && first)
			*first = id;
	}
	return 0;
}

static int grassroots(struct db_conn *c, struct rng *r, const char *parent, const char *parent_name,
		      int n, int street, struct err *e)
{
	char used[64][16];
	for (int i = 0; i < n; i++) {
		char code[16], name[64], unit[128], addr[160], tel[16];
		int rc;
		snprintf(code, sizeof(code), "%s%03d", parent, street ? i + 1 : 100 + i + 1);
		place(r, used, i, street ? "街道" : "镇", name, sizeof(name));
		snprintf(unit, sizeof(unit), street ? "%s人大工作委员会" : "%s人大主席团", name);
		snprintf(addr, sizeof(addr), "%s%s人民路%u号", parent_name, name, rnd(r, 200) + 1);
		phone(r, tel, sizeof(tel));
		if ((rc = region_insert(c, code, parent, name, street ? "street" : "township", e)) ||
		    (rc = region_insert_unit(c, code, unit, street ? "street_committee" : "presidium",
					     addr, tel, e)) ||
		    (rc = add_handlers(c, r, code, name, street ? street_depts : town_depts,
				       street ? ARRAY_LEN(street_depts) : ARRAY_LEN(town_depts), NULL, e)))
			return rc;
	}
	return 0;
}

static const struct {
	const char *username, *name, *role, *region;
} demo_accounts[] = {
	{"admin", "系统管理员", "sysadmin", "329900"},
	{"secadmin", "安全管理员", "secadmin", "329900"},
	{"auditor", "安全审计员", "auditor", "329900"},
	{"city", "市人大常委会工作人员", "city_staff", "329900"},
	{"county", "清河市人大常委会工作人员", "county_staff", "329981"},
	{"unit", "乡镇人大主席团工作人员", "unit_staff", "329981101"},
	{"station", "代表联络站工作人员", "station_staff", "329981101"},
	{"deputy", "人大代表", "deputy", "329981101"},
	{"handler", "承办单位工作人员", "handler", "329981"},
};

void demo_print_accounts(void)
{
	printf("演示账号（密码均为 %s）:\n", DEMO_PASSWORD);
	for (size_t i = 0; i < ARRAY_LEN(demo_accounts); i++)
		printf("  %-9s %-14s 区划 %s\n", demo_accounts[i].username, demo_accounts[i].role,
		       demo_accounts[i].region);
}

static const char *const employers[][2] = {
	{"worker", "示范市机械制造有限公司"},
	{"worker", "示范纺织集团"},
	{"farmer", "%s农业专业合作社"},
	{"farmer", "%s种植家庭农场"},
	{"professional", "示范市第一人民医院"},
	{"professional", "%s中心小学"},
	{"professional", "示范律师事务所"},
	{"official", "%s人民政府"},
	{"official", "%s党委"},
	{"other", "示范商贸有限公司"},
	{"other", "%s社区居民委员会"},
	{"military", "示范市人民武装部"}};
static const char *const posts[] = {"职工", "技术员", "负责人", "教师",     "医生",
				    "主任", "社长",   "经理",   "党委书记", "村委会主任"};

/* A valid resident ID number for the region, birth date and gender (GB 11643 checksum). */
static void id_number(const char *region6, const char *birth, int male, unsigned seq, char *out)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;
	unsigned s3 = (seq % 500) * 2 + (male ? 1 : 0);
	snprintf(out, 19, "%.6s%.4s%.2s%.2s%03u", region6, birth, birth + 5, birth + 8, s3 % 1000);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = check[sum % 11];
	out[18] = '\0';
}

struct demo_ctx {
	struct db_conn *c;
	struct rng *r;
	struct actor a;
	unsigned seq;
	int32_t today;
};

/* One deputy homed in `home` with a mandate in congress `congress` (region, level, term). */
static int demo_deputy(struct demo_ctx *x, const char *home, const char *home_name, const char *congress,
		       const char *level, int term, const char *started, int64_t *id, struct err *e)
{
	char name[32], birth[11], phone[16], idn[19];
	const char *occ, *emp;
	char employer[160];
	int male = rnd(x->r, 100) < 72, rc = 0;
	unsigned pick = rnd(x->r, ARRAY_LEN(employers));
	json_t *in, *m;

	person(x->r, name, sizeof(name));
	cal_format(cal_from_ymd(1958 + (int)rnd(x->r, 40), 1 + (int)rnd(x->r, 12), 1 + (int)rnd(x->r, 28)),
		   birth);
	snprintf(phone, sizeof(phone), "13%01u%08u", rnd(x->r, 10), rnd(x->r, 100000000));
	/* The sequence digits wrap: skip the rare number already given to someone else. */
	for (;;) {
		char idx[65];
		struct db_res *r = NULL;
		int taken;
		id_number(home, birth, male, x->seq++, idn);
		if ((rc = crypto_blind_index(idn, idx, e)))
			return rc;
		if ((rc = db_execv(x->c, &r, e,
				   "SELECT COUNT(*) FROM deputies WHERE id_number_idx = ?", "s", idx)))
			return rc;
		taken = db_int(r, 0, 0) > 0;
		db_res_free(r);
		if (!taken)
			break;
	}
	occ = employers[pick][0];
	emp = employers[pick][1];
	snprintf(employer, sizeof(employer), emp, home_name);
	m = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "level", level, "term", term, "region_code",
		      congress, "constituency", "", "started_on", started, "kind", "elected");
	{
		char con[64];
		snprintf(con, sizeof(con), "第%u选区", rnd(x->r, 30) + 1);
		json_object_set_new(m, "constituency", json_string(con));
	}
	in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "name",
		       name, "gender", male ? "male" : "female", "ethnicity",
		       rnd(x->r, 100) < 6 ? deputy_ethnicities[1 + rnd(x->r, 10)] : "汉族",
		       "birth_date", birth, "party",
		       rnd(x->r, 100) < 68 ? "中共党员" : deputy_parties[2 + rnd(x->r, 11)],
		       "education", deputy_educations[rnd(x->r, 6)], "occupation", occ, "employer",
		       employer, "post", posts[rnd(x->r, ARRAY_LEN(posts))], "phone", phone,
		       "id_number", idn, "region_code", home, "mandate", m);
	rc = deputy_insert(x->c, &x->a, in, id, e);
	json_decref(in);
	return rc;
}

/* Ends a mandate as of a date with an event, and by-elects a replacement. */
static int demo_end(struct demo_ctx *x, int64_t deputy_id, const char *kind, const char *date, struct err *e)
{
	struct db_res *r = NULL;
	int rc;

	if ((rc = db_execv(x->c, &r, e, "UPDATE mandates SET status = ?, ended_on = ? WHERE deputy_id = ? RETURNING id",
			   "ssi", kind, date, deputy_id)))
		return rc;
	for (int i = 0; i < r->nrows && !rc; i++) {
		rc = db_execv(x->c, NULL, e,
			      "INSERT INTO mandate_events (mandate_id, kind, happened_on, document, note,"
			      " created_at) VALUES (?,?,?,'示范人大常委会公告','',?)",
			      "issi", db_int(r, i, 0), kind, date, util_now());
	}
	db_res_free(r);
	return rc ? rc : deputy_recount(x->c, deputy_id, e);
}

/* The congress of a township: its deputies, groups, stations with schedules and duty. */
static int demo_grassroots(struct demo_ctx *x, const char *code, const char *name, int township,
			   int n, struct err *e)
{
	int64_t *ids = xcalloc((size_t)n + 1, sizeof(*ids));
	int64_t station_id, home_id = 0, group_id;
	char gname[96], sname[160], addr[200], date[11];
	int rc = 0, groups = n / 10 + 1;

	for (int i = 0; i < n && township; i++) {
		if ((rc = demo_deputy(x, code, name, code, "township", 18, "2021-11-20", &ids[i], e)))
			goto out;
		/* A few changes in the term: some resign or die, and are replaced by by-election. */
		if (rnd(x->r, 100) < 4) {
			cal_format(cal_from_ymd(2023, 1 + (int)rnd(x->r, 12), 1 + (int)rnd(x->r, 28)), date);
			if ((rc = demo_end(x, ids[i], rnd(x->r, 4) ? "resigned" : "deceased", date, e)) ||
			    (rc = demo_deputy(x, code, name, code, "township", 18, "2024-03-15", &ids[i], e)))
				goto out;
			{
				if ((rc = db_execv(x->c, NULL, e,
						   "UPDATE mandate_events SET kind = 'by_elected' WHERE mandate_id IN"
						   " (SELECT id FROM mandates WHERE deputy_id = ?)",
						   "i", (int64_t)(ids[i]))))
					goto out;
			}
		}
	}
	/* Deputy groups of about ten, each with a leader. */
	for (int g = 0; g < groups && township; g++) {
		struct db_res *r = NULL;
		snprintf(gname, sizeof(gname), "第%d代表小组", g + 1);
		if ((rc = db_execv(x->c, &r, e,
				   "INSERT INTO deputy_groups (region_code, name, leader_id, created_at, updated_at)"
				   " VALUES (?,?,?,?,?) RETURNING id",
				   "ssiii", code, gname, (int64_t)(ids[g * 10 < n ? g * 10 : 0]),
				   util_now(), util_now())))
			goto out;
		group_id = db_int(r, 0, 0);
		db_res_free(r);
		for (int i = g * 10; i < (g + 1) * 10 && i < n; i++) {
			if ((rc = db_execv(x->c, NULL, e, "UPDATE mandates SET group_id = ? WHERE deputy_id = ? AND status = 'active'",
					   "ii", group_id, (int64_t)(ids[i]))))
				goto out;
		}
	}
	/* A liaison station in every township and street, and a deputies' home in townships. */
	snprintf(sname, sizeof(sname), "%s人大代表联络站", name);
	snprintf(addr, sizeof(addr), "%s便民服务中心二楼", name);
	if ((rc = station_insert(x->c, code, sname, "station", addr, "工作日 8:30-17:00", "", &station_id, e)))
		goto out;
	if (township) {
		snprintf(sname, sizeof(sname), "%s人大代表之家", name);
		snprintf(addr, sizeof(addr), "%s人民路%u号", name, rnd(x->r, 90) + 10);
		if ((rc = station_insert(x->c, code, sname, "home", addr, "每周二下午", "", &home_id, e)))
			goto out;
	}
	if (township) {
		/* A contact point in one of the township's villages, without a fixed schedule. */
		snprintf(sname, sizeof(sname), "%s%s%s村代表联系点", name,
			 syl1[rnd(x->r, ARRAY_LEN(syl1))], syl2[rnd(x->r, ARRAY_LEN(syl2))]);
		if ((rc = station_insert(x->c, code, sname, "contact_point", "村民委员会办公室",
					 "预约接待", "", NULL, e)))
			goto out;
	}
	{
		struct db_res *r = NULL;
		int64_t sid[2] = {station_id, home_id};
		static const char *const rule_sql[] = {
			"INSERT INTO station_rules (station_id, kind, day, start_time, end_time, note, created_at)"
			" VALUES (?, 'monthly_day', 10, '09:00', '11:30', '每月10日代表接待日', ?)",
			"INSERT INTO station_rules (station_id, kind, weekday, start_time, end_time, note, created_at)"
			" VALUES (?, 'weekly', 2, '14:30', '17:00', '每周二下午', ?)"};
		for (int k = 0; k < 2; k++) {
			if (!sid[k])
				continue;
			if ((rc = db_execv(x->c, NULL, e, rule_sql[k], "ii", (int64_t)(sid[k]), util_now())))
				goto out;
			/* Deputies homed here receive constituents at the station. */
			if ((rc = db_execv(x->c, NULL, e,
					   "INSERT INTO station_deputies (station_id, deputy_id) SELECT ?, d.id"
					   " FROM deputies d WHERE d.region_code = ? AND EXISTS (SELECT 1 FROM mandates m"
					   " WHERE m.deputy_id = d.id AND m.status = 'active')",
					   "is", (int64_t)(sid[k]), code)))
				goto out;
			/* Two or three on duty each reception day of the next two months. */
			{
				struct rule ru[1];
				struct reception rec[80];
				size_t nrec;
				if ((rc = db_execv(x->c, &r, e,
						   "SELECT deputy_id FROM station_deputies WHERE station_id = ?"
						   " ORDER BY deputy_id",
						   "i", (int64_t)(sid[k]))))
					goto out;
				memset(ru, 0, sizeof(ru));
				ru[0].kind = k ? RULE_WEEKLY : RULE_MONTHLY_DAY;
				ru[0].day = 10;
				ru[0].weekday = 2;
				nrec = schedule_expand(ru, 1, x->today - 30, x->today + 60, rec, 80);
				for (size_t d = 0; d < nrec && r->nrows; d++) {
					int on = 2 + (int)rnd(x->r, 2);
					cal_format(rec[d].date, date);
					for (int j = 0; j < on; j++) {
						if ((rc = db_execv(
							     x->c, NULL, e,
							     "INSERT INTO station_duty (station_id, on_date, deputy_id)"
							     " VALUES (?,?,?) ON CONFLICT DO NOTHING",
							     "isi", (int64_t)(sid[k]), date,
							     db_int(r, (int)rnd(x->r, (unsigned)r->nrows), 0)))) {
							db_res_free(r);
							goto out;
						}
					}
				}
				db_res_free(r);
				r = NULL;
			}
		}
	}
out:
	free(ids);
	return rc;
}

/* What citizens raise, by category (the seeded categories' names), with {p} for the place. */
static const char *const complaints[][2] = {
	{"市政设施", "{p}的路灯坏了快两个月了，晚上出行很不方便，老人孩子容易摔倒，希望尽快修复。"},
	{"市政设施", "{p}门口的下水道经常堵塞，一下雨就积水，请有关部门疏通。"},
	{"道路交通", "{p}路口没有红绿灯，早晚高峰车辆多，行人过马路很危险，建议增设信号灯和斑马线。"},
	{"道路交通", "{p}附近的道路坑洼不平，电动车经常摔倒，希望尽快修补路面。"},
	{"噪声扰民", "{p}附近工地夜间施工噪音很大，严重影响居民休息，请核查施工许可。"},
	{"噪声扰民", "{p}的广场舞音响声音太大，晚上十点以后还在跳，希望规范时间和音量。"},
	{"环境保护", "{p}旁边的河道有异味，水面漂浮垃圾，夏天蚊虫很多，希望治理河道环境。"},
	{"环境保护", "{p}附近的小作坊排放黑烟，气味刺鼻，怀疑没有环保手续。"},
	{"教育", "{p}附近只有一所幼儿园，学位紧张，孩子入园难，建议新建公办幼儿园。"},
	{"医疗卫生", "{p}卫生室只有一名医生，看病要排很久，希望增加医务人员。"},
	{"养老服务", "{p}独居老人多，希望建设日间照料中心，提供助餐服务。"},
	{"物业管理", "{p}小区的电梯经常坏，物业维修不及时，老人上下楼很困难。"},
	{"供水供电供气", "{p}最近经常停水，水压也低，高层住户用水困难。"},
	{"农业农村", "{p}的灌溉渠道年久失修，渗漏严重，影响春耕用水，希望列入维修计划。"},
	{"公共交通", "{p}到镇上的公交车班次太少，一小时一班，学生和老人出行不便。"},
	{"城市管理", "{p}一带占道经营严重，早市摊位占满人行道，影响通行和卫生。"},
	{"社会保障", "{p}的困难家庭申请低保流程复杂，希望简化手续、上门服务。"},
	{"生态绿化", "{p}的绿化带长期无人养护，杂草丛生，希望补种修剪。"},
	{"公共安全", "{p}附近缺少监控探头，最近发生几起电动车被盗，希望加强巡逻。"},
	{"文化体育", "{p}没有像样的健身场地，希望利用空地建设口袋公园和健身设施。"},
};
static const char *const places[] = {"幸福小区", "人民路", "中心小学", "农贸市场", "卫生院",
				     "文化广场", "新村",   "老街",     "工业园",   "汽车站"};
static const char *const replies[] = {
	"经现场核查，已安排施工队于本周完成维修，感谢您的监督。",
	"已将该问题纳入今年民生实事计划，预计下季度完成，届时将告知办理结果。",
	"已约谈相关单位负责人，责令限期整改，并将持续跟踪检查。",
	"经研究，该事项涉及规划调整，已报上级部门研究，我们会及时反馈进展。"};

/* A year of opinions across the townships, in every state of the loop. */
static int demo_opinions(struct db_conn *c, struct rng *r, const struct plan *pl, struct err *e)
{
	struct db_res *towns = NULL, *cats = NULL, *hs = NULL;
	int64_t now = util_now();
	int rc;

	if ((rc = db_exec(c,
			  "SELECT r.code, r.name, r.path, r.parent_code, (SELECT MIN(s.id) FROM stations s"
			  " WHERE s.region_code = r.code) FROM regions r WHERE r.level IN ('township','street')"
			  " ORDER BY r.code",
			  NULL, &towns, e)) ||
	    (rc = db_exec(c, "SELECT id, name FROM opinion_categories", NULL, &cats, e)))
		goto out;
	for (int i = 0; i < pl->opinions && towns->nrows; i++) {
		int t = (int)rnd(r, (unsigned)towns->nrows), k = (int)rnd(r, ARRAY_LEN(complaints));
		/* In date order, as a live system stores them: a later opinion has a larger id,
		 * which newest-first search pages rely on. */
		int64_t slot = 365 * 86400 / pl->opinions > 1 ? 365 * 86400 / pl->opinions : 1;
		int64_t created = now - 365 * 86400 + (int64_t)i * 365 * 86400 / pl->opinions +
				  (int64_t)rnd(r, 365 * 86400) % slot,
			hid = 0, cat = 0;
		int64_t age_days = (now - created) / 86400;
		char place[96], body[512], phone[16], dl[11], on[11];
		const char *state;
		const char *tmpl = complaints[k][1], *ph = strstr(tmpl, "{p}");
		json_t *spec;
		unsigned roll = rnd(r, 100);

		snprintf(place, sizeof(place), "%s%s", db_val(towns, t, 1),
			 places[rnd(r, ARRAY_LEN(places))]);
		snprintf(body, sizeof(body), "%.*s%s%s", (int)(ph - tmpl), tmpl, place, ph + 3);
		for (int j = 0; j < cats->nrows; j++)
			if (!strcmp(db_val(cats, j, 1), complaints[k][0]))
				cat = db_int(cats, j, 0);
		/* Older reports are mostly done; recent ones are still on their way. */
		if (age_days > 45)
			state = roll < 80   ? "closed"
				: roll < 88 ? "replied"
				: roll < 94 ? "not_accepted"
					    : "accepted";
		else
			state = roll < 15   ? "received"
				: roll < 25 ? "classified"
				: roll < 55 ? "assigned"
				: roll < 75 ? "accepted"
				: roll < 90 ? "replied"
					    : "closed";
		if (strcmp(state, "received") && strcmp(state, "classified") &&
		    strcmp(state, "not_accepted") && strcmp(state, "merged")) {
			db_res_free(hs);
			hs = NULL;
			if ((rc = db_execv(c, &hs, e, "SELECT id FROM handlers WHERE region_code = ? ORDER BY id",
					   "s", db_val(towns, t, 3))))
				goto out;
			if (hs->nrows)
				hid = db_int(hs, (int)rnd(r, (unsigned)hs->nrows), 0);
		}
		cal_format(cal_day_of(created), on);
		cal_format(cal_day_of(created) + 21, dl);
		snprintf(phone, sizeof(phone), "13%01u%08u", rnd(r, 10), rnd(r, 100000000));
		spec = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:I}", "region_code",
				 db_val(towns, t, 0), "region_path", db_val(towns, t, 2), "channel",
				 rnd(r, 3) ? "qr" : "reception", "body", body, "category_id",
				 (json_int_t)(strcmp(state, "received") ? cat : 0), "place", place,
				 "state", state, "phone", phone, "created_at", (json_int_t)created);
		if (db_val(towns, t, 4))
			json_object_set_new(spec, "station_id", json_integer(db_int(towns, t, 4)));
		if (hid) {
			json_object_set_new(spec, "handler_id", json_integer(hid));
			json_object_set_new(spec, "assigned_on", json_string(on));
			json_object_set_new(spec, "deadline", json_string(dl));
		}
		if (!strcmp(state, "replied") || !strcmp(state, "closed"))
			json_object_set_new(spec, "reply",
					    json_string(replies[rnd(r, ARRAY_LEN(replies))]));
		if (!strcmp(state, "closed"))
			json_object_set_new(spec, "rating",
					    json_string(rnd(r, 10) < 7 ? "satisfied"
							: rnd(r, 2)    ? "basically"
								       : "unsatisfied"));
		rc = opinion_insert_demo(c, spec, e);
		json_decref(spec);
		if (rc)
			goto out;
	}
out:
	db_res_free(towns);
	db_res_free(cats);
	db_res_free(hs);
	return rc;
}

/* Deputies of every congress, groups and stations, after the regions exist. */
static int demo_people(struct db_conn *c, struct rng *r, const struct plan *pl,
		       void (*progress)(int, int), int *done, int total, struct err *e)
{
	struct demo_ctx x = {0};
	struct db_res *g = NULL, *kids = NULL;
	struct db_params p;
	char started[11];
	int rc;

	x.c = c;
	x.r = r;
	x.today = cal_today();
	snprintf(x.a.username, sizeof(x.a.username), "(demo)");
	snprintf(x.a.role, sizeof(x.a.role), "city_staff");
	snprintf(x.a.region_code, sizeof(x.a.region_code), "329900");
	snprintf(x.a.region_path, sizeof(x.a.region_path), "/329900/");
	if ((rc = db_exec(c,
			  "SELECT code, name, level FROM regions WHERE level IN ('township','street')"
			  " ORDER BY code",
			  NULL, &g, e)))
		return rc;
	for (int i = 0; i < g->nrows; i++) {
		int town = !strcmp(db_val(g, i, 2), "township");
		if ((rc = demo_grassroots(&x, db_val(g, i, 0), db_val(g, i, 1), town,
					  town ? pl->per_township : 0, e)))
			goto out;
		if (progress)
			progress(++*done, total);
	}
	db_res_free(g);
	g = NULL;
	/* County-level congresses: deputies homed in the county's townships and streets. */
	if ((rc = db_exec(c, "SELECT code FROM regions WHERE level IN ('county','district') ORDER BY code",
			  NULL, &g, e)))
		goto out;
	snprintf(started, sizeof(started), "2021-12-10");
	for (int i = 0; i < g->nrows + 1; i++) {
		const char *congress = i < g->nrows ? db_val(g, i, 0) : "329900";
		int n = i < g->nrows ? pl->per_county : pl->per_city;
		int64_t id;
		db_params_init(&p);
		if (i < g->nrows) {
			db_ps(&p, congress);
			rc = db_exec(c, "SELECT code, name FROM regions WHERE parent_code = ? ORDER BY code",
				     &p, &kids, e);
		} else {
			rc = db_exec(c,
				     "SELECT code, name FROM regions WHERE level IN ('township','street')"
				     " ORDER BY code",
				     NULL, &kids, e);
		}
		if (rc)
			goto out;
		for (int k = 0; k < n && kids->nrows; k++) {
			int h = (int)rnd(r, (unsigned)kids->nrows);
			if ((rc = demo_deputy(&x, db_val(kids, h, 0), db_val(kids, h, 1), congress,
					      i < g->nrows ? "county" : "city", i < g->nrows ? 18 : 17,
					      i < g->nrows ? started : "2022-01-15", &id, e)))
				goto out;
		}
		db_res_free(kids);
		kids = NULL;
		if (progress)
			progress(++*done, total);
	}
out:
	db_res_free(g);
	db_res_free(kids);
	return rc;
}


/* ---- a term's session: attendance, two votes and an election with a further round ---- */

static int64_t jid(json_t *o, const char *obj, const char *key)
{
	return json_integer_value(json_object_get(obj ? json_object_get(o, obj) : o, key));
}

/* The ids of the first n candidates of round number round (from 0) of the election reply out. */
static void candidate_ids(json_t *out, size_t round, int64_t *cand, size_t n)
{
	json_t *rounds = json_object_get(json_object_get(out, "election"), "rounds");
	json_t *list = json_object_get(json_array_get(rounds, round), "candidates");
	for (size_t k = 0; k < n; k++)
		cand[k] = json_integer_value(json_object_get(json_array_get(list, k), "id"));
}

#define TRY(call)                  \
	do {                       \
		json_decref(out);  \
		out = NULL;        \
		if ((rc = (call))) \
			goto done; \
	} while (0)

static int demo_meetings(struct db *db, struct err *e)
{
	struct actor staff = {0}, dep = {0};
	struct db_conn *c = db_acquire(db);
	struct db_res *r = NULL;
	json_t *out = NULL, *in = NULL;
	int64_t mid, vid, eid, rid, ids[64];
	int rc, n;

	snprintf(staff.role, sizeof(staff.role), "unit_staff");
	snprintf(staff.username, sizeof(staff.username), "demo");
	snprintf(staff.region_path, sizeof(staff.region_path), "/329900/329981/329981101/");
	snprintf(dep.role, sizeof(dep.role), "deputy");
	snprintf(dep.username, sizeof(dep.username), "demo");
	rc = db_exec(c,
		     "SELECT deputy_id FROM mandates WHERE region_code = '329981101' AND level = 'township'"
		     " AND term = 18 AND started_on <= '2026-01-10' AND (ended_on IS NULL OR ended_on > '2026-01-10')"
		     " ORDER BY deputy_id",
		     NULL, &r, e);
	db_release(db, c);
	if (rc)
		return rc;
	n = r->nrows < 64 ? r->nrows : 64;
	for (int i = 0; i < n; i++)
		ids[i] = db_int(r, i, 0);
	db_res_free(r);
	if (n < 10)
		return 0;
	in = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:s,s:s}", "kind", "session", "title",
		       "第十八届人民代表大会第五次会议", "region_code", "329981101", "level",
		       "township", "term", 18, "starts_on", "2026-01-10", "starts_time", "09:00",
		       "place", "镇政府大会议室", "notice_on", "2026-01-02");
	TRY(meeting_create(db, &staff, in, &out, e));
	json_decref(in);
	in = NULL;
	mid = jid(out, "meeting", "id");
#define ACT(fn, id, ...)                              \
	do {                                          \
		json_decref(in);                      \
		in = json_pack(__VA_ARGS__);          \
		TRY(fn(db, &staff, id, in, &out, e)); \
	} while (0)
	ACT(meeting_act, mid, "{s:s}", "action", "open_signin");
	for (int i = 0; i < n; i++) {
		if (i == n - 1 || i == n - 2)
			ACT(meeting_attend, mid, "{s:s,s:I,s:s}", "action", "leave", "deputy_id",
			    (json_int_t)ids[i], "reason", "因公出差");
		else if (i < n - 4)
			ACT(meeting_attend, mid, "{s:s,s:I}", "action", "sign_in", "deputy_id",
			    (json_int_t)ids[i]);
	}
	ACT(meeting_act, mid, "{s:s}", "action", "open");
	ACT(meeting_item_add, mid, "{s:s,s:[{s:s,s:s}]}", "title", "审议政府工作报告", "documents",
	    "name", "政府工作报告", "url", "/files/report.pdf");
	ACT(vote_create, mid, "{s:s,s:I,s:b}", "title", "关于政府工作报告的决议", "item_id",
	    (json_int_t)jid(out, "item", "id"), "recorded", 1);
	vid = jid(out, "vote", "id");
	ACT(vote_act, vid, "{s:s}", "action", "open");
	for (int i = 0; i < n - 4; i++) {
		dep.deputy_id = ids[i];
		json_decref(in);
		in = json_pack("{s:s}", "choice",
			       i < n - 7   ? "for"
			       : i < n - 5 ? "against"
					   : "abstain");
		TRY(vote_cast(db, &dep, vid, in, &out, e));
	}
	ACT(vote_act, vid, "{s:s}", "action", "close");
	ACT(vote_create, mid, "{s:s,s:s}", "title", "关于本镇民生实事项目实施计划的决议", "mode", "tally");
	vid = jid(out, "vote", "id");
	ACT(vote_act, vid, "{s:s}", "action", "open");
	ACT(vote_tally, vid, "{s:i,s:i,s:i}", "for", n - 8, "against", 2, "abstain", 2);
	ACT(vote_act, vid, "{s:s}", "action", "close");
	/* 副镇长 two seats: only one passes the first round, the second seat goes to a further round */
	ACT(election_create, mid, "{s:s,s:s,s:i}", "office", "副镇长", "office_kind", "vice", "seats", 2);
	eid = jid(out, "election", "id");
	rid = json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 0), "id"));
	{
		static const char *const names[] = {"王建国", "李秀英", "陈志强"};
		int64_t cand[3];
		for (int k = 0; k < 3; k++)
			ACT(round_candidate_add, rid, "{s:s,s:s}", "name", names[k], "nominated_by",
			    "presidium");
		candidate_ids(out, 0, cand, 3);
		ACT(round_act, rid, "{s:s}", "action", "open");
		for (int i = 0; i < n - 4; i++) {
			char k0[24], k1[24], k2[24];
			snprintf(k0, sizeof(k0), "%lld", (long long)cand[0]);
			snprintf(k1, sizeof(k1), "%lld", (long long)cand[1]);
			snprintf(k2, sizeof(k2), "%lld", (long long)cand[2]);
			dep.deputy_id = ids[i];
			json_decref(in);
			in = json_pack("{s:{s:s,s:s,s:s}}", "marks", k0, "for", k1, i < 15 ? "for" : "against",
				       k2, i >= 15 && i < 29 ? "for" : "against");
			TRY(round_ballot(db, &dep, rid, in, &out, e));
		}
		ACT(round_act, rid, "{s:s}", "action", "count");
	}
	TRY(election_get(db, &staff, eid, &out, e));
	rid = json_integer_value(json_object_get(
		json_array_get(json_object_get(json_object_get(out, "election"), "rounds"), 1), "id"));
	if (rid) {
		int64_t cand[2];
		ACT(round_candidate_add, rid, "{s:s,s:s}", "name", "赵丽华", "nominated_by", "presidium");
		ACT(round_candidate_add, rid, "{s:s,s:s}", "name", "孙海涛", "nominated_by", "presidium");
		candidate_ids(out, 1, cand, 2);
		ACT(round_act, rid, "{s:s}", "action", "open");
		for (int i = 0; i < n - 4; i++) {
			char k0[24], k1[24];
			snprintf(k0, sizeof(k0), "%lld", (long long)cand[0]);
			snprintf(k1, sizeof(k1), "%lld", (long long)cand[1]);
			dep.deputy_id = ids[i];
			json_decref(in);
			in = json_pack("{s:{s:s,s:s}}", "marks", k0, i < 25 ? "for" : "against", k1,
				       i < 25 ? "against" : "for");
			TRY(round_ballot(db, &dep, rid, in, &out, e));
		}
		ACT(round_act, rid, "{s:s}", "action", "count");
	}
	ACT(meeting_update, mid, "{s:s}", "minutes",
	    "会议听取并审议了政府工作报告，表决通过了有关决议，补选了副镇长。");
	ACT(meeting_act, mid, "{s:s}", "action", "close");
done:
	json_decref(in);
	json_decref(out);
	return rc;
}

int demo_create(struct db *db, enum demo_size size, unsigned long long seed,
		void (*progress)(int done, int total), struct err *e)
{
	const struct plan *pl = &plans[size];
	struct rng r = {seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL};
	struct db_conn *c = db_acquire(db);
	struct db_res *res = NULL;
	int total = pl->counties + pl->districts + pl->devzones + (int)ARRAY_LEN(demo_accounts) +
		    pl->counties * pl->towns_per_county + pl->districts * pl->streets_per_district +
		    pl->counties + pl->districts + 1;
	int done = 0, rc;
	int64_t first_handler = 0;

	if ((rc = db_begin(c, e)))
		goto out;
	if ((rc = db_exec(c, "SELECT COUNT(*) FROM regions", NULL, &res, e)))
		goto out;
	if (db_int(res, 0, 0) > 0) {
		rc = err_set(e, E_CONFLICT, "not_empty", "数据库中已有数据，演示数据只能写入空数据库");
		goto out;
	}
	if ((rc = region_insert(c, "329900", NULL, "示范市", "city", e)) ||
	    (rc = region_insert_unit(c, "329900", "示范市人大常委会", "standing_committee",
				     "示范市人民大道1号", "80000001", e)))
		goto out;
	for (int i = 0; i < pl->counties; i++) {
		char code[8], unit[128];
		snprintf(code, sizeof(code), "3299%02d", 81 + i);
		snprintf(unit, sizeof(unit), "%s人大常委会", county_names[i]);
		if ((rc = region_insert(c, code, "329900", county_names[i], "county", e)) ||
		    (rc = region_insert_unit(c, code, unit, "standing_committee", "", "", e)) ||
		    (rc = add_handlers(c, &r, code, county_names[i], county_depts,
				       ARRAY_LEN(county_depts), i == 0 ? &first_handler : NULL, e)) ||
		    (rc = grassroots(c, &r, code, county_names[i], pl->towns_per_county, 0, e)))
			goto out;
		if (progress)
			progress(++done, total);
	}
	for (int i = 0; i < pl->districts; i++) {
		char code[8], unit[128];
		snprintf(code, sizeof(code), "3299%02d", 2 + i);
		snprintf(unit, sizeof(unit), "%s人大常委会", district_names[i]);
		if ((rc = region_insert(c, code, "329900", district_names[i], "district", e)) ||
		    (rc = region_insert_unit(c, code, unit, "standing_committee", "", "", e)) ||
		    (rc = add_handlers(c, &r, code, district_names[i], county_depts,
				       ARRAY_LEN(county_depts), NULL, e)) ||
		    (rc = grassroots(c, &r, code, district_names[i], pl->streets_per_district, 1, e)))
			goto out;
		if (progress)
			progress(++done, total);
	}
	for (int i = 0; i < pl->devzones; i++) {
		char code[8], unit[128], prefix[128];
		snprintf(code, sizeof(code), "3299%02d", 71 + i);
		snprintf(unit, sizeof(unit), "%s人大工作委员会", devzone_names[i]);
		snprintf(prefix, sizeof(prefix), "%s管委会", devzone_names[i]);
		if ((rc = region_insert(c, code, "329900", devzone_names[i], "devzone", e)) ||
		    (rc = region_insert_unit(c, code, unit, "devzone_office", "", "", e)) ||
		    (rc = add_handlers(c, &r, code, prefix, street_depts, ARRAY_LEN(street_depts), NULL, e)))
			goto out;
		if (progress)
			progress(++done, total);
	}
	if ((rc = demo_people(c, &r, pl, progress, &done, total, e)) ||
	    (rc = words_init(NULL, e)) || (rc = words_add_places_in(c, e)) ||
	    (rc = demo_opinions(c, &r, pl, e)) || (rc = opinion_stats_rebuild(c, e)))
		goto out;
	for (size_t i = 0; i < ARRAY_LEN(demo_accounts); i++) {
		int is_handler = role_is_handler(demo_accounts[i].role);
		if ((rc = account_insert(c, demo_accounts[i].username, demo_accounts[i].name,
					 demo_accounts[i].role, demo_accounts[i].region,
					 is_handler ? first_handler : 0, DEMO_PASSWORD, NULL, e)))
			goto out;
		if (progress)
			progress(++done, total);
	}
	/* The demo deputy account is the first deputy of the first township. */
	if ((rc = db_exec(c,
			  "UPDATE accounts SET deputy_id = (SELECT MIN(id) FROM deputies"
			  " WHERE region_code = '329981101') WHERE username = 'deputy'",
			  NULL, NULL, e)) ||
	    (rc = demo_suggestions(c, pl->suggestions, (unsigned)seed, e)) ||
	    (rc = demo_projects(c, (unsigned)seed, e)) ||
	    (rc = demo_rectifications(c, pl->opinions / 200 > 60 ? pl->opinions / 200 : 60, (unsigned)seed, e)) ||
	    (rc = demo_budgets(c, (unsigned)seed, e)))
		goto out;
	/* Every deputy of that township can log in as d<deputy id> (same password), to vote. */
	if ((rc = db_exec(c,
			  "INSERT INTO accounts (username, display_name, role, region_code, password_hash,"
			  " must_change_password, password_changed_at, created_at, updated_at, deputy_id)"
			  " SELECT 'd' || d.id, d.name, 'deputy', '329981101', a.password_hash, 0, a.password_changed_at,"
			  " a.created_at, a.updated_at, d.id FROM deputies d, accounts a"
			  " WHERE a.username = 'deputy' AND d.region_code = '329981101'",
			  NULL, NULL, e)))
		goto out;
	if ((rc = db_commit(c, e)))
		goto out;
	/* Fresh statistics for the query planner over what was just loaded. */
	rc = db_exec(c, "ANALYZE", NULL, NULL, e);
out:
	db_res_free(res);
	db_rollback(c);
	db_release(db, c);
	if (!rc)
		rc = demo_meetings(db, e);
	return rc ? rc : demo_supervision(db, (unsigned)seed, e);
}
