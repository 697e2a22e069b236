#!/bin/sh
# Benchmark of the deputy registry on the large demo (about 30,000 deputies, SQLite):
#  - server time of filtered, sorted list pages (p50/p99 from the access log's per-request
#    microseconds, under wrk load with 4 connections);
#  - server time of the whole city's composition statistics;
#  - the time to import 10,000 rows from an .xlsx (renda import deputies: preview and commit).
# Usage: sh bench/deputies.sh [seconds]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
port=18182
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

t0=$(date +%s%N)
./build/renda demo --db "sqlite:$work/b.db" --size large --seed 1 >/dev/null 2>&1
t1=$(date +%s%N)
echo "large demo created in $(( (t1 - t0) / 1000000 )) ms"
# Appending, so the log can be emptied between runs while the server writes to it.
./build/renda serve --db "sqlite:$work/b.db" --listen 127.0.0.1:$port >>"$work/access.log" 2>"$work/err.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"city","password":"Renda@2024"}' "http://127.0.0.1:$port/api/v1/session" |
	sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')

# p50 and p99 of the server time (µs) of the API requests logged since the last run
server_time() {
	grep -a " /api/v1/" "$work/access.log" | grep -av "/session" | awk '{sub("us","",$7); print $7}' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "n=%d p50=%.1fms p99=%.1fms", NR, v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}

run() { # label, path
	: >"$work/access.log"
	wrk -t1 -c4 -d"${secs}s" -H "Cookie: $cookie" "http://127.0.0.1:$port$2" | grep -E "Requests/sec" | tr -s ' ' | tr '\n' ' ' || true
	printf '%s: %s\n' "$1" "$(server_time)"
}

total=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/deputies?per_page=1" | sed 's/.*"total":\([0-9]*\).*/\1/')
echo "deputies on today's roster: $total"
run "list: a county's women, youngest first" "/api/v1/deputies?region=329981&gender=female&sort=-birth_date&per_page=20"
run "list: township deputies aged 40-50, not CPC, by name" "/api/v1/deputies?level=township&party=non_cpc&age_min=40&age_max=50&per_page=20"
run "list: one congress (329982, county level)" "/api/v1/deputies?congress=329982&level=county&per_page=20"
run "list: the whole city by name, page 50" "/api/v1/deputies?per_page=20&page=50"
run "list: name search 王 across the city" "/api/v1/deputies?q=%E7%8E%8B&per_page=20"
run "statistics: the whole city" "/api/v1/deputies/stats"
run "statistics: one county" "/api/v1/deputies/stats?region=329982"

node bench/make-roster.mjs 10000 "$work/r10k.xlsx" >/dev/null
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
t0=$(date +%s%N)
./build/renda import deputies "$work/r10k.xlsx" --db "sqlite:$work/b.db" >/dev/null
t1=$(date +%s%N)
echo "import 10,000 rows from .xlsx (check every row, then one transaction): $(( (t1 - t0) / 1000000 )) ms"
