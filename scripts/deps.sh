#!/bin/sh
# Installs the Debian and npm packages renda needs to build, run and test.
# Idempotent: installs only what is missing. Used by `make run` and `make test`.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev
libsqlite3-dev sqlite3 libpq-dev postgresql libcmocka-dev chromium
nginx-light wrk valgrind clang libclang-rt-14-dev clang-format curl
libssl-dev libcurl4-openssl-dev libqrencode-dev libxlsxwriter-dev libminizip-dev libexpat1-dev libpng-dev zlib1g-dev
fonts-wqy-microhei libfriso-dev friso-dict"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
# Node.js 20 with its bundled npm may come from another packaging; take Debian's only if absent.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -q
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
	# nginx is only used by the benchmark; do not leave the packaged server running.
	if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true; fi
	$SUDO service nginx stop >/dev/null 2>&1 || true
fi

# Web UI packages, pinned in web/package-lock.json.
if [ -f web/package-lock.json ]; then
	if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
		(cd web && npm ci --no-audit --no-fund)
	fi
fi
