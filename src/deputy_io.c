#include "deputy_io.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "audit.h"
#include "calendar.h"
#include "crypto.h"
#include "jsonx.h"
#include "limit.h"
#include "role.h"
#include "rows.h"
#include "tx.h"

/* The columns an office's roster has, in the template's order. */
enum column {
	C_NAME,
	C_GENDER,
	C_ETHNICITY,
	C_BIRTH,
	C_PARTY,
	C_EDUCATION,
	C_OCCUPATION,
	C_EMPLOYER,
	C_POST,
	C_PHONE,
	C_ID,
	C_REGION,
	C_LEVEL,
	C_TERM,
	C_CONGRESS,
	C_CONSTITUENCY,
	C_STARTED,
	NCOLS
};

static const struct {
	const char *header, *field; /* field: the API field it fills, for error messages */
	int required;
	const char *example;
} columns[NCOLS] = {
	{"姓名", "name", 1, "张三"},
	{"性别", "gender", 1, "男"},
	{"民族", "ethnicity", 1, "汉族"},
	{"出生日期", "birth_date", 1, "1975-06-18"},
	{"政治面貌", "party", 1, "中共党员"},
	{"学历", "education", 0, "大学本科"},
	{"代表构成类别", "occupation", 1, "农民"},
	{"工作单位", "employer", 0, "松岭镇农业专业合作社"},
	{"职务", "post", 0, "社长"},
	{"联系电话", "phone", 0, "13800000000"},
	{"身份证号码", "id_number", 0, ""},
	{"所属区划代码", "region_code", 1, "329981101"},
	{"代表层级", "mandate.level", 1, "乡镇"},
	{"届次", "mandate.term", 1, "18"},
	{"人大所在区划代码", "mandate.region_code", 1, "329981101"},
	{"选区", "mandate.constituency", 0, "第3选区"},
	{"当选日期", "mandate.started_on", 1, "2021-11-20"},
};

static const char *const occupation_labels[][2] = {
	{"worker", "工人"},       {"farmer", "农民"},     {"professional", "专业技术人员"},
	{"official", "党政干部"}, {"military", "解放军"}, {"other", "其他"}};
static const char *const level_labels[][2] = {
	{"township", "乡镇"}, {"county", "县级"}, {"city", "市级"}, {"province", "省级"}, {"national", "全国"}};

static const char *code_of(const char *label, const char *const (*map)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(map[i][1], label) || !strcmp(map[i][0], label))
			return map[i][0];
	/* "县" for "县级", "市" for "市级" */
	for (size_t i = 0; i < n; i++)
		if (!strncmp(map[i][1], label, strlen(label)) && *label)
			return map[i][0];
	return NULL;
}

static const char *label_of(const char *code, const char *const (*map)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(map[i][0], code))
			return map[i][1];
	return code;
}

int deputy_io_template(enum sheet_format fmt, char **out, size_t *len, struct err *e)
{
	struct sheet s;
	const char *row[NCOLS];
	int rc;

	sheet_init(&s);
	for (int i = 0; i < NCOLS; i++)
		row[i] = columns[i].header;
	sheet_add_row(&s, row, NCOLS);
	for (int i = 0; i < NCOLS; i++)
		row[i] = columns[i].example;
	sheet_add_row(&s, row, NCOLS);
	rc = sheet_write(&s, fmt, "代表名册", out, len, e);
	sheet_release(&s);
	return rc;
}

/* "1975/6/8", "1975.6.8", "1975-6-8" → "1975-06-08"; an Excel serial day number (a date cell
 * whose style was lost, "27553" → "1975-06-08", 1900 date system) likewise; anything else is
 * copied as it is. */
static void normalise_date(const char *in, char *out, size_t n)
{
	int y, m, d;
	char sep1, sep2, rest;
	int64_t serial;
	if (sscanf(in, "%4d%c%2d%c%2d%c", &y, &sep1, &m, &sep2, &d, &rest) == 5 && sep1 == sep2 &&
	    (sep1 == '/' || sep1 == '.' || sep1 == '-'))
		snprintf(out, n, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	else if (strlen(in) == 5 && !util_parse_i64(in, &serial) && serial >= 10000 && n >= 11)
		cal_format((int32_t)(serial - 25569), out); /* serial 25569 is 1970-01-01 */
	else
		snprintf(out, n, "%s", in);
}

/* Trims blanks (also the full-width space U+3000) at both ends into a new string. */
static char *trimmed(const char *s)
{
	size_t n;
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (!strncmp(s, "\xe3\x80\x80", 3))
			s += 3;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
			n--;
		else if (n >= 3 && !strncmp(s + n - 3, "\xe3\x80\x80", 3))
			n -= 3;
		else
			break;
	}
	return xstrndup(s, n);
}

