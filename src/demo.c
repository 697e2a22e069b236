#include "demo.h"

#include <stdio.h>
#include <string.h>

#include "account.h"
#include "handler.h"
#include "region.h"

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

static const char *const county_names[] = {"清河市", "白塔市", "青山市", "云溪市", "石桥市", "柳湾市"};
static const char *const district_names[] = {"东城区", "西城区", "南湖区", "北岭区"};
static const char *const devzone_names[] = {"示范经济开发区", "示范高新技术产业开发区", "示范临港开发区"};
static const char *const county_depts[] = {
	"交通运输局", "住房和城乡建设局", "生态环境局", "教育局", "卫生健康委员会", "民政局",
	"人力资源和社会保障局", "农业农村局", "自然资源和规划局", "水利局", "市场监督管理局",
	"城市管理局", "应急管理局", "文化广电和旅游局", "公安局"};
static const char *const town_depts[] = {"党政办公室", "经济发展办公室", "社会事务办公室",
					 "村镇建设办公室", "综合行政执法队"};
static const char *const street_depts[] = {"党政办公室", "城市管理办公室", "社区服务中心",
					   "平安建设办公室"};

struct plan {
	int counties, towns_per_county, districts, streets_per_district, devzones;
};

static const struct plan plans[] = {
	[DEMO_SMALL] = {1, 6, 1, 5, 1},
	[DEMO_MEDIUM] = {3, 12, 2, 8, 2},
	[DEMO_LARGE] = {6, 20, 4, 12, 3},
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
static void place(struct rng *r, char used[][16], int nused, const char *suffix, char *out,
		  size_t n)
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

int demo_create(struct db *db, enum demo_size size, unsigned long long seed,
		void (*progress)(int done, int total), struct err *e)
{
	const struct plan *pl = &plans[size];
	struct rng r = {seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL};
	struct db_conn *c = db_acquire(db);
	struct db_res *res = NULL;
	int total = pl->counties + pl->districts + pl->devzones + (int)ARRAY_LEN(demo_accounts);
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
	for (size_t i = 0; i < ARRAY_LEN(demo_accounts); i++) {
		int is_handler = !strcmp(demo_accounts[i].role, "handler");
		if ((rc = account_insert(c, demo_accounts[i].username, demo_accounts[i].name,
					 demo_accounts[i].role, demo_accounts[i].region,
					 is_handler ? first_handler : 0, DEMO_PASSWORD, NULL, e)))
			goto out;
		if (progress)
			progress(++done, total);
	}
	rc = db_commit(c, e);
out:
	db_res_free(res);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
