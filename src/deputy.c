#include "deputy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "audit.h"
#include "crypto.h"
#include "jsonx.h"
#include "limit.h"
#include "region.h"
#include "role.h"
#include "tx.h"

const char *const deputy_ethnicities[] = {
	"汉族",       "蒙古族",   "回族",     "藏族",   "维吾尔族", "苗族",     "彝族",
	"壮族",       "布依族",   "朝鲜族",   "满族",   "侗族",     "瑶族",     "白族",
	"土家族",     "哈尼族",   "哈萨克族", "傣族",   "黎族",     "傈僳族",   "佤族",
	"畲族",       "高山族",   "拉祜族",   "水族",   "东乡族",   "纳西族",   "景颇族",
	"柯尔克孜族", "土族",     "达斡尔族", "仫佬族", "羌族",     "布朗族",   "撒拉族",
	"毛南族",     "仡佬族",   "锡伯族",   "阿昌族", "普米族",   "塔吉克族", "怒族",
	"乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",   "裕固族",   "京族",
	"塔塔尔族",   "独龙族",   "鄂伦春族", "赫哲族", "门巴族",   "珞巴族",   "基诺族",
	NULL};
const char *const deputy_parties[] = {
	"中共党员", "中共预备党员", "共青团员",   "民革党员",   "民盟盟员",
	"民建会员", "民进会员",     "农工党党员", "致公党党员", "九三学社社员",
	"台盟盟员", "无党派人士",   "群众",       NULL};
const char *const deputy_educations[] = {"研究生", "大学本科",   "大学专科", "中等专科",
					 "高中",   "初中及以下", NULL};
/* The official composition categories: workers, farmers, professionals, party and government
 * officials, the military, and the rest. */
const char *const deputy_occupations[] = {
	"worker", "farmer", "professional", "official", "military", "other", NULL};
const char *const deputy_levels[] = {"township", "county", "city", "province", "national", NULL};
static const char *const ending_events[] = {"resigned", "recalled", "terminated", "deceased", NULL};

/* ---- validation ---- */

/* The person's fields; updates take the same fields, none of them required. */
#define PERSON_FIELDS(R)                                                                          \
	{"name", JF_STR, R, 1, 32, "姓名"}, {"gender", JF_STR, R, 1, 8, "性别"},                  \
		{"ethnicity", JF_STR, R, 1, 8, "民族"},                                           \
		{"birth_date", JF_STR, R, 1, 10, "出生日期"},                                     \
		{"party", JF_STR, R, 1, 16, "政治面貌"}, {"education", JF_STR, 0, 0, 16, "学历"}, \
		{"occupation", JF_STR, R, 1, 16, "代表构成类别"},                                 \
		{"employer", JF_STR, 0, 0, LIMIT_NAME_CHARS, "工作单位"},                         \
		{"post", JF_STR, 0, 0, LIMIT_NAME_CHARS, "职务"},                                 \
		{"phone", JF_STR, 0, 0, LIMIT_PHONE_CHARS, "联系电话"},                           \
		{"id_number", JF_STR, 0, 0, 18, "身份证号码"},                                    \
		{"region_code", JF_STR, R, 1, 9, "所属区划"},                                     \
		{"mandate", JF_OBJ, 0, 0, 0, "代表资格"},                                         \
	{                                                                                         \
		NULL, 0, 0, 0, 0, NULL                                                            \
	}
static const struct jfield person_spec[] = {PERSON_FIELDS(1)};
static const struct jfield person_update_spec[] = {PERSON_FIELDS(0)};

static const struct jfield mandate_spec[] = {
	{"level", JF_STR, 1, 1, 16, "代表层级"},
	{"term", JF_INT, 1, 1, 99, "届次"},
	{"region_code", JF_STR, 1, 1, 9, "人大所在区划"},
	{"constituency", JF_STR, 0, 0, LIMIT_NAME_CHARS, "选区"},
	{"started_on", JF_STR, 1, 1, 10, "当选日期"},
	{"kind", JF_STR, 0, 1, 16, "当选方式"},
	{"document", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "文件依据"},
	{NULL, 0, 0, 0, 0, NULL}};

int deputy_check_id_number(const char *id, const char *birth_date, const char *gender, struct err *e)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;
	char birth[11];
	int32_t day;

	if (strlen(id) != 18)
		goto bad;
	for (int i = 0; i < 17; i++) {
		if (id[i] < '0' || id[i] > '9')
			goto bad;
		sum += (id[i] - '0') * w[i];
	}
	if ((id[17] == 'x' ? 'X' : id[17]) != check[sum % 11])
		return err_field(e, E_INVALID, "bad_id_number", "id_number", "身份证号码校验位不正确");
	snprintf(birth, sizeof(birth), "%.4s-%.2s-%.2s", id + 6, id + 10, id + 12);
	if (cal_parse(birth, &day))
		return err_field(e, E_INVALID, "bad_id_number", "id_number", "身份证号码中的出生日期无效");
	if (birth_date && strcmp(birth, birth_date))
		return err_field(e, E_INVALID, "bad_id_number", "id_number",
				 "身份证号码中的出生日期（%s）与填写的出生日期不一致", birth);
	if (gender && (((id[16] - '0') % 2 == 1) != !strcmp(gender, "male")))
		return err_field(e, E_INVALID, "bad_id_number", "id_number",
				 "身份证号码中的性别与填写的性别不一致");
	return 0;
bad:
	return err_field(e, E_INVALID, "bad_id_number", "id_number",
			 "身份证号码应为18位（前17位为数字，末位为数字或X）");
}

static int check_phone(const char *s, struct err *e)
{
	if (!*s || util_phone_ok(s))
		return 0;
	return err_field(e, E_INVALID, "bad_phone", "phone", "联系电话格式不正确（手机号应为11位数字）");
}

static int check_mandate(json_t *m, struct err *e)
{
	const char *kind, *level;
	int32_t day;
	int rc;

	if ((rc = jsonx_check(m, mandate_spec, e)))
		return rc;
	level = jsonx_str(m, "level");
	if (!util_one_of(level, deputy_levels))
		return err_field(e, E_INVALID, "bad_level", "level", "代表层级应为乡镇、县、市、省或全国");
	kind = jsonx_str(m, "kind");
	if (kind && strcmp(kind, "elected") && strcmp(kind, "by_elected"))
		return err_field(e, E_INVALID, "bad_kind", "kind",
				 "当选方式应为 elected（选举）或 by_elected（补选）");
	if (cal_parse(jsonx_str(m, "started_on"), &day) || day > cal_today())
		return err_field(e, E_INVALID, "bad_date", "started_on", "当选日期无效或晚于今天");
	return 0;
}

