#!/bin/sh
# Proves src/banned.h works: each banned call fails to compile with the function's name in the
# error, the allowed replacements still compile, and every source file compiles with banned.h
# forced in front (this also covers the files that do not include util.h).
# Run by `make banned-check` (which passes CC and CFLAGS) and by scripts/test.sh unit.
# Prints one line per failed check and ends with "banned: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
CC=${CC:-cc}
CFLAGS=${CFLAGS:--std=c11 -D_GNU_SOURCE -Isrc -Ibuild}
tmp=$(mktemp -d /tmp/renda-banned.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "banned-check: $*"; }

# name and a statement calling it; each must fail with sorry_<name>_is_a_banned_function.
while IFS='|' read -r name call; do
	[ -n "$name" ] || continue
	f="$tmp/use_$name.c"
	cat >"$f" <<EOF
#include "util.h"
#include <stdarg.h>
#include <string.h>
#include <time.h>
void use(char *d, const char *s, time_t *t, va_list ap);
void use(char *d, const char *s, time_t *t, va_list ap)
{
	(void)d; (void)s; (void)t; (void)ap;
	$call;
}
EOF
	# shellcheck disable=SC2086
	if $CC $CFLAGS -fsyntax-only "$f" >"$tmp/$name.log" 2>&1; then
		bad "a call of $name compiled"
	elif grep -q "sorry_${name}_is_a_banned_function" "$tmp/$name.log"; then
		ok
	else
		bad "a call of $name failed for another reason:"
		head -n 5 "$tmp/$name.log"
	fi
done <<'EOF'
sprintf|(void)sprintf(d, "%s", s)
vsprintf|(void)vsprintf(d, s, ap)
strcpy|(void)strcpy(d, s)
strcat|(void)strcat(d, s)
strncpy|(void)strncpy(d, s, 4)
strncat|(void)strncat(d, s, 4)
atoi|(void)atoi(s)
atol|(void)atol(s)
strtok|(void)strtok(d, ",")
localtime|(void)localtime(t)
gmtime|(void)gmtime(t)
EOF

# The replacements must still compile cleanly under the project's warnings.
cat >"$tmp/allowed.c" <<'EOF'
#include "util.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
int allowed(char *d, size_t n, const char *s, time_t t, va_list ap);
int allowed(char *d, size_t n, const char *s, time_t t, va_list ap)
{
	struct tm tm;
	char *save = NULL;
	json_t *j = json_sprintf("%s", s);
	int64_t v = 0;
	json_decref(j);
	snprintf(d, n, "%s", s);
	vsnprintf(d, n, s, ap);
	gmtime_r(&t, &tm);
	localtime_r(&t, &tm);
	(void)strtok_r(d, ",", &save);
	if (util_parse_i64(s, &v))
		v = strtoll(s, NULL, 10);
	return (int)v + (int)strlen(d) + (int)strtol(s, NULL, 10);
}
EOF
# shellcheck disable=SC2086
if $CC $CFLAGS -fsyntax-only "$tmp/allowed.c" >"$tmp/allowed.log" 2>&1; then
	ok
else
	bad "the allowed replacements (snprintf, vsnprintf, json_sprintf, gmtime_r, localtime_r, strtok_r, strtol) do not compile:"
	head -n 10 "$tmp/allowed.log"
fi

# Every source file, with banned.h in front of everything it includes.
for f in src/*.c tests/unit/*.c; do
	# shellcheck disable=SC2086
	if $CC $CFLAGS -fsyntax-only -include src/banned.h "$f" >"$tmp/file.log" 2>&1; then
		ok
	else
		bad "$f calls a banned function or does not compile with banned.h:"
		head -n 10 "$tmp/file.log"
	fi
done

echo "banned: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