struct rowerr {
	json_t *list;
	int count;    /* errors */
	int bad_rows; /* rows with at least one error */
	size_t last_row;
};

/* Rows are checked in order, so a row's errors come together. */
static void add_error(struct rowerr *re, size_t row, const char *column, const char *msg)
{
	if (!re)
		return;
	if (re->bad_rows == 0 || re->last_row != row) {
		re->bad_rows++;
		re->last_row = row;
	}
	/* Reports are for people: a few hundred errors are enough to act on. */
	if (re->count++ < 500)
		json_array_append_new(re->list, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)row + 1,
							  "column", column, "message", msg));
}

static const char *column_for_field(const char *field)
{
	for (int i = 0; i < NCOLS; i++)
		if (!strcmp(columns[i].field, field))
			return columns[i].header;
	return "";
}

/* One row of the sheet as the API's person object (owned by the caller), without the cells
 * that cannot be converted: those are added to re (when re is not NULL) and *bad is set. Empty
 * optional cells are left out. */
static json_t *row_person(const struct sheet *s, size_t row, const int *map, struct rowerr *re, int *bad_out)
{
	json_t *p = json_object(), *m = json_object();
	int bad = 0;

	for (int c = 0; c < NCOLS; c++) {
		char *v = map[c] >= 0 ? trimmed(sheet_cell(s, row, (size_t)map[c])) : xstrdup("");
		const char *val = v;
		char date[16];
		const char *field = columns[c].field;
		int in_mandate = !strncmp(field, "mandate.", 8);

		if (!*v) {
			if (columns[c].required) {
				char msg[96];
				snprintf(msg, sizeof(msg), "请填写%s", columns[c].header);
				add_error(re, row, columns[c].header, msg);
				bad = 1;
			}
			free(v);
			continue;
		}
		switch (c) {
		case C_GENDER:
			val = !strcmp(v, "男") ? "male" : !strcmp(v, "女") ? "female" : v;
			break;
		case C_OCCUPATION:
			val = code_of(v, occupation_labels, ARRAY_LEN(occupation_labels));
			if (!val) {
				add_error(re, row, columns[c].header,
					  "代表构成类别应为 工人、农民、专业技术人员、党政干部、解放军 或 其他");
				bad = 1;
			}
			break;
		case C_LEVEL:
			val = code_of(v, level_labels, ARRAY_LEN(level_labels));
			if (!val) {
				add_error(re, row, columns[c].header,
					  "代表层级应为 乡镇、县级、市级、省级 或 全国");
				bad = 1;
			}
			break;
		case C_BIRTH:
		case C_STARTED:
			normalise_date(v, date, sizeof(date));
			val = date;
			break;
		case C_TERM: {
			int64_t t;
			if (util_parse_i64(v, &t) || t < 1 || t > 99) {
				add_error(re, row, columns[c].header, "届次应为1到99之间的数字");
				bad = 1;
			} else {
				json_object_set_new(m, "term", json_integer(t));
			}
			free(v);
			continue;
		}
		default:
			break;
		}
		if (val)
			json_object_set_new(in_mandate ? m : p, in_mandate ? field + 8 : field,
					    json_string(val));
		free(v);
	}
	json_object_set_new(m, "kind", json_string("elected"));
	json_object_set_new(p, "mandate", m);
	*bad_out = bad;
	return p;
}

/* The template's example row as a person: valid, so that one field of a row put into it is
 * checked alone. Owned by the caller. */
static json_t *example_person(void)
{
	struct sheet s;
	const char *row[NCOLS];
	int map[NCOLS], bad = 0;
	json_t *p;
	sheet_init(&s);
	for (int c = 0; c < NCOLS; c++) {
		row[c] = columns[c].example;
		map[c] = c;
	}
	sheet_add_row(&s, row, NCOLS);
	p = row_person(&s, 0, map, NULL, &bad);
	sheet_release(&s);
	return p;
}

/* The value of column c in a person (borrowed), or NULL. */
static json_t *person_value(json_t *p, int c)
{
	const char *f = columns[c].field;
	if (!strncmp(f, "mandate.", 8))
		return json_object_get(json_object_get(p, "mandate"), f + 8);
	return json_object_get(p, f);
}

