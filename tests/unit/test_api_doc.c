/* The API reference (docs/api.md) is kept with the code that serves it: every route in the
 * route tables must be documented there as "METHOD /api/v1/path/{param}". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* "/api/v1/regions/:code/unit" → "/api/v1/regions/{code}/unit" */
static void doc_form(const char *pattern, char *out, size_t n)
{
	size_t j = 0;
	for (const char *p = pattern; *p && j + 2 < n; p++) {
		if (*p == ':') {
			out[j++] = '{';
			while (p[1] && p[1] != '/' && j + 2 < n)
				out[j++] = *++p;
			out[j++] = '}';
		} else {
			out[j++] = *p;
		}
	}
	out[j] = '\0';
}

static void every_route_is_documented(void **state)
{
	const struct route *const tables[] = {
		api_session_routes, api_region_routes,  api_handler_routes,
		api_account_routes, api_audit_routes,   api_meeting_routes,
		api_labels_routes,  api_booking_routes, api_supervision_routes};
	char *doc = slurp("docs/api.md");
	int missing = 0, n = 0;
	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		for (const struct route *r = tables[t]; r->method; r++) {
			char path[256], line[300];
			doc_form(r->pattern, path, sizeof(path));
			snprintf(line, sizeof(line), "%s %s", r->method, path);
			n++;
			if (!strstr(doc, line)) {
				fprintf(stderr, "not in docs/api.md: %s\n", line);
				missing++;
			}
		}
	}
	free(doc);
	assert_true(n > 20);
	assert_int_equal(missing, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_route_is_documented),
	};
	return cmocka_run_group_tests_name("api_doc", tests, NULL, NULL);
}
