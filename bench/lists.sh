#!/bin/sh
# Benchmark: the first page (default sort, 20 a page, with its count) of each staff list, and two
# common filters, read by the city's staff (SQLite) against Debian's nginx serving the same bytes
# as a static file, side by side in one run with wrk on loopback. Reports requests/s, the ratio to
# nginx, wrk's p50/p99 and renda's own server time (p50/p99 from its access log).
# Usage: sh bench/lists.sh [seconds] [small|large|DB]   (defaults 5 s, small demo; DB: an existing
# demo database, a SQLite path). RENDA_BIN=another build, to compare; CONNS=connections (16).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
size=${2:-small}
conns=${CONNS:-16}
bin=${RENDA_BIN:-./build/renda}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as www-data
rport=18184
nport=18185
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
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

# Appending, so the log can be emptied between runs while the server writes to it.
"$bin" serve --db "sqlite:$db" --listen 127.0.0.1:$rport >>"$work/access.log" 2>"$work/err.log" &
rpid=$!
until curl -sf "http://127.0.0.1:$rport/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"city","password":"Renda@2024"}' "http://127.0.0.1:$rport/api/v1/session" |
	sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')
mkdir -p "$work/www"

cat >"$work/nginx.conf" <<NGINX
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$nport;
		location / { root $work/www; default_type application/json; }
	}
}
NGINX
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3

# p50 and p99 of the server time (µs) of the list requests logged since the last run
server_time() {
	grep -a " /api/v1/" "$work/access.log" | grep -av "/session" | awk '{sub("us","",$7); print $7}' | sort -n |
		awk '{v[NR]=$1} END {if (NR) printf "%.2f / %.2f ms", v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}
pct() { # wrk output, percentile label
	echo "$1" | awk -v p="$2" '$1 == p {print $2}'
}
rps() {
	echo "$1" | awk '/Requests\/sec/ {print $2}'
}

echo "wrk -t2 -c$conns -d${secs}s --latency; account city (the whole city's staff); nginx: the same bytes as a static file"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| list | bytes | total | renda req/s | nginx req/s | renda / nginx | renda p50 / p99 | server p50 / p99 | nginx p99 |"
echo "|---|---|---|---|---|---|---|---|---|"
i=0
run() { # label, path
	i=$((i + 1))
	curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$rport$2" >"$work/www/$i.json"
	chmod a+r "$work/www/$i.json"
	bytes=$(wc -c <"$work/www/$i.json")
	total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$work/www/$i.json")
	[ "$(sed -n 's/.*"total_capped":\(true\).*/\1/p' "$work/www/$i.json")" = true ] && total="$total+"
	: >"$work/access.log"
	r=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$rport$2" 2>&1)
	st=$(server_time)
	n=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$nport/$i.json" 2>&1)
	if echo "$r$n" | grep -q "Non-2xx"; then
		echo "$1: non-2xx answers" >&2
	fi
	ratio=$(awk -v a="$(rps "$r")" -v b="$(rps "$n")" 'BEGIN { printf "%.3f", a / b }')
	echo "| $1 | $bytes | $total | $(rps "$r") | $(rps "$n") | $ratio | $(pct "$r" 50%) / $(pct "$r" 99%) | $st | $(pct "$n" 99%) |"
}
run "opinions" "/api/v1/opinions?per_page=20"
run "opinions ?state=assigned" "/api/v1/opinions?state=assigned&per_page=20"
run "suggestions" "/api/v1/suggestions?per_page=20"
run "deputies" "/api/v1/deputies?per_page=20"
run "deputies ?congress=329981&level=county" "/api/v1/deputies?congress=329981&level=county&per_page=20"
run "meetings" "/api/v1/meetings?per_page=20"
run "stations" "/api/v1/stations?per_page=20"
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