static void person_put(json_t *p, int c, json_t *v)
{
	const char *f = columns[c].field;
	if (!strncmp(f, "mandate.", 8))
		json_object_set(json_object_get(p, "mandate"), f + 8, v);
	else
		json_object_set(p, f, v);
}

/* Checks every field of a row's person and adds an error for each bad one (row and column), not
 * only the first: each field is checked alone inside the valid example (the ID number with the
 * row's own birth date and gender when those are good), then, when all are good, the whole
 * person for what spans fields. 1 when the row has an error. */
static int check_row(json_t *person, json_t *example, size_t row, int bad, struct rowerr *re)
{
	int good[NCOLS];
	for (int c = 0; c < NCOLS; c++) {
		json_t *v = person_value(person, c), *one;
		struct err ce = {0};
		good[c] = 0;
		if (!v)
			continue;
		one = json_deep_copy(example);
		person_put(one, c, v);
		if (c == C_ID) {
			json_object_del(one, "birth_date");
			json_object_del(one, "gender");
			if (good[C_BIRTH])
				person_put(one, C_BIRTH, person_value(person, C_BIRTH));
			if (good[C_GENDER])
				person_put(one, C_GENDER, person_value(person, C_GENDER));
		}
		if (deputy_check_person(one, 0, &ce)) {
			add_error(re, row, columns[c].header, ce.msg);
			bad = 1;
		} else {
			good[c] = 1;
		}
		json_decref(one);
	}
	if (!bad) {
		struct err ce = {0};
		if (deputy_check_person(person, 0, &ce)) {
			add_error(re, row, column_for_field(ce.field), ce.msg);
			bad = 1;
		}
	}
	return bad;
}

/* The header's row: the first of the first few rows with a 姓名 cell, so that a title typed
 * above the header (often merged across the columns) is passed over; else the first row. */
static size_t header_row(const struct sheet *s)
{
	for (size_t r = 0; r < s->nrows && r < 10; r++) {
		for (size_t i = 0; i < s->ncols[r]; i++) {
			char *h = trimmed(sheet_cell(s, r, i));
			int found = !strcmp(h, columns[C_NAME].header);
			free(h);
			if (found)
				return r;
		}
	}
	for (size_t r = 0; r < s->nrows; r++)
		if (s->ncols[r])
			return r;
	return 0;
}

/* Maps template columns to the sheet's columns by the header's text (in row *hrow, found
 * here). */
static int read_header(const struct sheet *s, int *map, size_t *hrow, struct err *e)
{
	size_t r;
	for (int c = 0; c < NCOLS; c++)
		map[c] = -1;
	if (s->nrows == 0)
		return err_set(e, E_INVALID, "empty_file", "文件中没有数据");
	r = *hrow = header_row(s);
	for (size_t i = 0; i < s->ncols[r]; i++) {
		char *h = trimmed(sheet_cell(s, r, i));
		int known = !*h;
		for (int c = 0; c < NCOLS; c++) {
			if (!strcmp(h, columns[c].header)) {
				if (map[c] >= 0) {
					err_set(e, E_INVALID, "bad_header",
						"第%zu行的列“%s”出现了两次", r + 1, h);
					free(h);
					return E_INVALID;
				}
				map[c] = (int)i;
				known = 1;
			}
		}
		if (!known) {
			err_set(e, E_INVALID, "bad_header",
				"第%zu行有无法识别的列“%s”，请使用导入模板", r + 1, h);
			free(h);
			return E_INVALID;
		}
		free(h);
	}
	for (int c = 0; c < NCOLS; c++)
		if (columns[c].required && map[c] < 0)
			return err_set(e, E_INVALID, "bad_header",
				       "缺少必需的列“%s”，请使用导入模板", columns[c].header);
	return 0;
}

static int row_empty(const struct sheet *s, size_t row)
{
	for (size_t i = 0; i < s->ncols[row]; i++) {
		const char *v = s->cells[row][i];
		for (; v && *v; v++)
			if (*v != ' ' && *v != '\t')
				return 0;
	}
	return 1;
}

/* Inserts each person inside the caller's transaction, each under a savepoint so that one bad
 * row does not abort the rest; errors are collected with their sheet row. */
static int insert_rows(struct db_conn *c, const struct actor *a, json_t *people, json_t *rownos,
		       struct rowerr *re, io_progress progress, struct err *e)
{
	size_t i, n = json_array_size(people);
	json_t *p;
	int rc;