int deputy_check_person(json_t *in, int partial, struct err *e)
{
	const char *v;
	int32_t birth;
	int rc;

	if ((rc = jsonx_check(in, partial ? person_update_spec : person_spec, e)))
		return rc;
	if ((v = jsonx_str(in, "gender")) && strcmp(v, "male") && strcmp(v, "female"))
		return err_field(e, E_INVALID, "bad_gender", "gender", "性别应为 male（男）或 female（女）");
	if ((v = jsonx_str(in, "ethnicity")) && !util_one_of(v, deputy_ethnicities))
		return err_field(e, E_INVALID, "bad_ethnicity", "ethnicity", "民族“%s”不在56个民族之列", v);
	if ((v = jsonx_str(in, "party")) && !util_one_of(v, deputy_parties))
		return err_field(e, E_INVALID, "bad_party", "party", "政治面貌“%s”无效", v);
	if ((v = jsonx_str(in, "education")) && *v && !util_one_of(v, deputy_educations))
		return err_field(e, E_INVALID, "bad_education", "education", "学历“%s”无效", v);
	if ((v = jsonx_str(in, "occupation")) && !util_one_of(v, deputy_occupations))
		return err_field(e, E_INVALID, "bad_occupation", "occupation",
				 "代表构成类别应为 worker、farmer、professional、official、military 或 other");
	if ((v = jsonx_str(in, "birth_date"))) {
		if (cal_parse(v, &birth))
			return err_field(e, E_INVALID, "bad_date", "birth_date",
					 "出生日期“%s”不存在（格式为 YYYY-MM-DD）", v);
		if (cal_years_between(birth, cal_today()) < 18)
			return err_field(e, E_INVALID, "too_young", "birth_date", "人大代表须年满18周岁");
	}
	if ((v = jsonx_str(in, "phone")) && (rc = check_phone(v, e)))
		return rc;
	if ((v = jsonx_str(in, "id_number")) && *v &&
	    (rc = deputy_check_id_number(v, jsonx_str(in, "birth_date"), jsonx_str(in, "gender"), e)))
		return rc;
	if (json_object_get(in, "mandate") && (rc = check_mandate(json_object_get(in, "mandate"), e))) {
		char f[sizeof(e->field)];
		memcpy(f, e->field, sizeof(f));
		snprintf(e->field, sizeof(e->field), "mandate.%.24s", f);
		return rc;
	}
	return 0;
}

/* ---- access ---- */

static int can_write(const struct actor *a, struct err *e)
{
	if (!role_can(a->role, PERM_DEPUTY_WRITE))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能维护代表信息");
	return 0;
}

/* Reads region path and level; checks the actor's scope. An absent region is E_INVALID
 * "bad_region" naming the request's field ("<label>不存在"). */
static int region_info(struct db_conn *c, const struct actor *a, const char *code, const char *field,
		       const char *label, char *path, size_t plen, char *level, size_t llen, struct err *e)
{
	struct db_res *r;
	int rc;

	if ((rc = region_scope_field(c, a, code, field, label, path, plen, e)) ||
	    (rc = db_execv(c, &r, e, "SELECT level FROM regions WHERE code = ?", "s", code)))
		return rc;
	snprintf(level, llen, "%s", db_val(r, 0, 0));
	db_res_free(r);
	return 0;
}

/* The region levels whose congress holds deputies of each level. */
static int congress_fits(const char *level, const char *region_level)
{
	if (!strcmp(level, "township"))
		return !strcmp(region_level, "township");
	if (!strcmp(level, "county"))
		return !strcmp(region_level, "county") || !strcmp(region_level, "district");
	return !strcmp(region_level, "city"); /* city; province and national deputies are recorded at the city */
}

/* The record as the audit keeps it: the phone masked whoever acted (the ID number is masked
 * in every view already). A new reference. */
static json_t *for_audit(json_t *o)
{
	json_t *c = json_deep_copy(o);
	const char *ph = jsonx_str(c, "phone");
	if (ph) {
		char m[48];
		crypto_mask_phone(ph, m, sizeof(m));
		json_object_set_new(c, "phone", json_string(m));
	}
	return c;
}

/* ---- writes ---- */

/* The bit of a level in deputies.active_levels. */
static int level_bit(const char *level)
{
	int i = util_index_of(level, deputy_levels);
	return i < 0 ? 0 : 1 << i;
}

int deputy_recount(struct db_conn *c, int64_t id, struct err *e)
{
	struct db_res *r;
	int bits = 0, rc;

	if ((rc = db_execv(c, &r, e, "SELECT level FROM mandates WHERE deputy_id = ? AND status = 'active'",
			   "i", id)))
		return rc;
	for (int i = 0; i < r->nrows; i++)
		bits |= level_bit(db_val(r, i, 0));
	db_res_free(r);
	return db_execv(c, NULL, e, "UPDATE deputies SET active_levels = ? WHERE id = ?", "ii",
			(int64_t)bits, id);
}

