#!/bin/sh
# Public submissions per second, side by side in one run: (1) the reference, a plain C loop
# (bench/submit_loop.c) storing the same submission through the same domain call, one
# transaction and one fsync per row (SQLite WAL, synchronous=FULL); (2) the server under wrk,
# POST /api/v1/public/opinions from CONNS connections, where submissions that arrive together
# share one commit (group commit). Each starts from its own copy of the same small demo.
# Usage: sh bench/submit.sh [seconds] [connections]
set -eu
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-64}
threads=$conns
[ "$threads" -gt 64 ] && threads=64
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
port=18184
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
objs=$(ls build/obj/*.o | grep -v '/main\.o$')
mkdir -p build/bench
# shellcheck disable=SC2086
cc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc $(pkg-config --cflags jansson) \
	-o build/bench/submit_loop bench/submit_loop.c $objs \
	$(pkg-config --libs libmicrohttpd jansson libsodium libcrypto libcurl sqlite3 libpq minizip expat xlsxwriter libqrencode libpng zlib) -lpthread
./build/renda demo --db "sqlite:$work/demo.db" --size small --seed 1 >/dev/null 2>&1
for f in loop server; do
	cp "$work/demo.db" "$work/$f.db"
	cp "$work/demo.db.key" "$work/$f.db.key"
done
code=$(sqlite3 "$work/demo.db" "SELECT public_code FROM stations WHERE active = 1 ORDER BY id LIMIT 1")
cat=$(sqlite3 "$work/demo.db" "SELECT id FROM opinion_categories WHERE name = '市政设施'")
body="{\"station_code\":\"$code\",\"category_id\":$cat,\"body\":\"松岭镇枇杷巷的下水道井盖缺失，夜里有人踩空摔伤，请尽快补上井盖。\",\"place\":\"松岭镇枇杷巷\",\"name\":\"张三丰\",\"phone\":\"13912345678\",\"consent\":true}"

set -- $(./build/bench/submit_loop "sqlite:$work/loop.db" "$secs" "$body")
loop_n=$1
loop_rate=$2

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '$body'
LUA
./build/renda serve --db "sqlite:$work/server.db" --listen 127.0.0.1:$port --threads "$threads" \
	--submit-rate 1000000 --quiet >"$work/out.log" 2>"$work/err.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
before=$(sqlite3 "$work/server.db" "SELECT COUNT(*) FROM opinions")
wrk -t2 -c"$conns" -d"${secs}s" -s "$work/post.lua" "http://127.0.0.1:$port/api/v1/public/opinions" >"$work/wrk.txt"
server_rate=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.txt")
bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
stored=$(( $(sqlite3 "$work/server.db" "SELECT COUNT(*) FROM opinions") - before ))
echo "reference loop (one transaction per row, synchronous=FULL): $loop_n rows in ${secs} s, $loop_rate rows/s"
echo "server, wrk -c$conns --threads $threads (group commit): $(awk '/requests in/ {print $1}' "$work/wrk.txt") replies," \
	"$server_rate rows/s, non-2xx ${bad:-0}, stored $stored; latency $(awk '/Latency/ {print $2 " avg, " $4 " max"}' "$work/wrk.txt")"
awk -v s="$server_rate" -v l="$loop_rate" 'BEGIN {printf "server / reference: %.2fx\n", s / l}'