	json_array_foreach(people, i, p) {
		struct err re1 = {0};
		int64_t id;
		if ((rc = db_exec(c, "SAVEPOINT import_row", NULL, NULL, e)))
			return rc;
		if (deputy_insert(c, a, p, &id, &re1)) {
			if (re1.kind == E_DB || re1.kind == E_INTERNAL || re1.kind == E_UNAVAILABLE) {
				*e = re1;
				return re1.kind;
			}
			/* A constraint's text is the database's (tables, columns): the row says only that
			 * its data does not fit. */
			add_error(re, (size_t)json_integer_value(json_array_get(rownos, i)),
				  column_for_field(re1.field),
				  strcmp(re1.code, "constraint") ? re1.msg : "该行数据不符合要求，请检查后重试");
			if ((rc = db_exec(c, "ROLLBACK TO SAVEPOINT import_row", NULL, NULL, e)))
				return rc;
		}
		if ((rc = db_exec(c, "RELEASE SAVEPOINT import_row", NULL, NULL, e)))
			return rc;
		if (progress && (i % 200 == 0 || i + 1 == n))
			progress((int)i + 1, (int)n);
	}
	return 0;
}

int deputy_io_preview(struct db *db, const struct actor *a, const char *data, size_t len,
		      io_progress progress, json_t **out, struct err *e)
{
	enum sheet_format fmt;
	struct sheet s;
	struct rowerr re = {json_array(), 0, 0, 0};
	struct db_conn *c;
	struct db_res *r = NULL;
	json_t *people = json_array(), *rownos = json_array(), *shown = json_array(),
	       *import_id = json_null();
	char *text = NULL, *sealed = NULL;
	int map[NCOLS], rc;
	size_t total = 0, hrow = 0;
	json_t *example = example_person();

	*out = NULL;
	sheet_init(&s);
	if (!role_can(a->role, PERM_DEPUTY_WRITE)) {
		rc = err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能导入代表");
		goto out;
	}
	if ((rc = sheet_detect(data, len, &fmt, e)) ||
	    (rc = sheet_read(data, len, fmt, LIMIT_IMPORT_ROWS + 1, &s, e)) ||
	    (rc = read_header(&s, map, &hrow, e)))
		goto out;
	for (size_t row = hrow + 1; row < s.nrows; row++) {
		json_t *person;
		int bad = 0;
		if (row_empty(&s, row))
			continue;
		total++;
		person = row_person(&s, row, map, &re, &bad);
		if (check_row(person, example, row, bad, &re)) {
			json_decref(person);
			continue;
		}
		json_array_append_new(people, person);
		json_array_append_new(rownos, json_integer((json_int_t)row));
		if (json_array_size(shown) < 20)
			json_array_append(shown, person);
	}
	if (total == 0) {
		rc = err_set(e, E_INVALID, "empty_file", "文件中除表头外没有数据行");
		goto out;
	}
	/* A dry run inside a transaction that is rolled back finds what only the database knows:
	 * unknown or out-of-scope regions, ID numbers already registered or repeated in the file. */
	c = db_acquire(db);
	rc = db_begin(c, e);
	if (!rc)
		rc = insert_rows(c, a, people, rownos, &re, progress, e);
	db_rollback(c);
	db_release(db, c);
	if (rc)
		goto out;
	/* Nothing was kept: the sealed rows wait for the confirmation as an import batch. */
	if (re.count == 0) {
		struct tx t;
		text = json_dumps(people, JSON_COMPACT);
		if ((rc = crypto_seal(text, &sealed, e)))
			goto out;
		tx_begin(&t, db, a, e);
		tx_exec(&t, &r,
			"INSERT INTO imports (kind, region_code, created_by, created_at, status, row_count, payload)"
			" VALUES ('deputies',?,?,?,'preview',?,?) RETURNING id",
			"sniis", a->region_code, a->account_id, util_now(),
			(int64_t)json_array_size(people), sealed);
		if ((rc = tx_end(&t)))
			goto out;
		json_decref(import_id);
		import_id = json_integer(db_int(r, 0, 0));
	}
	/* The preview shows phones and ID numbers masked, as lists do. */
	{
		size_t i;
		json_t *o;
		json_array_foreach(shown, i, o) {
			char m[48];
			if (jsonx_str(o, "phone")) {
				crypto_mask_phone(jsonx_str(o, "phone"), m, sizeof(m));
				json_object_set_new(o, "phone", json_string(m));
			}
			if (jsonx_str(o, "id_number")) {
				crypto_mask_id(jsonx_str(o, "id_number"), m, sizeof(m));
				json_object_set_new(o, "id_number", json_string(m));
			}
		}
	}
	*out = json_pack("{s:{s:O, s:I, s:I, s:I, s:O, s:O}}", "preview", "import_id", import_id,
			 "total", (json_int_t)total, "valid", (json_int_t)(total - (size_t)re.bad_rows),
			 "error_count", (json_int_t)re.count, "errors", re.list, "rows", shown);
out:
	sheet_release(&s);
	free(text);
	free(sealed);
	db_res_free(r);
	json_decref(re.list);
	json_decref(people);
	json_decref(rownos);
	json_decref(shown);
	json_decref(import_id);
	json_decref(example);
	return rc;
}

