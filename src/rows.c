#include "rows.h"

json_t *rows_object(const struct db_res *r, int row, const struct col *spec)
{
	json_t *o = json_object();
	for (int i = 0; spec[i].name && i < r->ncols; i++) {
		const char *v = db_val(r, row, i);
		json_t *j;
		if (!v) {
			j = json_null();
		} else {
			switch (spec[i].type) {
			case COL_INT: j = json_integer(db_int(r, row, i)); break;
			case COL_BOOL: j = json_boolean(db_int(r, row, i) != 0); break;
			case COL_JSON:
				j = json_loads(v, 0, NULL);
				if (!j)
					j = json_null();
				break;
			default: j = json_string(v); break;
			}
		}
		json_object_set_new(o, spec[i].name, j);
	}
	return o;
}

json_t *rows_array(const struct db_res *r, const struct col *spec)
{
	json_t *a = json_array();
	for (int i = 0; i < r->nrows; i++)
		json_array_append_new(a, rows_object(r, i, spec));
	return a;
}

#include <stdio.h>
#include <string.h>

#include "buf.h"

char *rows_like(const char *text)
{
	struct buf b = BUF_INIT_CAP(1024);
	buf_addc(&b, '%');
	for (const char *p = text; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, '%');
	return buf_detach(&b, NULL);
}

int rows_order(const char *sort, const char *const *allowed, const char *dflt, char *out,
	       size_t outlen, struct err *e)
{
	const char *key;
	int desc = 0;

	if (!sort || !*sort) {
		snprintf(out, outlen, "%s", dflt);
		return 0;
	}
	key = sort;
	if (*key == '-') {
		desc = 1;
		key++;
	}
	for (; *allowed; allowed++) {
		if (strcmp(*allowed, key) == 0) {
			snprintf(out, outlen, "%s %s", key, desc ? "DESC" : "ASC");
			return 0;
		}
	}
	return err_field(e, E_INVALID, "bad_sort", "sort", "不支持按“%s”排序", sort);
}