static int insert_mandate(struct db_conn *c, const struct actor *a, int64_t deputy_id, json_t *m,
			  int64_t *mid, struct err *e)
{
	struct db_params p;
	struct db_res *r = NULL;
	char path[160], level[16];
	const char *region = jsonx_str(m, "region_code");
	int rc;

	if ((rc = region_info(c, a, region, "mandate.region_code", "人大所在区划", path,
			      sizeof(path), level, sizeof(level), e))) {
		if (!e->field[0])
			snprintf(e->field, sizeof(e->field), "mandate.region_code");
		return rc;
	}
	if (!congress_fits(jsonx_str(m, "level"), level))
		return err_field(e, E_INVALID, "bad_level", "mandate.level",
				 "该区划的人大不是这一层级（乡镇代表应在乡镇，县级代表在县或区，市级及以上在市）");
	rc = db_execv(c, &r, e,
		      "INSERT INTO mandates (deputy_id, level, term, region_code, constituency, status,"
		      " started_on, created_at, updated_at) VALUES (?,?,?,?,?,'active',?,?,?) RETURNING id",
		      "isisssii", deputy_id, jsonx_str(m, "level"),
		      (int64_t)(jsonx_int(m, "term", 0)), region, jsonx_str_or(m, "constituency", ""),
		      jsonx_str(m, "started_on"), util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate"))
		return err_field(e, E_CONFLICT, "duplicate", "mandate", "该代表在这一届人大已有代表资格");
	if (rc)
		return rc;
	*mid = db_int(r, 0, 0);
	db_res_free(r);
	if ((rc = deputy_recount(c, deputy_id, e)))
		return rc;
	db_params_init(&p);
	db_pi(&p, *mid);
	db_ps(&p, jsonx_str_or(m, "kind", "elected"));
	db_ps(&p, jsonx_str(m, "started_on"));
	db_ps(&p, jsonx_str_or(m, "document", ""));
	if (a->account_id)
		db_pi(&p, a->account_id);
	else
		db_ps(&p, NULL);
	db_pi(&p, util_now());
	return db_exec(c,
		       "INSERT INTO mandate_events (mandate_id, kind, happened_on, document, note,"
		       " created_by, created_at) VALUES (?,?,?,?,'',?,?)",
		       &p, NULL, e);
}

/* The blind index of a checked ID number (an 'x' check digit counts as 'X'): idx holds 65 bytes. */
static int id_index(const char *idnum, char *idx, struct err *e)
{
	char upper[19];
	snprintf(upper, sizeof(upper), "%s", idnum);
	if (upper[17] == 'x')
		upper[17] = 'X';
	return crypto_blind_index(upper, idx, e);
}

/* Seals a personal field, or NULL for absent/empty. *out is owned by the caller. */
static int seal_opt(const char *v, char **out, struct err *e)
{
	*out = NULL;
	if (!v || !*v)
		return 0;
	return crypto_seal(v, out, e);
}

int deputy_insert(struct db_conn *c, const struct actor *a, json_t *in, int64_t *id, struct err *e)
{
	struct db_res *r = NULL;
	char path[160], level[16], idx[65];
	char *phone = NULL, *idn = NULL;
	const char *idnum = jsonx_str(in, "id_number");
	int64_t mid;
	int rc;

	if ((rc = region_info(c, a, jsonx_str(in, "region_code"), "region_code", "所属区划", path,
			      sizeof(path), level, sizeof(level), e))) {
		if (!e->field[0])
			snprintf(e->field, sizeof(e->field), "region_code");
		return rc;
	}
	if ((rc = seal_opt(jsonx_str(in, "phone"), &phone, e)) || (rc = seal_opt(idnum, &idn, e)))
		goto out;
	if (idnum && *idnum && (rc = id_index(idnum, idx, e)))
		goto out;
	rc = db_execv(c, &r, e,
		      "INSERT INTO deputies (name, gender, ethnicity, birth_date, party, education,"
		      " occupation, employer, post, phone_enc, id_number_enc, id_number_idx, region_code,"
		      " region_path, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
		      " RETURNING id",
		      "ssssssssssssssii", jsonx_str(in, "name"), jsonx_str(in, "gender"),
		      jsonx_str(in, "ethnicity"), jsonx_str(in, "birth_date"), jsonx_str(in, "party"),
		      jsonx_str_or(in, "education", ""), jsonx_str(in, "occupation"),
		      jsonx_str_or(in, "employer", ""), jsonx_str_or(in, "post", ""), phone, idn,
		      idn ? idx : NULL, jsonx_str(in, "region_code"), path, util_now(), util_now());
	if (rc == E_CONFLICT && !strcmp(e->code, "duplicate")) {
		rc = err_field(e, E_CONFLICT, "duplicate_id_number", "id_number",
			       "该身份证号码已登记（与已有代表重复）");
		goto out;
	}
	if (rc)
		goto out;
	*id = db_int(r, 0, 0);
	if (json_object_get(in, "mandate"))
		rc = insert_mandate(c, a, *id, json_object_get(in, "mandate"), &mid, e);
out:
	free(phone);
	free(idn);
	db_res_free(r);
	return rc;
}

/* ---- reads ---- */

#define PERSON_COLS                                                                               \
	"d.id, d.name, d.gender, d.ethnicity, d.birth_date, d.party, d.education, d.occupation,"  \
	" d.employer, d.post, d.phone_enc, d.id_number_enc, d.region_code, r.name, d.created_at," \
	" d.updated_at, d.region_path"
#define PERSON_FROM " FROM deputies d JOIN regions r ON r.code = d.region_code"

/* A person object from a PERSON_COLS row. full_phone: show the phone unmasked; no_phone: omit. */
static json_t *person_json(const struct db_res *r, int row, int full_phone, int no_phone)
{
	static const char *const names[] = {"id",         "name",  "gender",    "ethnicity",
					    "birth_date", "party", "education", "occupation",
					    "employer",   "post"};
	json_t *o = json_object();
	int32_t birth;
	char masked[48];

	json_object_set_new(o, "id", json_integer(db_int(r, row, 0)));
	for (int i = 1; i < 10; i++)
		json_object_set_new(o, names[i], json_string(db_val(r, row, i)));
	if (!cal_parse(db_val(r, row, 4), &birth))
		json_object_set_new(o, "age", json_integer(cal_years_between(birth, cal_today())));
	json_object_set_new(o, "phone", json_null());
	json_object_set_new(o, "id_number", json_null());
	if (!no_phone && db_val(r, row, 10)) {
		char *plain = NULL;
		struct err ignore;
		if (!crypto_open(db_val(r, row, 10), &plain, &ignore)) {
			if (full_phone) {
				json_object_set_new(o, "phone", json_string(plain));
			} else {
				crypto_mask_phone(plain, masked, sizeof(masked));
				json_object_set_new(o, "phone", json_string(masked));
			}
			free(plain);
		}
	}
	if (!no_phone && db_val(r, row, 11)) {
		char *plain = NULL;
		struct err ignore;
		if (!crypto_open(db_val(r, row, 11), &plain, &ignore)) {
			crypto_mask_id(plain, masked, sizeof(masked));
			json_object_set_new(o, "id_number", json_string(masked));
			free(plain);
		}
	}
	json_object_set_new(o, "region_code", json_string(db_val(r, row, 12)));
	json_object_set_new(o, "region_name", json_string(db_val(r, row, 13)));
	json_object_set_new(o, "created_at", json_integer(db_int(r, row, 14)));
	json_object_set_new(o, "updated_at", json_integer(db_int(r, row, 15)));
	return o;
}

/* May the actor read deputy `id` (whose record lies at path)? A deputy account reads its own
 * record and those of its groups' members. */
static int can_read(struct db_conn *c, const struct actor *a, int64_t id, const char *path,
		    int *own, struct err *e)
{
	struct db_res *r;
	int rc, ok;

	*own = 0;
	if (role_can(a->role, PERM_DEPUTY_READ))
		return region_path_in_scope(a, path) ? 0 : err_set(e, E_NOTFOUND, "not_found", "代表不存在");
	if (!role_is_deputy(a->role) || !a->deputy_id)
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表信息");
	if (a->deputy_id == id) {
		*own = 1;
		return 0;
	}
	if ((rc = db_execv(c, &r, e,
			   "SELECT COUNT(*) FROM mandates m1 JOIN mandates m2 ON m2.group_id = m1.group_id"
			   " WHERE m1.deputy_id = ? AND m2.deputy_id = ? AND m1.group_id IS NOT NULL",
			   "ii", a->deputy_id, id)))
		return rc;
	ok = db_int(r, 0, 0) > 0;
	db_res_free(r);
	return ok ? 0 : err_set(e, E_NOTFOUND, "not_found", "代表不存在");
}

static const struct col event_cols[] = {
	{"id", COL_INT},
	{"kind", COL_STR},
	{"happened_on", COL_STR},
	{"document", COL_STR},
	{"note", COL_STR},
	{"created_at", COL_INT},
	{NULL, 0}};

/* The deputy's full record inside c; E_NOTFOUND when absent or unreadable. */
static int load(struct db_conn *c, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	static const struct col station_cols[] = {{"id", COL_INT}, {"name", COL_STR}, {NULL, 0}};
	struct db_res *r = NULL;
	json_t *o = NULL, *mandates;
	int own, rc;

	if ((rc = db_execv(c, &r, e, "SELECT " PERSON_COLS PERSON_FROM " WHERE d.id = ?", "i", id)))
		return rc;
	if (r->nrows == 0) {
		rc = err_set(e, E_NOTFOUND, "not_found", "代表不存在");
		goto out;
	}
	if ((rc = can_read(c, a, id, db_val(r, 0, 16), &own, e)))
		goto out;
	o = person_json(r, 0, own || role_can(a->role, PERM_DEPUTY_PERSONAL),
			!own && !role_can(a->role, PERM_DEPUTY_READ));
	db_res_free(r);
	r = NULL;
	if ((rc = db_execv(c, &r, e,
			   "SELECT m.id, m.level, m.term, m.region_code, g.name, m.constituency,"
			   " m.group_id, m.status, m.started_on, m.ended_on, rg.name FROM mandates m"
			   " JOIN regions rg ON rg.code = m.region_code"
			   " LEFT JOIN deputy_groups g ON g.id = m.group_id WHERE m.deputy_id = ?"
			   " ORDER BY m.started_on DESC, m.id DESC",
			   "i", id)))
		goto out;
	mandates = json_array();
	json_object_set_new(o, "mandates", mandates);
	for (int i = 0; i < r->nrows; i++) {
		json_t *m = json_pack(
			"{s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:o}", "id",
			(json_int_t)db_int(r, i, 0), "level", db_val(r, i, 1), "term",
			(json_int_t)db_int(r, i, 2), "region_code", db_val(r, i, 3), "region_name",
			db_val(r, i, 10), "constituency", db_val(r, i, 5), "group_id",
			db_val(r, i, 6) ? json_integer(db_int(r, i, 6)) : json_null(), "group_name",
			db_val(r, i, 4) ? json_string(db_val(r, i, 4)) : json_null(), "status",
			db_val(r, i, 7), "started_on", db_val(r, i, 8), "ended_on",
			db_val(r, i, 9) ? json_string(db_val(r, i, 9)) : json_null());
		json_array_append_new(mandates, m);
		if ((rc = rows_attach(c, m, "events", event_cols, e,
				      "SELECT id, kind, happened_on, document, note, created_at"
				      " FROM mandate_events WHERE mandate_id = ? ORDER BY happened_on, id",
				      "i", db_int(r, i, 0))))
			goto out;
	}
	if ((rc = rows_attach(c, o, "stations", station_cols, e,
			      "SELECT s.id, s.name FROM station_deputies sd JOIN stations s ON s.id = sd.station_id"
			      " WHERE sd.deputy_id = ? ORDER BY s.name",
			      "i", id)))
		goto out;
	*out = o;
	o = NULL;
out:
	json_decref(o);
	db_res_free(r);
	return rc;
}

int deputy_get(struct db *db, const struct actor *a, int64_t id, json_t **out, struct err *e)
{
	const char *phone;
	char sid[24];
	int rc = rows_get(db, NULL, load, a, id, "deputy", out, e);

	/* A full phone shown to anyone but the deputy is a reading of personal data: audited, and
	 * not shown when it cannot be. */
	phone = rc ? NULL : json_string_value(json_object_get(json_object_get(*out, "deputy"), "phone"));
	if (phone && a->deputy_id != id && role_can(a->role, PERM_DEPUTY_PERSONAL)) {
		snprintf(sid, sizeof(sid), "%lld", (long long)id);
		if ((rc = audit_record(db, a, AUDIT_DONE, "deputy.read_personal", "deputy", sid, NULL, e))) {
			json_decref(*out);
			*out = NULL;
		}
	}
	return rc;
}

int deputy_create(struct db *db, const struct actor *a, json_t *in, json_t **out, struct err *e)
{
	struct tx t;
	json_t *o = NULL, *masked = NULL;
	int64_t id = 0;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = deputy_check_person(in, 0, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (!tx_ok(&t) || tx_check(&t, deputy_insert(t.c, a, in, &id, e)) ||
	    tx_check(&t, load(t.c, a, id, &o, e)))
		goto out;
	/* The audit keeps the record as staff see it in lists: phone and ID number masked. */
	masked = for_audit(o);
	tx_audit(&t, "deputy.create", "deputy", id, NULL, masked);
out:
	json_decref(masked);
	return tx_end_reply(&t, "deputy", o, out);
}
int deputy_update(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out, struct err *e)
{
	static const char *const plain_fields[] = {
		"name",      "gender",     "ethnicity", "birth_date", "party",
		"education", "occupation", "employer",  "post",       NULL};
	struct buf sql = BUF_INIT_CAP(4096);
	struct tx t;
	struct db_params p;
	json_t *before = NULL, *after = NULL, *mb = NULL, *ma = NULL;
	char *phone = NULL, *idn = NULL, idx[65], path[160], level[16];
	const char *v;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = deputy_check_person(in, 1, e)))
		return rc;
	if (json_object_get(in, "mandate"))
		return err_field(e, E_INVALID, "unknown_field", "mandate", "代表资格请通过“新增代表资格”维护");
	db_params_init(&p);
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "deputies", id, "代表", load, &before) ||
	    (!role_can(a->role, PERM_DEPUTY_READ) &&
	     tx_fail(&t, E_FORBIDDEN, "forbidden", "您的角色不能维护代表信息")))
		goto out;
	/* Cross-field checks against the stored values for what is not being changed. */
	if ((v = jsonx_str(in, "id_number")) && *v &&
	    tx_check(&t, deputy_check_id_number(
				 v, jsonx_str_or(in, "birth_date", jsonx_str(before, "birth_date")),
				 jsonx_str_or(in, "gender", jsonx_str(before, "gender")), e)))
		goto out;
	buf_adds(&sql, "UPDATE deputies SET updated_at = ?");
	db_pi(&p, util_now());
	for (int i = 0; plain_fields[i]; i++) {
		if ((v = jsonx_str(in, plain_fields[i]))) {
			buf_addf(&sql, ", %s = ?", plain_fields[i]);
			db_ps(&p, v);
		}
	}
	if ((v = jsonx_str(in, "region_code"))) {
		if (tx_check(&t, region_info(t.c, a, v, "region_code", "所属区划", path,
					     sizeof(path), level, sizeof(level), e)))
			goto out;
		buf_adds(&sql, ", region_code = ?, region_path = ?");
		db_ps(&p, v);
		db_ps(&p, path);
	}
	if ((v = jsonx_str(in, "phone"))) {
		if (tx_check(&t, seal_opt(v, &phone, e)))
			goto out;
		buf_adds(&sql, ", phone_enc = ?");
		db_ps(&p, phone);
	}
	if ((v = jsonx_str(in, "id_number"))) {
		if (tx_check(&t, seal_opt(v, &idn, e)) || (*v && tx_check(&t, id_index(v, idx, e))))
			goto out;
		buf_adds(&sql, ", id_number_enc = ?, id_number_idx = ?");
		db_ps(&p, idn);
		db_ps(&p, *v ? idx : NULL);
	}
	buf_adds(&sql, " WHERE id = ?");
	db_pi(&p, id);
	if (buf_failed(&sql) && tx_fail(&t, E_INTERNAL, "too_long", "更新语句过长"))
		goto out;
	if (tx_check(&t, db_exec(t.c, sql.data, &p, NULL, e)) == E_CONFLICT && !strcmp(e->code, "duplicate"))
		err_field(e, E_CONFLICT, "duplicate_id_number", "id_number",
			  "该身份证号码已登记（与已有代表重复）");
	if (!tx_ok(&t) || tx_check(&t, load(t.c, a, id, &after, e)))
		goto out;
	mb = for_audit(before);
	ma = for_audit(after);
	tx_audit(&t, "deputy.update", "deputy", id, mb, ma);
