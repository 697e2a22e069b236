#!/bin/sh
# Benchmark of the rectification board (督查整改) on the large demo (SQLite): server time (from the
# access log) of the board for the whole city, one county and one year, its export, and the units'
# problem lists, read by the city's staff and by one handling unit.
# Usage: sh bench/rectify.sh [seconds] [DB]   (DB: an existing large demo database, else made)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
db=${2:-}
port=${PORT:-18186}
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [ -z "$db" ]; then
	db="$work/b.db"
	t0=$(date +%s%N)
	./build/renda demo --db "sqlite:$db" --size large --seed 1 >/dev/null 2>&1
	echo "large demo created in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
./build/renda serve --db "sqlite:$db" --listen 127.0.0.1:$port >>"$work/access.log" 2>"$work/err.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
cookie_of() {
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"Renda@2024\"}" "http://127.0.0.1:$port/api/v1/session" |
		sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p'
}
city=$(cookie_of city)
handler=$(cookie_of handler)
server_time() {
	grep -a " /api/v1/" "$work/access.log" | grep -av "/session" | awk '{sub("us","",$7); print $7}' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "n=%d p50=%.1fms p99=%.1fms", NR, v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}
run() {
	: >"$work/access.log"
	wrk -t1 -c2 -d"${secs}s" -H "Cookie: $2" "http://127.0.0.1:$port$3" | grep -E "Requests/sec" | tr -s ' ' | tr '\n' ' ' || true
	printf '%s: %s\n' "$1" "$(server_time)"
}
year=$(date +%Y)
b=$(curl -s -H "Cookie: $city" "http://127.0.0.1:$port/api/v1/rectifications/board?per_page=1")
echo "problems: $(echo "$b" | sed 's/.*"summary":{[^}]*"total":\([0-9]*\).*/\1/'), units: $(echo "$b" | sed 's/.*"units":\([0-9]*\).*/\1/')"
run "board, the whole city (first page, sorted by overdue)" "$city" "/api/v1/rectifications/board"
run "board, the whole city, by share verified, 100 a page" "$city" "/api/v1/rectifications/board?sort=-verified_rate&per_page=100"
run "board, the whole city, this year" "$city" "/api/v1/rectifications/board?year=$year"
run "board, one county" "$city" "/api/v1/rectifications/board?region=329981"
run "board export (xlsx), the whole city" "$city" "/api/v1/rectifications/board?format=xlsx"
run "problems, the whole city, overdue" "$city" "/api/v1/rectifications/problems?due=overdue"
run "problems, one unit's tasks" "$handler" "/api/v1/rectifications/problems"