int deputy_io_confirm(struct db *db, const struct actor *a, int64_t import_id, io_progress progress,
		      json_t **out, struct err *e)
{
	struct rowerr re = {json_array(), 0, 0, 0};
	struct tx t;
	struct db_res *r = NULL;
	json_t *people = NULL, *rownos = NULL, *summary = NULL;
	char *text = NULL;
	int rc;

	*out = NULL;
	if (!role_can(a->role, PERM_DEPUTY_WRITE)) {
		json_decref(re.list);
		return err_set(e, E_FORBIDDEN, "forbidden", "您的角色不能导入代表");
	}
	/* The batch's row is locked: a second confirmation waits, then finds it imported. */
	tx_begin(&t, db, a, e);
	if (tx_lock(&t, "imports", import_id, "导入批次") ||
	    tx_exec(&t, &r, "SELECT created_by, status, payload, row_count FROM imports WHERE id = ? AND kind = 'deputies'",
		    "i", import_id) ||
	    /* Only the account that previewed the file may import it. */
	    ((r->nrows == 0 || db_int(r, 0, 0) != a->account_id) &&
	     tx_fail(&t, E_NOTFOUND, "not_found", "导入批次不存在")) ||
	    (strcmp(db_val(r, 0, 1), "preview") &&
	     tx_fail(&t, E_CONFLICT, "already_imported", "该批次已经导入，不能重复导入")) ||
	    tx_check(&t, crypto_open(db_val(r, 0, 2), &text, e)))
		goto out;
	people = json_loads(text, 0, NULL);
	if (!json_is_array(people) && tx_fail(&t, E_INTERNAL, "bad_import", "导入批次数据损坏"))
		goto out;
	rownos = json_array();
	for (size_t i = 0; i < json_array_size(people); i++)
		json_array_append_new(rownos, json_integer((json_int_t)i + 1));
	if (tx_check(&t, insert_rows(t.c, a, people, rownos, &re, progress, e)))
		goto out;
	/* Something changed since the preview (another import, an edit): nothing is kept. */
	if (re.count && tx_fail(&t, E_CONFLICT, "import_conflict",
				"导入失败，数据自预览后已发生变化：%s，请重新上传预览",
				jsonx_str(json_array_get(re.list, 0), "message")))
		goto out;
	summary = json_pack("{s:I, s:I}", "import_id", (json_int_t)import_id, "rows",
			    (json_int_t)json_array_size(people));
	tx_exec(&t, NULL, "UPDATE imports SET status = 'done', payload = '' WHERE id = ? AND status = 'preview'",
		"i", import_id);
	tx_expect_one(&t);
	tx_audit(&t, "deputy.import", "import", import_id, NULL, summary);
out:
	if (!(rc = tx_end(&t)))
		*out = json_pack("{s:I}", "imported", (json_int_t)json_array_size(people));
	if (text) {
		sodium_memzero(text, strlen(text));
		free(text);
	}
	json_decref(summary);
	json_decref(people);
	json_decref(rownos);
	json_decref(re.list);
	db_res_free(r);
	return rc;
}