out:
	free(phone);
	free(idn);
	buf_release(&sql);
	json_decref(before);
	json_decref(mb);
	json_decref(ma);
	return tx_end_reply(&t, "deputy", after, out);
}
int deputy_add_mandate(struct db *db, const struct actor *a, int64_t id, json_t *in, json_t **out,
		       struct err *e)
{
	struct tx t;
	json_t *before = NULL, *after = NULL;
	int64_t mid;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)) || (rc = tx_visible(db, a, id, load, e)) || (rc = check_mandate(in, e)))
		return rc;
	/* Every change of a deputy's mandates holds the deputy's row (see deputy_mandate_event). */
	tx_begin(&t, db, a, e);
	if (tx_hold(&t, "deputies", id, "代表", load, &before) ||
	    tx_check(&t, insert_mandate(t.c, a, id, in, &mid, e)) ||
	    tx_check(&t, load(t.c, a, id, &after, e)))
		goto out;
	tx_audit(&t, "deputy.mandate_add", "deputy", id, json_object_get(before, "mandates"),
		 json_object_get(after, "mandates"));
out:
	json_decref(before);
	return tx_end_reply(&t, "deputy", after, out);
}
int deputy_mandate_event(struct db *db, const struct actor *a, int64_t mandate_id, json_t *in,
			 json_t **out, struct err *e)
{
	static const struct jfield spec[] = {
		{"kind", JF_STR, 1, 1, 16, "变动类型"},
		{"happened_on", JF_STR, 1, 1, 10, "变动日期"},
		{"document", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "文件依据"},
		{"note", JF_STR, 0, 0, LIMIT_SHORT_CHARS, "备注"},
		{NULL, 0, 0, 0, 0, NULL}};
	struct tx t;
	struct db_res *r = NULL;
	json_t *before = NULL, *after = NULL;
	const char *kind, *date;
	int64_t deputy_id;
	int32_t day, start;
	int rc;

	*out = NULL;
	if ((rc = can_write(a, e)))
		return rc;
	tx_begin(&t, db, a, e);
	if (tx_exec(&t, &r, "SELECT deputy_id FROM mandates WHERE id = ?", "i", mandate_id) ||
	    (r->nrows == 0 && tx_fail(&t, E_NOTFOUND, "not_found", "代表资格不存在")))
		goto out;
	deputy_id = db_int(r, 0, 0);
	db_res_free(r);
	r = NULL;
	/* The deputy's row first: a death ends all of the deputy's mandates, so two events on the
	 * mandates of one deputy are ordered by it, not by the mandates' rows. The deputy is in
	 * scope before the body is read. */
	if (tx_lock(&t, "deputies", deputy_id, "代表") ||
	    tx_check(&t, load(t.c, a, deputy_id, &before, e)) || tx_check(&t, jsonx_check(in, spec, e)))
		goto out;
	kind = jsonx_str(in, "kind");
	date = jsonx_str(in, "happened_on");
	if ((!util_one_of(kind, ending_events) &&
	     tx_fail_field(&t, E_INVALID, "bad_kind", "kind",
			   "变动类型应为 resigned（辞职）、recalled（罢免）、terminated（资格终止）或 deceased（去世）")) ||
	    ((cal_parse(date, &day) || day > cal_today()) &&
	     tx_fail_field(&t, E_INVALID, "bad_date", "happened_on", "变动日期无效或晚于今天")) ||
	    tx_exec(&t, &r, "SELECT status, started_on FROM mandates WHERE id = ?", "i", mandate_id) ||
	    (strcmp(db_val(r, 0, 0), "active") &&
	     tx_fail(&t, E_CONFLICT, "bad_state", "该代表资格已经终止，不能再次变动")) ||
	    (cal_parse(db_val(r, 0, 1), &start) == 0 && day < start &&
	     tx_fail_field(&t, E_INVALID, "bad_date", "happened_on", "变动日期不能早于当选日期 %s",
			   db_val(r, 0, 1))))
		goto out;
	db_res_free(r);
	r = NULL;
	/* A death ends every current mandate of the person; other events end this one. */
	if (!strcmp(kind, "deceased"))
		tx_exec(&t, &r,
			"UPDATE mandates SET status = ?, ended_on = ?, updated_at = ?"
			" WHERE deputy_id = ? AND status = 'active' RETURNING id",
			"ssii", kind, date, util_now(), deputy_id);
	else
		tx_exec(&t, &r,
			"UPDATE mandates SET status = ?, ended_on = ?, updated_at = ?"
			" WHERE id = ? AND status = 'active' RETURNING id",
			"ssii", kind, date, util_now(), mandate_id);
	for (int i = 0; tx_ok(&t) && i < r->nrows; i++)
		tx_exec(&t, NULL,
			"INSERT INTO mandate_events (mandate_id, kind, happened_on, document,"
			" note, created_by, created_at) VALUES (?,?,?,?,?,?,?)",
			"issssni", db_int(r, i, 0), kind, date, jsonx_str_or(in, "document", ""),
			jsonx_str_or(in, "note", ""), a->account_id, util_now());
	if (!tx_ok(&t) || tx_check(&t, deputy_recount(t.c, deputy_id, e)) ||
	    tx_check(&t, load(t.c, a, deputy_id, &after, e)))
		goto out;
	tx_audit(&t, "deputy.status", "deputy", deputy_id, json_object_get(before, "mandates"),
		 json_object_get(after, "mandates"));
out:
	json_decref(before);
	db_res_free(r);
	return tx_end_reply(&t, "deputy", after, out);
}
/* ---- lists, rosters, statistics ---- */

