#!/bin/sh
# Benchmark of opinion search and hot topics on the large demo (about 1,000,000 opinions,
# SQLite): server time (from the access log) of full-text queries of two and four characters,
# and of the whole city's hot topics for a year.
# Usage: sh bench/opinions.sh [seconds] [DB]   (DB: an existing large demo database, a SQLite
# path or a postgresql:// URL with RENDA_KEY_FILE set; else a SQLite one is made)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
bin=${RENDA_BIN:-./build/renda} # RENDA_BIN=another build, to compare
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
db=${2:-}
port=18183
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
	"$bin" demo --db "sqlite:$db" --size large --seed 1 >/dev/null 2>&1
	echo "large demo created in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
fi
case $db in
*://*) url=$db ;;
*) url="sqlite:$db" ;;
esac
"$bin" serve --db "$url" --listen 127.0.0.1:$port >>"$work/access.log" 2>"$work/err.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"city","password":"Renda@2024"}' "http://127.0.0.1:$port/api/v1/session" |
	sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')
server_time() {
	grep -a " /api/v1/" "$work/access.log" | grep -av "/session" | awk '{sub("us","",$7); print $7}' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "n=%d p50=%.1fms p99=%.1fms", NR, v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}
run() {
	: >"$work/access.log"
	wrk -t1 -c2 -d"${secs}s" -H "Cookie: $cookie" "http://127.0.0.1:$port$2" | grep -E "Requests/sec" | tr -s ' ' | tr '\n' ' ' || true
	st=$(server_time)
	total=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port$2" | sed -n 's/.*"total":\([0-9]*\).*"total_capped":\([a-z]*\).*/ total=\1 capped=\2/p')
	printf '%s: %s%s\n' "$1" "$st" "$total"
}
echo "opinions: $(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$port/api/v1/opinions?per_page=1" | sed 's/.*"total":\([0-9]*\).*/\1/')"
run "search 路灯 (two characters)" "/api/v1/opinions?q=%E8%B7%AF%E7%81%AF&per_page=20"
run "search 噪音 (two characters)" "/api/v1/opinions?q=%E5%99%AA%E9%9F%B3&per_page=20"
run "search 道路积水 (four characters)" "/api/v1/opinions?q=%E9%81%93%E8%B7%AF%E7%A7%AF%E6%B0%B4&per_page=20"
run "search 广场舞音响 (four characters and more)" "/api/v1/opinions?q=%E5%B9%BF%E5%9C%BA%E8%88%9E%E9%9F%B3%E5%93%8D&per_page=20"
run "search 路灯 within one county" "/api/v1/opinions?q=%E8%B7%AF%E7%81%AF&region=329982&per_page=20"
run "hot topics: the whole city, a year" "/api/v1/opinions/hot?from=$(date -d '-365 days' +%F)"
