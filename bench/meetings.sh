#!/bin/sh
# Benchmark of a meeting's vote (SQLite, FULL sync): 3,000 members vote on one item at once from
# 120 keep-alive connections while 500 screens watch the public event stream; then the vote is
# closed. Reports the votes' wall time, that each was counted once, how soon after the close the
# last screen saw the tally, and the server's peak resident memory.
# Usage: sh bench/meetings.sh [members] [screens]
# Environment: RENDA_BIN (default ./build/renda: another build to compare, run the same way),
# THREADS (HTTP threads, default 32), PORT (default 18184).
set -eu
cd "$(dirname "$0")/.."
n=${1:-3000}
screens=${2:-500}
work=$(mktemp -d /tmp/renda-bench.XXXXXX)
db="$work/b.db"
port=${PORT:-18184}
bin=${RENDA_BIN:-./build/renda}
threads=${THREADS:-32}
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	sleep 0.2
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
"$bin" demo --db "sqlite:$db" --size small --seed 1 >/dev/null 2>&1
# n more deputies of 松岭镇's 18th congress, each with an account and a live session
python3 - "$n" "$work" <<'PY' | sqlite3 "$db"
import sys, hashlib, secrets, time
n, work = int(sys.argv[1]), sys.argv[2]
now = int(time.time())
print("BEGIN;")
print(f"""WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < {n})
INSERT INTO deputies (name, gender, ethnicity, birth_date, party, education, occupation, employer, post,
  region_code, region_path, active_levels, created_at, updated_at)
SELECT '代表' || i, d.gender, d.ethnicity, d.birth_date, d.party, d.education, d.occupation, d.employer, d.post,
  d.region_code, d.region_path, d.active_levels, {now}, {now}
FROM k, (SELECT * FROM deputies WHERE region_code = '329981101' ORDER BY id LIMIT 1) d;""")
print(f"""INSERT INTO mandates (deputy_id, level, term, region_code, status, started_on, created_at, updated_at)
SELECT id, 'township', 18, '329981101', 'active', '2021-11-20', {now}, {now} FROM deputies WHERE name LIKE '代表%';""")
print(f"""INSERT INTO accounts (username, display_name, role, region_code, password_hash, must_change_password,
  password_changed_at, created_at, updated_at, deputy_id)
SELECT 'b' || d.id, d.name, 'deputy', '329981101', a.password_hash, 0, {now}, {now}, {now}, d.id
FROM deputies d, accounts a WHERE a.username = 'deputy' AND d.name LIKE '代表%';""")
with open(work + "/tokens", "w") as f:
    for i in range(1, n + 1):
        tok, csrf = secrets.token_hex(32), secrets.token_hex(16)
        h = hashlib.blake2b(tok.encode(), digest_size=32).hexdigest()
        print(f"INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, last_seen) SELECT '{h}', id, '{csrf}', {now}, {now} FROM accounts WHERE username = 'b' || (SELECT id FROM deputies WHERE name = '代表{i}');")
        f.write(f"{tok} {csrf}\n")
print("COMMIT;")
PY
"$bin" serve --db "sqlite:$db" --listen 127.0.0.1:$port --threads "$threads" --quiet >/dev/null 2>"$work/err.log" &
pid=$!
until curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; do sleep 0.01; done
base="http://127.0.0.1:$port/api/v1"
hdr=$(curl -s -D - -o "$work/login.json" -H 'Content-Type: application/json' -d '{"username":"unit","password":"Renda@2024"}' "$base/session")
cookie=$(echo "$hdr" | sed -n 's/^Set-Cookie: \(renda_session=[0-9a-f]*\).*/\1/p')
csrf=$(sed 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/' "$work/login.json")
j() { curl -s -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' "$@"; }
mid=$(j -d '{"kind":"session","title":"压力测试会议","region_code":"329981101","term":18,"starts_on":"2026-06-01"}' "$base/meetings" |
	sed 's/^{"meeting":{"id":\([0-9]*\).*/\1/')
j -d '{"action":"open_signin"}' "$base/meetings/$mid/actions" >/dev/null
# everyone present (signing 3,000 in one by one is not what is measured here)
kill "$pid"; wait "$pid" 2>/dev/null || true
sqlite3 "$db" "UPDATE meeting_members SET status = 'present', via = 'staff', signed_in_at = strftime('%s','now') WHERE meeting_id = $mid;"
"$bin" serve --db "sqlite:$db" --listen 127.0.0.1:$port --threads "$threads" --quiet >/dev/null 2>"$work/err.log" &
pid=$!
until curl -sf "$base/health" >/dev/null 2>&1; do sleep 0.01; done
j -d '{"action":"open"}' "$base/meetings/$mid/actions" >/dev/null
screen=$(j "$base/meetings/$mid" | sed 's/.*"screen_token":"\([0-9a-f]*\)".*/\1/')
vid=$(j -d '{"title":"关于预算调整的决议"}' "$base/meetings/$mid/votes" | sed 's/^{"vote":{"id":\([0-9]*\).*/\1/')
j -d '{"action":"open"}' "$base/votes/$vid/actions" | grep -q '"state":"open"'
node bench/meeting-load.mjs "http://127.0.0.1:$port" "$vid" "$screen" "$work/tokens" "$cookie" "$csrf" "$screens" 120
echo "server peak RSS: $(sed -n 's/^VmHWM:\s*//p' /proc/$pid/status)"
echo "counted in the database: $(sqlite3 "$db" "SELECT COUNT(*) FROM vote_casts WHERE vote_id = $vid") casts, $(sqlite3 "$db" "SELECT SUM(n) FROM vote_counts WHERE vote_id = $vid") counter increments"