int deputy_io_export(struct db *db, const struct actor *a, const struct deputy_filter *f,
		     const struct listq *lq, enum sheet_format fmt, char **out, size_t *len, struct err *e)
{
	/* The same rows as the list on screen, all of them. */
	struct listq q = {1, 200000, lq ? lq->q : NULL, lq && lq->sort ? lq->sort : "name"};
	struct sheet s;
	json_t *list = NULL, *o;
	const char *row[NCOLS + 1];
	size_t i;
	int rc;

	sheet_init(&s);
	if ((rc = deputy_list(db, a, f, &q, &list, e)))
		return rc;
	for (int c = 0; c < NCOLS; c++)
		row[c] = columns[c].header;
	row[NCOLS] = "状态";
	sheet_add_row(&s, row, NCOLS + 1);
	json_array_foreach(json_object_get(list, "items"), i, o) {
		json_t *m = json_array_get(json_object_get(o, "mandates"), 0);
		char term[16];
		const char *gender = jsonx_str(o, "gender");
		snprintf(term, sizeof(term), "%lld",
			 m ? (long long)json_integer_value(json_object_get(m, "term")) : 0LL);
		row[C_NAME] = jsonx_str(o, "name");
		row[C_GENDER] = gender && !strcmp(gender, "male") ? "男" : "女";
		row[C_ETHNICITY] = jsonx_str(o, "ethnicity");
		row[C_BIRTH] = jsonx_str(o, "birth_date");
		row[C_PARTY] = jsonx_str(o, "party");
		row[C_EDUCATION] = jsonx_str(o, "education");
		row[C_OCCUPATION] = label_of(jsonx_str(o, "occupation"), occupation_labels,
					     ARRAY_LEN(occupation_labels));
		row[C_EMPLOYER] = jsonx_str(o, "employer");
		row[C_POST] = jsonx_str(o, "post");
		row[C_PHONE] = jsonx_str_or(o, "phone", "");
		row[C_ID] = jsonx_str_or(o, "id_number", "");
		row[C_REGION] = jsonx_str(o, "region_code");
		row[C_LEVEL] = m ? label_of(jsonx_str(m, "level"), level_labels, ARRAY_LEN(level_labels))
				 : "";
		row[C_TERM] = m ? term : "";
		row[C_CONGRESS] = m ? jsonx_str(m, "region_code") : "";
		row[C_CONSTITUENCY] = m ? jsonx_str(m, "constituency") : "";
		row[C_STARTED] = m ? jsonx_str(m, "started_on") : "";
		row[NCOLS] = m && !strcmp(jsonx_str(m, "status"), "active") ? "在任" : "已终止";
		sheet_add_row(&s, row, NCOLS + 1);
	}
	{
		/* An export of personal data: audited with its filter and size, or not given out. */
		json_t *what = json_pack("{s:s?,s:s?,s:I}", "region", f ? f->region : NULL, "q", q.q, "rows",
					 (json_int_t)json_array_size(json_object_get(list, "items")));
		rc = audit_record(db, a, AUDIT_DONE, "deputy.export", "deputy", "", what, e);
		json_decref(what);
	}
	if (!rc)
		rc = sheet_write(&s, fmt, "代表名册", out, len, e);
	sheet_release(&s);
	json_decref(list);
	return rc;
}

int deputy_io_export_stats(struct db *db, const struct actor *a, const struct deputy_filter *f,
			   enum sheet_format fmt, char **out, size_t *len, struct err *e)
{
	static const char *const keys[][2] = {
		{"women", "女性"},
		{"minorities", "少数民族"},
		{"workers_and_farmers", "工人和农民"},
		{"workers", "工人"},
		{"farmers", "农民"},
		{"professionals", "专业技术人员"},
		{"officials", "党政干部"},
		{"military", "解放军"},
		{"others", "其他"},
		{"non_cpc", "非中共党员"}};
	struct sheet s;
	json_t *st = NULL, *o, *v;
	const char *row[3];
	char n[32], share[32];
	size_t i;
	int rc;

	if ((rc = deputy_stats(db, a, f, &st, e)))
		return rc;
	o = json_object_get(st, "stats");
	sheet_init(&s);
	row[0] = "指标";
	row[1] = "人数";
	row[2] = "占比";
	sheet_add_row(&s, row, 3);
	snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(o, "total")));
	row[0] = "代表总数";
	row[1] = n;
	row[2] = "100.0%";
	sheet_add_row(&s, row, 3);
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		snprintf(n, sizeof(n), "%lld",
			 (long long)json_integer_value(
				 json_object_get(json_object_get(o, "counts"), keys[k][0])));
		snprintf(share, sizeof(share), "%.1f%%",
			 100.0 * json_real_value(json_object_get(json_object_get(o, "shares"), keys[k][0])));
		row[0] = keys[k][1];
		row[1] = n;
		row[2] = share;
		sheet_add_row(&s, row, 3);
	}
	json_array_foreach(json_object_get(o, "age_bands"), i, v) {
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(v, "count")));
		row[0] = jsonx_str(v, "label");
		row[1] = n;
		row[2] = "";
		sheet_add_row(&s, row, 3);
	}
	rc = sheet_write(&s, fmt, "代表构成", out, len, e);
	sheet_release(&s);
	json_decref(st);
	return rc;
}