/* The day a roster is read on: date ("YYYY-MM-DD", E_INVALID on "date" otherwise), or today when
 * it is not given; *day and its text in text (11 bytes). */
static int roster_day(const char *date, int32_t *day, char *text, struct err *e)
{
	if (!date || !*date)
		*day = cal_today();
	else if (cal_parse(date, day))
		return err_field(e, E_INVALID, "bad_param", "date", "日期应为 YYYY-MM-DD");
	cal_format(*day, text);
	return 0;
}

/* A filter on the age (years, when given, named field) on day: cond (one ?) with the birth date
 * that many years and extra more before day. */
static int age_filter(struct buf *w, struct db_params *p, const char *age, const char *field,
		      int32_t day, int extra, const char *cond, struct err *e)
{
	int64_t n;
	int y, m, d;
	char lim[11];

	if (!age || !*age)
		return 0;
	if (util_parse_i64(age, &n) || n < 0 || n > 150)
		return err_field(e, E_INVALID, "bad_param", field, "年龄应为0到150之间的整数");
	cal_ymd(day, &y, &m, &d);
	cal_format(cal_from_ymd(y - (int)n - extra, m, m == 2 && d == 29 ? 28 : d), lim);
	buf_adds(w, cond);
	db_ps_own(p, xstrdup(lim));
	return 0;
}

