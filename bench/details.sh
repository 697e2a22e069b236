#!/bin/sh
# Benchmark: authenticated detail reads (one opinion, one deputy, one suggestion, one meeting of
# the small demo, SQLite) against Debian's nginx serving the same bytes as static files, side by
# side in one run with wrk on loopback, as bench/regions.sh does for a region.
# The opinion and the deputy are read by the station's staff (masked contacts: no audit); the
# suggestion and the meeting by the city's staff. Two more rows read the same opinion and deputy
# as the city's staff, who see the full phone: each of those reads writes an audit record
# (opinion.read_personal, deputy.read_personal), a durable write per request.
# Usage: sh bench/details.sh [seconds] [connections]   (defaults 5 s, 16 connections)
#        RENDA_BIN=another/build/renda sh bench/details.sh   (to compare two builds)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
conns=${2:-16}
bin=${RENDA_BIN:-./build/renda}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as www-data
rport=${RPORT:-18186}
nport=${NPORT:-18187}
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$bin" demo --db "sqlite:$work/bench.db" --size small --seed 1 >/dev/null 2>&1
"$bin" serve --db "sqlite:$work/bench.db" --listen 127.0.0.1:$rport --quiet >"$work/renda.log" 2>&1 &
rpid=$!
until curl -sf "http://127.0.0.1:$rport/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
login() {
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"Renda@2024\"}" "http://127.0.0.1:$rport/api/v1/session" |
		sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p'
}
city=$(login city)
station=$(login station)
first_id() { # path, cookie: the first item's id of a list
	curl -sf -H "Cookie: $2" "http://127.0.0.1:$rport/api/v1/$1?per_page=1" |
		sed -n 's/^{"items":\[{"id":\([0-9]*\).*/\1/p'
}
opinion=$(first_id opinions "$station")
deputy=$(first_id deputies "$station")
suggestion=$(first_id suggestions "$city")
meeting=$(first_id meetings "$city")
mkdir -p "$work/www"

run_wrk() { # url, extra header
	wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$2" "$1" 2>&1
}
field() { # wrk output, what: rps | 50% | 99% | errors
	case $2 in
	rps) echo "$1" | awk '/Requests\/sec/ {print $2}' ;;
	errors) echo "$1" | awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' ;;
	*) echo "$1" | awk -v k="$2" '$1 == k {print $2}' ;;
	esac
}
rows=""
bench() { # label, path, cookie
	file=$(echo "$2" | tr '/' '_').json
	curl -sf -H "Cookie: $3" "http://127.0.0.1:$rport/api/v1/$2" >"$work/www/$file"
	chmod a+r "$work/www/$file"
	bytes=$(wc -c <"$work/www/$file")
	r=$(run_wrk "http://127.0.0.1:$rport/api/v1/$2" "Cookie: $3")
	n=$(run_wrk "http://127.0.0.1:$nport/$file" "Cookie: $3")
	rr=$(field "$r" rps)
	nr=$(field "$n" rps)
	ratio=$(awk -v a="$rr" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')
	err=$(field "$r" errors)
	rows="$rows| $1 | $bytes | $rr | $nr | **$ratio** | $(field "$r" 50%) / $(field "$r" 99%) | $(field "$n" 50%) / $(field "$n" 99%) |${err:+ $err}
"
}

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

echo "detail reads, small demo, wrk -t2 -c$conns -d${secs}s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
bench "opinion $opinion (station staff, masked)" "opinions/$opinion" "$station"
bench "deputy $deputy (station staff, masked)" "deputies/$deputy" "$station"
bench "suggestion $suggestion (city staff)" "suggestions/$suggestion" "$city"
bench "meeting $meeting (city staff)" "meetings/$meeting" "$city"
bench "opinion $opinion (city staff, full phone, audited)" "opinions/$opinion" "$city"
bench "deputy $deputy (city staff, full phone, audited)" "deputies/$deputy" "$city"
echo
echo "| read | bytes | renda req/s | nginx req/s | renda / nginx | renda p50 / p99 | nginx p50 / p99 |"
echo "|---|---|---|---|---|---|---|"
printf "%s" "$rows"
