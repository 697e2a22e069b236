#!/bin/sh
# A throw-away PostgreSQL for the tests: `pg.sh start DIR` initialises a cluster in DIR that
# listens only on a unix socket in DIR and prints its admin URL; `pg.sh stop DIR` stops it and
# removes DIR; `pg.sh halt DIR` stops it and keeps DIR, `pg.sh resume DIR` starts it again.
# initdb and pg_ctl refuse to run as root, so as root they run as `postgres`.
set -eu
cmd=$1
dir=$2
port=${PGTEST_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "pg.sh: PostgreSQL server binaries not found (package postgresql)" >&2; exit 1; }
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case $cmd in
resume)
	# A cluster that pg.sh start made and pg.sh halt stopped (a benchmark's kept database).
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql:///postgres?host=$dir&port=$port&user=postgres"
	;;
halt)
	as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	;;
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
	as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; exit 1; }
	# Throw-away data: no fsync, so the suite runs fast; production keeps the defaults.
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -p $port -c fsync=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	echo "postgresql:///postgres?host=$dir&port=$port&user=postgres"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: pg.sh start|stop|resume|halt DIR" >&2
	exit 2
	;;
esac