/* Appends the WHERE conditions of f (after "WHERE 1=1") with their parameters. The mandate
 * conditions are one EXISTS, so a deputy with several mandates is listed once. */
static int filter_sql(struct db_conn *c, const struct actor *a, const struct deputy_filter *f,
		      struct buf *w, struct db_params *p, struct err *e)
{
	char date[11];
	int32_t day;
	int rc, need_mandate = 0;
	const char *status = f->status && *f->status ? f->status : "active";

	if ((rc = rows_filter_scope(w, p, c, a, f->region, " AND d.region_path LIKE ?", NULL, 0, e)) ||
	    (rc = region_filter_congress(c, a, f->congress, e)))
		return rc;
	if ((rc = roster_day(f->date, &day, date, e)))
		return rc;
	if (f->gender && *f->gender) {
		if (strcmp(f->gender, "male") && strcmp(f->gender, "female"))
			return err_field(e, E_INVALID, "bad_param", "gender", "性别应为 male 或 female");
		buf_adds(w, " AND d.gender = ?");
		db_ps(p, f->gender);
	}
	if (f->minority && *f->minority) {
		buf_adds(w, strcmp(f->minority, "1") ? " AND d.ethnicity = '汉族'" : " AND d.ethnicity <> '汉族'");
	}
	if (f->party && *f->party) {
		if (!strcmp(f->party, "non_cpc")) {
			buf_adds(w, " AND d.party NOT IN ('中共党员','中共预备党员')");
		} else {
			buf_adds(w, " AND d.party = ?");
			db_ps(p, f->party);
		}
	}
	if (f->occupation && *f->occupation) {
		if (!util_one_of(f->occupation, deputy_occupations))
			return err_field(e, E_INVALID, "bad_param", "occupation", "代表构成类别无效");
		buf_adds(w, " AND d.occupation = ?");
		db_ps(p, f->occupation);
	}
	rows_filter_eq(w, p, f->education, " AND d.education = ?");
	/* Ages as of the date: born on or before date minus min years, after date minus max+1. */
	if ((rc = age_filter(w, p, f->age_min, "age_min", day, 0, " AND d.birth_date <= ?", e)) ||
	    (rc = age_filter(w, p, f->age_max, "age_max", day, 1, " AND d.birth_date > ?", e)))
		return rc;
	if ((rc = rows_filter_id(w, p, f->station,
				 " AND EXISTS (SELECT 1 FROM station_deputies sd WHERE sd.deputy_id = d.id"
				 " AND sd.station_id = ?)",
				 "station", "联络站编号", e)))
		return rc;
	/* Today's roster is what status 'active' says (ending events are never in the future), and
	 * deputies.active_levels holds it: no join unless a congress is named. A past date reads
	 * the mandates' dates. */
	if (!strcmp(status, "active") && day == cal_today()) {
		if (f->level && *f->level) {
			if (!util_one_of(f->level, deputy_levels))
				return err_field(e, E_INVALID, "bad_param", "level", "代表层级无效");
			buf_adds(w, " AND (d.active_levels & ?) <> 0");
			db_pi(p, level_bit(f->level));
		} else {
			buf_adds(w, " AND d.active_levels > 0");
		}
		if (!(f->congress && *f->congress) && !(f->term && *f->term) && !(f->group && *f->group))
			return 0;
		buf_adds(w, " AND d.id IN (SELECT m.deputy_id FROM mandates m WHERE m.status = 'active'");
		status = "current";
	} else {
		buf_adds(w, " AND EXISTS (SELECT 1 FROM mandates m WHERE m.deputy_id = d.id");
	}
	if (f->congress && *f->congress) {
		buf_adds(w, " AND m.region_code = ?");
		db_ps(p, f->congress);
		need_mandate = 1;
	}
	if (f->level && *f->level) {
		if (!util_one_of(f->level, deputy_levels))
			return err_field(e, E_INVALID, "bad_param", "level", "代表层级无效");
		buf_adds(w, " AND m.level = ?");
		db_ps(p, f->level);
	}
	if (f->term && *f->term) {
		int64_t t;
		if (util_parse_i64(f->term, &t) || t < 1 || t > 99)
			return err_field(e, E_INVALID, "bad_param", "term", "届次应为1到99之间的整数");
		buf_adds(w, " AND m.term = ?");
		db_pi(p, t);
	}
	if ((rc = rows_filter_id(w, p, f->group, " AND m.group_id = ?", "group", "代表小组编号", e)))
		return rc;
	if (!strcmp(status, "current")) {
		/* already limited to active mandates */
	} else if (!strcmp(status, "active")) {
		/* on the roster at the date */
		buf_adds(w, " AND m.started_on <= ? AND (m.ended_on IS NULL OR m.ended_on > ?)");
		db_ps_own(p, xstrdup(date));
		db_ps_own(p, xstrdup(date));
	} else if (strcmp(status, "all")) {
		if (!util_one_of(status, ending_events))
			return err_field(e, E_INVALID, "bad_param", "status",
					 "状态应为 active、resigned、recalled、terminated、deceased 或 all");
		buf_adds(w, " AND m.status = ?");
		db_ps(p, status);
	}
	buf_adds(w, ")");
	(void)need_mandate;
	return 0;
}


