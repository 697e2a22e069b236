#!/bin/sh
# Benchmark: GET /api/v1/regions/{code} (authenticated, medium demo, SQLite) against Debian's
# nginx serving the same bytes as a static file, side by side in one run with wrk on loopback.
# Also reports renda's resident memory after the load and its start-up time.
# Usage: sh bench/regions.sh [seconds] [connections]     (defaults 10 s, 50 connections)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-50}
code=329981
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as www-data
rport=18180
nport=18181
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

./build/renda demo --db "sqlite:$work/bench.db" --size medium --seed 1 >/dev/null

# Start-up time: from exec to the first answered health check.
t0=$(date +%s%N)
./build/renda serve --db "sqlite:$work/bench.db" --listen 127.0.0.1:$rport --quiet >"$work/renda.log" 2>&1 &
rpid=$!
until curl -sf "http://127.0.0.1:$rport/api/v1/health" >/dev/null 2>&1; do sleep 0.002; done
t1=$(date +%s%N)
startup_ms=$(( (t1 - t0) / 1000000 ))

cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
	-d '{"username":"admin","password":"Renda@2024"}' "http://127.0.0.1:$rport/api/v1/session" |
	sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')
mkdir -p "$work/www"
curl -sf -H "Cookie: $cookie" "http://127.0.0.1:$rport/api/v1/regions/$code" >"$work/www/region.json"
chmod -R a+rX "$work/www"
bytes=$(wc -c <"$work/www/region.json")

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

run_wrk() { # url, extra header
	wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$2" "$1" 2>&1
}
echo "renda: GET /api/v1/regions/$code ($bytes bytes), wrk -t2 -c$conns -d${secs}s"
r=$(run_wrk "http://127.0.0.1:$rport/api/v1/regions/$code" "Cookie: $cookie")
echo "$r" | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true
n=$(run_wrk "http://127.0.0.1:$nport/region.json" "Cookie: $cookie")
echo "nginx: the same bytes as a static file"
echo "$n" | grep -E "Requests/sec|99%|Non-2xx|Socket errors" || true

rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$rpid/status")
rrps=$(echo "$r" | awk '/Requests\/sec/ {print $2}')
nrps=$(echo "$n" | awk '/Requests\/sec/ {print $2}')
rp99=$(echo "$r" | awk '$1 == "99%" {print $2}')
np99=$(echo "$n" | awk '$1 == "99%" {print $2}')
ratio=$(awk -v a="$rrps" -v b="$nrps" 'BEGIN { printf "%.2f", a / b }')
echo
echo "| measure | renda | nginx |"
echo "|---|---|---|"
echo "| requests/s | $rrps | $nrps |"
echo "| p99 latency | $rp99 | $np99 |"
echo "| renda / nginx | $ratio | |"
echo "| renda resident memory after load | $((rss_kb / 1024)) MB | |"
echo "| renda start-up (exec to first health answer) | ${startup_ms} ms | |"
