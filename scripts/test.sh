#!/bin/sh
# Runs renda's tests and ends with one summary line "N passed, N failed".
#   scripts/test.sh            every suite: unit (under valgrind) with the banned.h check,
#                              mutants, fuzz, HTTP on SQLite and on PostgreSQL, browser (headless
#                              Chromium)
#   scripts/test.sh unit|format|mutants|fuzz|http|pg|asan|browser   one suite
#                              (asan: the HTTP suite on SQLite with build/san/renda, `make asan`)
# Needs `make all web` first (make test does both).
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
passed=0
failed=0
failures=""
log=$(mktemp -d /tmp/renda-test.XXXXXX)
pgdir=""

cleanup() {
	[ -n "$pgdir" ] && sh scripts/pg.sh stop "$pgdir"
	rm -rf "$log"
}
trap cleanup EXIT INT TERM

count() { # suite name, passed, failed
	passed=$((passed + $2))
	failed=$((failed + $3))
	[ "$3" -gt 0 ] && failures="$failures $1"
	printf '== %s: %d passed, %d failed\n' "$1" "$2" "$3"
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)..."
run_unit() {
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		if command -v valgrind >/dev/null 2>&1 && [ "${RENDA_NO_VALGRIND:-0}" != 1 ]; then
			valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
				"$t" >"$log/$name" 2>&1
		else
			"$t" >"$log/$name" 2>&1
		fi
		rc=$?
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/$name" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/$name" | tail -n 1)
		p=${p:-0}
		f=${f:-0}
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # valgrind error or crash
		[ "$f" -gt 0 ] && cat "$log/$name"
		count "unit/$name" "$p" "$f"
	done
}

# src/banned.h: banned calls must not compile (scripts/banned-check.sh, through make for CFLAGS).
run_banned() {
	make -s --no-print-directory banned-check >"$log/banned" 2>&1
	rc=$?
	p=$(sed -n 's/^banned: \([0-9]*\) passed, \([0-9]*\) failed/\1/p' "$log/banned" | tail -n 1)
	f=$(sed -n 's/^banned: \([0-9]*\) passed, \([0-9]*\) failed/\2/p' "$log/banned" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	[ "$f" -gt 0 ] && cat "$log/banned"
	count banned "$p" "$f"
}

# .clang-format: every C file is formatted as checked in (scripts/format-check.sh).
run_format() {
	if sh scripts/format-check.sh >"$log/format" 2>&1; then
		count format 1 0
	else
		cat "$log/format"
		count format 0 1
	fi
}

# make mutants: each mutant of the rule functions in tests/mutants.list must fail a unit test;
# a killed mutant counts as passed, a survivor as failed.
run_mutants() {
	make -s --no-print-directory mutants >"$log/mutants" 2>&1
	rc=$?
	p=$(sed -n 's/^mutants: \([0-9]*\) passed, \([0-9]*\) failed/\1/p' "$log/mutants" | tail -n 1)
	f=$(sed -n 's/^mutants: \([0-9]*\) passed, \([0-9]*\) failed/\2/p' "$log/mutants" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -gt 0 ]; then grep -v '^   killed' "$log/mutants" | tail -n 60; fi
	grep '^mutants: .* s per mutant' "$log/mutants"
	count mutants "$p" "$f"
}

# node's test runner (TAP) ends with "# pass N" and "# fail N".
run_node() { # suite, dir, env...
	suite=$1
	dir=$2
	shift 2
	out="$log/$(echo "$suite" | tr '/' '_')"
	env "$@" node --test --test-reporter=tap --test-concurrency=1 "$dir" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	if [ "$f" -gt 0 ]; then grep -v '^ *duration_ms' "$out" | grep -B3 -A25 '^ *not ok' | head -n 150; fi
	count "$suite" "$p" "$f"
}

run_http_sqlite() { run_node http/sqlite tests/http/ RENDA_BIN=build/renda; }

# The HTTP suite once more on SQLite with the server built by `make asan`: a memory error, a
# leak at the server's exit or undefined behaviour is reported on its stderr, and the harness
# (tests/http/lib.mjs, sanitizerCheck) fails the file that ran it.
run_http_asan() {
	if [ ! -x build/san/renda ]; then
		echo "== http/asan: build/san/renda missing (make asan)"
		count http/asan 0 1
		return
	fi
	start=$(date +%s)
	run_node http/asan tests/http/ RENDA_BIN=build/san/renda \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0
	echo "== http/asan took $(($(date +%s) - start)) s"
}

run_http_pg() {
	pgdir=$(mktemp -d /tmp/renda-pg.XXXXXX)
	if admin=$(sh scripts/pg.sh start "$pgdir"); then
		run_node http/postgresql tests/http/ RENDA_BIN=build/renda RENDA_PG_ADMIN="$admin" RENDA_KEY_FILE="$pgdir/renda.key"
	else
		count http/postgresql 0 1
	fi
	sh scripts/pg.sh stop "$pgdir"
	pgdir=""
}

run_browser() {
	if [ ! -f web/package.json ]; then
		echo "== browser: no web UI in this tree"
		return
	fi
	if [ ! -d web/e2e ] || [ ! -f web/dist/index.html ]; then
		echo "== browser: web UI not built"
		count browser 0 1
		return
	fi
	run_node browser web/e2e/ RENDA_BIN="$(pwd)/build/renda" RENDA_WEB="$(pwd)/web/dist"
}

# libFuzzer: each target runs FUZZ_SECONDS (10 unless set: make test; make fuzz sets more) from
# its seed corpus, tests/fuzz/seeds/<target>/ (its crashes kept as regressions); a crash, a leak
# or a broken invariant fails it.
run_fuzz() {
	for t in build/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t")
		corpus="$log/corpus-$name"
		mkdir -p "$corpus"
		cp tests/fuzz/seeds/* "$corpus/" 2>/dev/null || true
		cp tests/fuzz/seeds/"$name"/* "$corpus/" 2>/dev/null || true
		[ "$name" = fuzz_sheet ] && cp tests/fixtures/sheet/fuzz/* "$corpus/" 2>/dev/null
		cp tests/fuzz/seeds/"$name"/* "$corpus/" 2>/dev/null || true
		if "$t" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=4096 "$corpus" >"$log/$name" 2>&1; then
			count "fuzz/$name" 1 0
		else
			tail -n 40 "$log/$name"
			count "fuzz/$name" 0 1
		fi
	done
}

case $what in
unit)
	run_unit
	run_banned
	run_format
	;;
format) run_format ;;
fuzz) run_fuzz ;;
mutants) run_mutants ;;
http) run_http_sqlite ;;
pg) run_http_pg ;;
asan) run_http_asan ;;
browser) run_browser ;;
all)
	run_unit
	run_banned
	run_format
	run_mutants
	run_fuzz
	run_http_sqlite
	run_http_asan
	run_http_pg
	run_browser
	;;
*) echo "usage: scripts/test.sh [unit|format|mutants|fuzz|http|pg|asan|browser]" >&2; exit 2 ;;
esac

[ -n "$failures" ] && echo "failed suites:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