int deputy_find_name(struct db_conn *c, const struct actor *a, const char *q, json_t *items, struct err *e)
{
	static const char *const search[] = {"d.name", NULL};
	static const struct col cols[] = {
		{"id", COL_INT}, {"name", COL_STR}, {"employer", COL_STR}, {"post", COL_STR}, {NULL, 0}};
	struct deputy_filter f = {.status = "all"};
	struct buf w = BUF_INIT_CAP(4096), sql = BUF_INIT_CAP(4300);
	struct db_params p;
	struct db_res *r = NULL;
	int rc;

	if (!q || !*q || !role_can(a->role, PERM_DEPUTY_READ))
		return 0;
	db_params_init(&p);
	buf_adds(&w, " WHERE 1=1");
	if (!(rc = filter_sql(c, a, &f, &w, &p, e))) {
		rows_filter_search(&w, &p, q, search);
		buf_addf(&sql, "SELECT d.id, d.name, d.employer, d.post FROM deputies d%s ORDER BY d.name, d.id LIMIT %d",
			 w.data, LIMIT_FIND_RESULTS);
		if (buf_failed(&sql))
			rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长");
		else if (!(rc = db_exec(c, sql.data, &p, &r, e)))
			for (int i = 0; i < r->nrows; i++)
				json_array_append_new(items, rows_object(r, i, cols));
	}
	db_res_free(r);
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	return rc;
}

int deputy_list(struct db *db, const struct actor *a, const struct deputy_filter *f,
		const struct listq *q, json_t **out, struct err *e)
{
	static const char *const sorts[] = {"name", "birth_date", "created_at", "id", NULL};
	static const char *const search[] = {"d.name", "d.employer", NULL};
	struct buf w = BUF_INIT_CAP(4096), sql;
	struct db_conn *c;
	struct db_params p;
	struct db_res *r = NULL, *ms = NULL, *ids = NULL;
	char order[64], full[96];
	json_t *items = NULL, *byId = NULL;
	int64_t total;
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_DEPUTY_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表名册");
	if ((rc = rows_order(q->sort, sorts, "name ASC", order, sizeof(order), e)))
		return rc;
	c = db_acquire(db);
	db_params_init(&p);
	buf_init(&sql, 0);
	buf_adds(&w, " WHERE 1=1");
	if ((rc = db_begin_read(c, e)) || (rc = filter_sql(c, a, f, &w, &p, e)))
		goto out;
	rows_filter_search(&w, &p, q->q, search);
	/* The page's ids first, sorted over the narrow covering index; then only those rows. */
	snprintf(full, sizeof(full), "d.%s, d.id", order);
	if ((rc = rows_where_ok(&w, e)) || (rc = rows_page(c, "deputies d", "SELECT d.id FROM deputies d",
							   w.data, &p, full, q, &total, &ids, e)))
		goto out;
	/* The id lists below hold the whole page (an export's page is the whole roster). */
	buf_init(&sql, 1024 + (size_t)ids->nrows * 24);
	buf_adds(&sql, "SELECT " PERSON_COLS PERSON_FROM " WHERE d.id IN (0");
	for (int i = 0; i < ids->nrows; i++)
		buf_addf(&sql, ",%lld", (long long)db_int(ids, i, 0));
	buf_adds(&sql, ")");
	if ((buf_failed(&sql) && (rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长"))) ||
	    (rc = db_exec(c, sql.data, NULL, &r, e)))
		goto out;
	items = json_array();
	byId = json_object();
	for (int i = 0; i < r->nrows; i++) {
		json_t *o = person_json(r, i, 0, 0);
		json_object_set_new(o, "mandates", json_array());
		json_object_set_new(byId, db_val(r, i, 0), o);
	}
	buf_reset(&sql);
	buf_adds(&sql,
		 "SELECT m.deputy_id, m.level, m.term, rg.name, m.status, m.region_code, m.constituency,"
		 " m.started_on FROM mandates m JOIN regions rg ON rg.code = m.region_code WHERE m.deputy_id IN (0");
	for (int i = 0; i < ids->nrows; i++) {
		json_t *o = json_object_get(byId, db_val(ids, i, 0));
		if (o)
			json_array_append(items, o); /* in the sorted order */
		buf_addf(&sql, ",%lld", (long long)db_int(ids, i, 0));
	}
	buf_adds(&sql, ") ORDER BY m.started_on DESC");
	if ((buf_failed(&sql) && (rc = err_set(e, E_INTERNAL, "too_long", "查询语句过长"))) ||
	    (rc = db_exec(c, sql.data, NULL, &ms, e)))
		goto out;
	for (int i = 0; i < ms->nrows; i++) {
		json_t *o = json_object_get(byId, db_val(ms, i, 0));
		if (o)
			json_array_append_new(
				json_object_get(o, "mandates"),
				json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}", "level",
					  db_val(ms, i, 1), "term", (json_int_t)db_int(ms, i, 2),
					  "region_name", db_val(ms, i, 3), "status", db_val(ms, i, 4),
					  "region_code", db_val(ms, i, 5), "constituency",
					  db_val(ms, i, 6), "started_on", db_val(ms, i, 7)));
	}
	*out = json_pack("{s:O, s:I, s:i, s:i}", "items", items, "total", (json_int_t)total, "page",
			 q->page, "per_page", q->per_page);
out:
	db_params_release(&p);
	json_decref(items);
	json_decref(byId);
	db_res_free(r);
	db_res_free(ms);
	db_res_free(ids);
	buf_release(&w);
	buf_release(&sql);
	db_rollback(c);
	db_release(db, c);
	return rc;
}

int deputy_roster_count(struct db_conn *c, const char *region, const char *level, int term,
			const char *date, int64_t *count, struct err *e)
{
	struct db_params p;
	struct db_res *r;
	int rc;

	db_params_init(&p);
	db_ps(&p, region);
	db_ps(&p, level);
	db_ps(&p, date);
	db_ps(&p, date);
	if (term > 0)
		db_pi(&p, term);
	if ((rc = db_exec(c,
			  term > 0 ? "SELECT COUNT(*) FROM mandates WHERE region_code = ? AND level = ?"
				     " AND started_on <= ? AND (ended_on IS NULL OR ended_on > ?) AND term = ?"
				   : "SELECT COUNT(*) FROM mandates WHERE region_code = ? AND level = ?"
				     " AND started_on <= ? AND (ended_on IS NULL OR ended_on > ?)",
			  &p, &r, e)))
		return rc;
	*count = db_int(r, 0, 0);
	db_res_free(r);
	return 0;
}

