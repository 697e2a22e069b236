#!/bin/sh
# Benchmark of the suggestion reports and the deadlines board on the large demo (about 60,000
# suggestions over two years, SQLite): server time (from the access log) of one handling unit's
# scorecard for a year, the whole city's scorecard, the board and the overdue list.
# Usage: sh bench/suggestions.sh [seconds] [DB]   (DB: an existing large demo database, else made)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
db=${2:-}
port=18184
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
year_ago=$(date -d '-365 days' +%F)
today=$(date +%F)
echo "suggestions: $(curl -s -H "Cookie: $city" "http://127.0.0.1:$port/api/v1/suggestions?per_page=1" | sed 's/.*"total":\([0-9]*\).*/\1/')"
run "one handling unit's scorecard, a year" "$handler" "/api/v1/suggestions/report/handlers?from=$year_ago&to=$today"
run "one handling unit's scorecard as the city sees it" "$city" "/api/v1/suggestions/report/handlers?handler=1&from=$year_ago&to=$today"
run "every unit's scorecard, one county, a year" "$city" "/api/v1/suggestions/report/handlers?region=329981&from=$year_ago&to=$today"
run "every unit's scorecard, the whole city, a year" "$city" "/api/v1/suggestions/report/handlers?from=$year_ago&to=$today"
run "deadlines board, the whole city" "$city" "/api/v1/suggestions/board"
run "deadlines board, one handling unit" "$handler" "/api/v1/suggestions/board"
run "overdue list, the whole city" "$city" "/api/v1/suggestions?due=overdue&per_page=20"
