/* libFuzzer target: the strict JSON request parser and field validation must never crash,
 * leak or accept invalid UTF-8, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "jsonx.h"
#include "util.h"

static const struct jfield spec[] = {{"name", JF_STR, 1, 1, 64, "名称"},
				     {"n", JF_INT, 0, 0, 100, "数量"},
				     {"on", JF_BOOL, 0, 0, 0, "开关"},
				     {NULL, 0, 0, 0, 0, NULL}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e = {0};
	json_t *v = NULL;
	if (jsonx_parse((const char *)data, size, &v, &e) == 0) {
		if (!util_utf8_valid((const char *)data, size))
			abort(); /* accepted bytes that are not UTF-8 */
		if (jsonx_check(v, spec, &e) == 0 && !jsonx_str(v, "name"))
			abort(); /* a required field passed while absent */
		json_decref(v);
	}
	return 0;
}