int deputy_roster(struct db *db, const struct actor *a, const char *region, const char *level,
		  const char *term, const char *date, json_t **out, struct err *e)
{
	struct deputy_filter f = {0};
	struct listq q = {1, 100000, NULL, "name"};
	char day[11];
	int32_t d;
	json_t *list = NULL;
	int rc;

	*out = NULL;
	if (!region || !*region || !level || !*level)
		return err_set(e, E_INVALID, "missing_field",
			       "请指定人大所在区划（congress）和代表层级（level）");
	if ((rc = roster_day(date, &d, day, e)))
		return rc;
	f.congress = region;
	f.level = level;
	f.term = term;
	f.date = day;
	f.status = "active";
	if ((rc = deputy_list(db, a, &f, &q, &list, e)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:O, s:O}", "congress", region, "level", level, "date", day, "count",
			 json_object_get(list, "total"), "members", json_object_get(list, "items"));
	json_decref(list);
	return 0;
}

/* Tallies of one statistics scan. */
struct tally {
	const char *b35, *b45, *b55, *b65; /* birth-date limits of the age bands */
	int64_t total, women, minorities, non_cpc, occ[6], ages[5];
	int64_t party[16], education[8], ethnicity[64];
};

static int tally_row(void *ctx, int n, const char *const *c)
{
	struct tally *t = ctx;
	int i;
	const char *birth = c[5] ? c[5] : "";
	(void)n;
	t->total++;
	t->women += c[0] && !strcmp(c[0], "female");
	t->minorities += c[1] && strcmp(c[1], "汉族") != 0;
	if ((i = util_index_of(c[2], deputy_occupations)) >= 0)
		t->occ[i]++;
	if ((i = util_index_of(c[3], deputy_parties)) >= 0)
		t->party[i]++;
	t->non_cpc += !(c[3] && (!strcmp(c[3], "中共党员") || !strcmp(c[3], "中共预备党员")));
	if ((i = util_index_of(c[4], deputy_educations)) >= 0)
		t->education[i]++;
	if ((i = util_index_of(c[1], deputy_ethnicities)) >= 0)
		t->ethnicity[i]++;
	if (strcmp(birth, t->b35) > 0)
		t->ages[0]++;
	else if (strcmp(birth, t->b45) > 0)
		t->ages[1]++;
	else if (strcmp(birth, t->b55) > 0)
		t->ages[2]++;
	else if (strcmp(birth, t->b65) > 0)
		t->ages[3]++;
	else
		t->ages[4]++;
	return 0;
}

static json_t *breakdown(const int64_t *counts, const char *const *names)
{
	json_t *arr = json_array();
	for (int i = 0; names[i]; i++)
		if (counts[i])
			json_array_append_new(arr, json_pack("{s:s, s:I}", "name", names[i],
							     "count", (json_int_t)counts[i]));
	return arr;
}

int deputy_stats(struct db *db, const struct actor *a, const struct deputy_filter *f, json_t **out,
		 struct err *e)
{
	static const char *const bands[][2] = {
		{"under_35", "35岁以下"},
		{"35_44", "35-44岁"},
		{"45_54", "45-54岁"},
		{"55_64", "55-64岁"},
		{"65_plus", "65岁及以上"}};
	static const char *const keys[] = {"workers",   "farmers",  "professionals",
					   "officials", "military", "others"};
	struct buf w = BUF_INIT_CAP(4096), sql = BUF_INIT_CAP(8192);
	struct db_conn *c;
	struct db_params p;
	struct deputy_filter ff = *f;
	struct tally t;
	char date[11], b35[11], b45[11], b55[11], b65[11];
	int32_t day;
	int y, m, d, rc;
	json_t *counts, *shares, *ages, *bd;

	*out = NULL;
	if (!role_can(a->role, PERM_DEPUTY_READ))
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能查看代表构成");
	if ((rc = roster_day(f->date, &day, date, e)))
		return rc;
	ff.date = date;
	ff.status = "active";
	cal_ymd(day, &y, &m, &d);
	if (m == 2 && d == 29)
		d = 28;
	cal_format(cal_from_ymd(y - 35, m, d), b35);
	cal_format(cal_from_ymd(y - 45, m, d), b45);
	cal_format(cal_from_ymd(y - 55, m, d), b55);
	cal_format(cal_from_ymd(y - 65, m, d), b65);
	memset(&t, 0, sizeof(t));
	t.b35 = b35;
	t.b45 = b45;
	t.b55 = b55;
	t.b65 = b65;
	c = db_acquire(db);
	db_params_init(&p);
	buf_adds(&w, " WHERE 1=1");
	if ((rc = db_begin_read(c, e)) || (rc = filter_sql(c, a, &ff, &w, &p, e)))
		goto out;
	/* One pass over the covering index, tallied here: cheaper than an aggregate per measure. */
	buf_addf(&sql,
		 "SELECT d.gender, d.ethnicity, d.occupation, d.party, d.education, d.birth_date"
		 " FROM deputies d%s",
		 w.data);
	if ((buf_failed(&w) || buf_failed(&sql)) &&
	    (rc = err_set(e, E_INTERNAL, "too_long", "查询条件过长")))
		goto out;
	if ((rc = db_each(c, sql.data, &p, tally_row, &t, e)))
		goto out;
	counts = json_pack("{s:I, s:I, s:I, s:I}", "women", (json_int_t)t.women, "minorities",
			   (json_int_t)t.minorities, "non_cpc", (json_int_t)t.non_cpc,
			   "workers_and_farmers", (json_int_t)(t.occ[0] + t.occ[1]));
	for (int i = 0; i < 6; i++)
		json_object_set_new(counts, keys[i], json_integer(t.occ[i]));
	shares = json_object();
	{
		const char *k;
		json_t *v;
		json_object_foreach(counts, k, v)
			json_object_set_new(
				shares, k,
				json_real(t.total ? (double)json_integer_value(v) / (double)t.total : 0));
	}
	ages = json_array();
	for (int i = 0; i < 5; i++)
		json_array_append_new(ages, json_pack("{s:s, s:s, s:I}", "band", bands[i][0], "label",
						      bands[i][1], "count", (json_int_t)t.ages[i]));
	bd = json_pack("{s:o, s:o, s:o}", "party", breakdown(t.party, deputy_parties), "education",
		       breakdown(t.education, deputy_educations), "ethnicity",
		       breakdown(t.ethnicity, deputy_ethnicities));
	*out = json_pack("{s:{s:s, s:I, s:o, s:o, s:o, s:o}}", "stats", "date", date, "total",
			 (json_int_t)t.total, "counts", counts, "shares", shares, "age_bands", ages,
			 "breakdown", bd);
out:
	db_params_release(&p);
	buf_release(&w);
	buf_release(&sql);
	db_rollback(c);
	db_release(db, c);
	return rc;
}
