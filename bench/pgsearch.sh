#!/bin/sh
# Benchmark of opinion search and hot topics on PostgreSQL with a million opinions.
# Usage: sh bench/pgsearch.sh [seconds]
# The database is made once and kept (RENDA_BENCH_PG, default /var/tmp/renda-bench-pg; about
# 5 GB): a throw-away cluster (scripts/pg.sh), the medium demo (20,000 opinions), then every
# opinion copied 49 times in one INSERT ... SELECT (bench/pg-million.sql), about 10 minutes on
# two cores. Later runs start the kept cluster again and migrate it with the build under test.
# Printed side by side, in one run:
#  1. the server (RENDA_BIN, default build/renda) under wrk: server time of each request from
#     its access log (bench/opinions.sh on this database);
#  2. the database work of the same searches of the whole city, count and page of ids, as the
#     previous code asked for it (the GIN index of search_tsv) and as the build asks for it now
#     (opinion_terms), each under pgbench with two clients, p50/p99 from pgbench's log of every
#     transaction. (A search within a region still uses the GIN index.)
# RENDA_REF_BIN=another build also runs 1. with that build first, on the same database.
# Delete the folder to build the database again (e.g. after a change to the demo).
set -eu
cd "$(dirname "$0")/.."
secs=${1:-5}
bin=${RENDA_BIN:-./build/renda}
dir=${RENDA_BENCH_PG:-/var/tmp/renda-bench-pg}
export PGTEST_PORT=${PGTEST_PORT:-54339}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
work=$(mktemp -d /tmp/renda-pgsearch.XXXXXX)
up=""
cleanup() {
	[ -n "$up" ] && sh scripts/pg.sh halt "$dir"
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
if [ -f "$dir/ready" ]; then
	admin=$(sh scripts/pg.sh resume "$dir")
	up=1
else
	sh scripts/pg.sh stop "$dir"
	admin=$(sh scripts/pg.sh start "$dir")
	up=1
	t0=$(date +%s)
	psql "$admin" -qc "CREATE DATABASE bench"
	url=$(echo "$admin" | sed 's|/postgres?|/bench?|')
	RENDA_KEY_FILE="$dir/renda.key" nice "$bin" demo --db "$url" --size medium --seed 1 >/dev/null
	nice psql "$url" -q -v copies=49 -f bench/pg-million.sql >/dev/null
	touch "$dir/ready"
	echo "database made in $(($(date +%s) - t0)) s"
fi
url=$(echo "$admin" | sed 's|/postgres?|/bench?|')
export RENDA_KEY_FILE="$dir/renda.key"
"$bin" migrate --db "$url" >/dev/null

if [ -n "${RENDA_REF_BIN:-}" ]; then
	echo "== the reference server ($RENDA_REF_BIN), server time per request"
	RENDA_BIN=$RENDA_REF_BIN sh bench/opinions.sh "$secs" "$url"
fi
echo "== the server ($bin), server time per request"
sh bench/opinions.sh "$secs" "$url"

echo "== the database work of one search: count (cap 10,000) and the first page's ids"
# $1 label, $2 the query's terms as the index holds them (space-separated), $3 region path
pgb() {
	: >"$work/sql"
	tsq=$(echo "$2" | sed 's/ / \& /g')
	terms=$(echo "$2" | wc -w)
	if [ "$4" = gin ]; then
		cat >>"$work/sql" <<-EOF
			SELECT COUNT(*) FROM (SELECT 1 FROM opinions o WHERE o.search_tsv @@ to_tsquery('simple', '$tsq') LIMIT 10001) t;
			SELECT o.id FROM opinions o WHERE o.region_path LIKE '$3%' AND o.search_tsv @@ to_tsquery('simple', '$tsq') ORDER BY o.id DESC LIMIT 20;
		EOF
	else
		# the rarest term first, as db_text_walk orders them
		set -- "$1" "$(for t in $2; do
			n=$(psql "$url" -Atc "SELECT COUNT(*) FROM (SELECT 1 FROM opinion_terms WHERE term = '$t' LIMIT 1000) x")
			echo "$n $t"
		done | sort -n | awk '{print $2}' | tr '\n' ' ')" "$3" "$4"
		first=${2%% *}
		probes=""
		i=1
		for t in ${2#* }; do
			[ "$t" = "$first" ] && continue
			probes="$probes AND EXISTS (SELECT 1 FROM opinion_terms t$i WHERE t$i.term = '$t' AND t$i.id = t0.id)"
			i=$((i + 1))
		done
		cat >>"$work/sql" <<-EOF
			SELECT COUNT(*) FROM (SELECT 1 FROM opinion_terms t0 WHERE t0.term = '$first'$probes LIMIT 10001) t;
			SELECT t0.id FROM opinion_terms t0 JOIN opinions o ON o.id = t0.id WHERE o.region_path LIKE '$3%' AND t0.term = '$first'$probes ORDER BY t0.id DESC LIMIT 20;
		EOF
	fi
	rm -f "$work"/log.*
	(cd "$work" && nice "$pgbin/pgbench" -n -c2 -j1 -T "$secs" -f sql -l --log-prefix=log "$url" >/dev/null 2>&1)
	cat "$work"/log.* | awk '{print $3}' | sort -n |
		awk -v l="$1" -v k="$4" -v n="$terms" '{v[NR]=$1} END {if (NR) printf "%-42s %-6s terms=%d n=%d p50=%.1fms p99=%.1fms\n", l, k, n, NR, v[int(NR*0.5)+1]/1000, v[int(NR*0.99)]/1000}'
}
for kind in gin terms; do
	pgb "search 路灯" "路灯" "/329900/" $kind
	pgb "search 噪音" "噪音" "/329900/" $kind
	pgb "search 道路积水" "道路 路积 积水" "/329900/" $kind
	pgb "search 广场舞音响" "广场 场舞 舞音 音响" "/329900/" $kind
done
