#!/bin/sh
# Benchmark of the livelihood projects' views on the large demo (SQLite): server time (from the
# access log) of the whole city's list for the year and for every year, the state filter, a
# handling unit's own list, the public page of a county, one project and a township's candidates.
# Usage: sh bench/projects.sh [seconds] [DB]   (DB: an existing large demo database, else made)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
db=${2:-}
port=18187
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
./build/renda serve --db "sqlite:$db" --listen 127.0.0.1:$port --submit-rate 1000000 >>"$work/access.log" 2>"$work/err.log" &
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
one=$(curl -s -H "Cookie: $city" "http://127.0.0.1:$port/api/v1/projects?year=$year&state=implementing&per_page=1" | sed 's/.*"items":\[{"id":\([0-9]*\).*/\1/')
echo "projects: $(curl -s -H "Cookie: $city" "http://127.0.0.1:$port/api/v1/projects?per_page=1" | sed 's/.*"total":\([0-9]*\).*/\1/')"
run "the whole city, this year, first page" "$city" "/api/v1/projects?year=$year"
run "the whole city, every year, by progress" "$city" "/api/v1/projects?sort=-progress"
run "the whole city, being carried out" "$city" "/api/v1/projects?year=$year&state=implementing"
run "the whole city, searched" "$city" "/api/v1/projects?q=%E5%85%BB%E8%80%81"
run "one handling unit's own" "$handler" "/api/v1/projects?year=$year"
run "one project" "$city" "/api/v1/projects/$one"
run "a township's candidate list" "$city" "/api/v1/projects/candidates?region=329981101&year=$year&choose=2"
run "the public page of a county" "" "/api/v1/public/projects?region=329981&year=$year"
run "the public page of the city" "" "/api/v1/public/projects?region=329900&year=$year"
