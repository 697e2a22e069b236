#!/bin/sh
# Benchmark of the township budget: a 5,000-line budget imported (.csv and .xlsx, preview then
# confirm, bench/budget-import.mjs), then the budget views read by the city's staff with wrk: the
# whole city's list of the year with its figures (the city's view), the city's list of every year,
# and one township's budget with its lines, execution and warnings. Reports wrk's p50/p99 and
# renda's own server time (p50/p99 from its access log).
# Usage: [TOWNS=N] sh bench/budget.sh [seconds] [small|medium|large|DB]   (defaults 5 s, small
# demo; DB: an existing demo database, a SQLite path). RENDA_BIN=another build; CONNS=connections (4).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
size=${2:-small}
conns=${CONNS:-4}
bin=${RENDA_BIN:-./build/renda}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
rport=18188
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

case $size in
small | medium | large)
	db="$work/bench.db"
	t0=$(date +%s%N)
	"$bin" demo --db "sqlite:$db" --size "$size" --seed 1 >/dev/null 2>&1
	echo "$size demo created in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	;;
*) db=$size ;;
esac

# TOWNS=N: N more townships in 清河市, each with a copy of 松岭镇's documents (lines, execution,
# warnings), for a city of the large demo's size (124 townships and districts) without its million
# opinions (the large demo takes half an hour to build on this machine).
if [ -n "${TOWNS:-}" ]; then
	sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TOWNS)
INSERT INTO regions (code, parent_code, name, level, path, created_at, updated_at)
SELECT '329981' || (200 + i), '329981', '测试镇' || i, 'township', '/329900/329981/329981' || (200 + i) || '/', 0, 0 FROM n;
CREATE TEMP TABLE towns AS SELECT CAST(SUBSTR(code, 7) AS INTEGER) - 200 AS i, code, path FROM regions WHERE code LIKE '3299812%' OR code LIKE '3299813%';
CREATE TEMP TABLE src AS SELECT id FROM budgets WHERE region_code = '329981101';
INSERT INTO budgets (id, region_code, region_path, year, kind, seq, title, state, vote_id, total_fen, line_count,
	exec_quarter, exec_fen, warnings, created_by, created_at, updated_at)
SELECT 1000000 + t.i * 100 + b.id, t.code, t.path, b.year, b.kind, b.seq, REPLACE(b.title, '松岭镇', '测试镇' || t.i), b.state,
	NULL, b.total_fen, b.line_count, b.exec_quarter, b.exec_fen, b.warnings, NULL, b.created_at, b.updated_at
FROM budgets b, towns t WHERE b.id IN (SELECT id FROM src);
INSERT INTO budget_lines SELECT 1000000 + t.i * 100 + l.budget_id, l.code, l.name, l.amount_fen, l.is_key
FROM budget_lines l, towns t WHERE l.budget_id IN (SELECT id FROM src);
INSERT INTO budget_exec SELECT 1000000 + t.i * 100 + x.budget_id, x.quarter, x.code, x.spent_fen
FROM budget_exec x, towns t WHERE x.budget_id IN (SELECT id FROM src);
INSERT INTO budget_warnings SELECT 1000000 + t.i * 100 + w.budget_id, w.code, w.kind, w.quarter, w.plan_fen, w.actual_fen
FROM budget_warnings w, towns t WHERE w.budget_id IN (SELECT id FROM src);
ANALYZE;
SQL
	echo "$TOWNS townships added: $(sqlite3 "$db" 'SELECT COUNT(*) FROM budgets') documents, $(sqlite3 "$db" 'SELECT COUNT(*) FROM budget_lines') lines"
fi

"$bin" serve --db "sqlite:$db" --listen 127.0.0.1:$rport >>"$work/access.log" 2>"$work/err.log" &
rpid=$!
until curl -sf "http://127.0.0.1:$rport/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"city","password":"Renda@2024"}' "http://127.0.0.1:$rport/api/v1/session" |
	sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')

server_time() {
	grep -a " /api/v1/budgets" "$work/access.log" | awk '{sub("us","",$7); print $7}' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "%.2f / %.2f ms", v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}
pct() { echo "$1" | awk -v p="$2" '$1 == p {print $2}'; }
rps() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node bench/budget-import.mjs "http://127.0.0.1:$rport" 329981101 3
echo
year=$(date +%Y)
one=$(curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$rport/api/v1/budgets?region=329981101&year=$year&kind=budget" |
	sed -n 's/^{"items":\[{"id":\([0-9]*\).*/\1/p')
docs=$(curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$rport/api/v1/budgets?per_page=1" | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
echo "wrk -t1 -c$conns -d${secs}s --latency; account city; $docs budget documents in the city"
echo
echo "| view | bytes | req/s | p50 / p99 | server p50 / p99 |"
echo "|---|---|---|---|---|"
run() { # label, path
	bytes=$(curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$rport$2" | wc -c)
	: >"$work/access.log"
	r=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$rport$2" 2>&1)
	echo "$r" | grep -q "Non-2xx" && echo "$1: non-2xx answers" >&2
	echo "| $1 | $bytes | $(rps "$r") | $(pct "$r" 50%) / $(pct "$r" 99%) | $(server_time) |"
}
run "the city's view, this year" "/api/v1/budgets?year=$year&per_page=100"
run "the city's list, every year" "/api/v1/budgets?per_page=20"
run "one township's budget" "/api/v1/budgets/$one"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
