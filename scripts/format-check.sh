#!/bin/sh
# Lists the C files that clang-format, with the checked-in .clang-format, would change, with the
# number of lines each, and exits 1 if there is any (0 when all are formatted; 2 without
# clang-format). `make format` formats them.
#   scripts/format-check.sh [-d] [FILE...]   -d prints the changes; the files default to those of
#                                            `make format`
set -u
cd "$(dirname "$0")/.."
show=0
if [ "${1:-}" = -d ]; then
	show=1
	shift
fi
command -v clang-format >/dev/null 2>&1 || { echo "format-check: clang-format is not installed" >&2; exit 2; }
[ $# -gt 0 ] || set -- src/*.c src/*.h tests/unit/*.c tests/unit/*.h
tmp=$(mktemp /tmp/renda-format.XXXXXX)
trap 'rm -f "$tmp"' EXIT INT TERM
files=0
lines=0
for f in "$@"; do
	[ -f "$f" ] || continue
	clang-format --style=file "$f" >"$tmp" || { echo "format-check: clang-format failed on $f" >&2; exit 2; }
	cmp -s "$f" "$tmp" && continue
	n=$(diff "$f" "$tmp" | grep -c '^<')
	echo "$f: $n lines to change"
	[ "$show" -eq 1 ] && diff -u "$f" "$tmp" | tail -n +3
	files=$((files + 1))
	lines=$((lines + n))
done
if [ "$files" -gt 0 ]; then
	echo "format-check: $files files, $lines lines differ from .clang-format (make format fixes them)"
	exit 1
fi
echo "format-check: all files formatted"
