#!/bin/sh
# Benchmark: authenticated detail reads (one opinion, one deputy, one suggestion, one meeting of
# the small demo, SQLite) against Debian's nginx serving the same bytes as static files, side by
# side in one run with wrk on loopback, as bench/regions.sh does for a region.
# The opinion and the deputy are read by the station's staff (masked contacts: no audit); the
# suggestion and the meeting by the city's staff. Two more rows read the same opinion and deputy
# as the city's staff, who see the full phone: each of those reads writes an audit record
# (opinion.read_personal, deputy.read_personal), a durable write per request.
# Besides requests/s and latency, the table gives each server's CPU time per request (user and
# system, from /proc/PID/stat over the wrk run): on a shared machine it moves less than the rate.
# Usage: sh bench/details.sh [seconds] [connections]   (defaults 5 s, 16 connections)
#        RENDA_BIN=another/build/renda sh bench/details.sh   (another build)
#        RENDA_BASE=old/build/renda sh bench/details.sh      (adds that build, side by side on a
#                                                             copy of the same database)
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
conns=${2:-16}
bin=${RENDA_BIN:-./build/renda}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
chmod 755 "$work" # nginx workers run as www-data
rport=${RPORT:-18186}
nport=${NPORT:-18187}
base=${RENDA_BASE:-}
bport=${BPORT:-18188}
rpid=""
bpid=""
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
	[ -n "$bpid" ] && kill "$bpid" 2>/dev/null || true
	[ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

"$bin" demo --db "sqlite:$work/bench.db" --size small --seed 1 >/dev/null 2>&1
if [ -n "$base" ]; then
	cp "$work/bench.db" "$work/base.db"
	cp "$work/bench.db.key" "$work/base.db.key"
	"$base" serve --db "sqlite:$work/base.db" --listen 127.0.0.1:$bport --quiet >"$work/base.log" 2>&1 &
	bpid=$!
	until curl -sf "http://127.0.0.1:$bport/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
fi
"$bin" serve --db "sqlite:$work/bench.db" --listen 127.0.0.1:$rport --quiet >"$work/renda.log" 2>&1 &
rpid=$!
until curl -sf "http://127.0.0.1:$rport/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
login() { # user [port]
	curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"Renda@2024\"}" "http://127.0.0.1:${2:-$rport}/api/v1/session" |
		sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p'
}
city=$(login city)
station=$(login station)
if [ -n "$base" ]; then
	bcity=$(login city $bport)
	bstation=$(login station $bport)
fi
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
cpu_ticks() { # utime + stime of a process, in clock ticks
	awk '{print $14 + $15}' "/proc/$1/stat"
}
hz=$(getconf CLK_TCK)
rows=""
bench() { # label, path, cookie, the base build's cookie
	file=$(echo "$2" | tr '/' '_').json
	curl -sf -H "Cookie: $3" "http://127.0.0.1:$rport/api/v1/$2" >"$work/www/$file"
	chmod a+r "$work/www/$file"
	bytes=$(wc -c <"$work/www/$file")
	t0=$(cpu_ticks "$rpid")
	r=$(run_wrk "http://127.0.0.1:$rport/api/v1/$2" "Cookie: $3")
	rcpu=$(awk -v a="$t0" -v b="$(cpu_ticks "$rpid")" -v n="$(echo "$r" | awk '/requests in/ {print $1}')" -v hz="$hz" \
		'BEGIN { printf "%.0f", (b - a) * 1e6 / hz / n }')
	n=$(run_wrk "http://127.0.0.1:$nport/$file" "Cookie: $3")
	rr=$(field "$r" rps)
	nr=$(field "$n" rps)
	ratio=$(awk -v a="$rr" -v b="$nr" 'BEGIN { printf "%.2f", a / b }')
	err=$(field "$r" errors)
	bcols=""
	if [ -n "$base" ]; then
		if ! curl -sf -H "Cookie: $4" "http://127.0.0.1:$bport/api/v1/$2" | cmp -s - "$work/www/$file"; then
			err="$err (the base build's reply differs)"
		fi
		t0=$(cpu_ticks "$bpid")
		b=$(run_wrk "http://127.0.0.1:$bport/api/v1/$2" "Cookie: $4")
		bcpu=$(awk -v a="$t0" -v b="$(cpu_ticks "$bpid")" -v n="$(echo "$b" | awk '/requests in/ {print $1}')" -v hz="$hz" \
			'BEGIN { printf "%.0f", (b - a) * 1e6 / hz / n }')
		br=$(field "$b" rps)
		bcols=" $br | $(awk -v a="$br" -v b="$nr" 'BEGIN { printf "%.2f", a / b }') | $(field "$b" 50%) / $(field "$b" 99%) | $bcpu µs |"
	fi
	rows="$rows| $1 | $bytes | $rr | $nr | **$ratio** | $(field "$r" 50%) / $(field "$r" 99%) | $(field "$n" 50%) / $(field "$n" 99%) | $rcpu µs |$bcols${err:+ $err}
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
bench "opinion $opinion (station staff, masked)" "opinions/$opinion" "$station" "${bstation:-}"
bench "deputy $deputy (station staff, masked)" "deputies/$deputy" "$station" "${bstation:-}"
bench "suggestion $suggestion (city staff)" "suggestions/$suggestion" "$city" "${bcity:-}"
bench "meeting $meeting (city staff)" "meetings/$meeting" "$city" "${bcity:-}"
bench "opinion $opinion (city staff, full phone, audited)" "opinions/$opinion" "$city" "${bcity:-}"
bench "deputy $deputy (city staff, full phone, audited)" "deputies/$deputy" "$city" "${bcity:-}"
echo
if [ -n "$base" ]; then
	echo "| read | bytes | renda req/s | nginx req/s | renda / nginx | renda p50 / p99 | nginx p50 / p99 | renda CPU/request | base req/s | base / nginx | base p50 / p99 | base CPU/request |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
else
	echo "| read | bytes | renda req/s | nginx req/s | renda / nginx | renda p50 / p99 | nginx p50 / p99 | renda CPU/request |"
	echo "|---|---|---|---|---|---|---|---|"
fi
printf "%s" "$rows"
