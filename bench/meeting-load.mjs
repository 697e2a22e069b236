// Load for bench/meetings.sh: N screens watch the meeting's public event stream, M members vote
// at once from C concurrent connections, then the vote is closed; prints the vote's wall time,
// the statuses, and how long after the close the last screen saw the tally.
// Usage: node bench/meeting-load.mjs URL VOTE_ID SCREEN_TOKEN TOKENS_FILE STAFF_COOKIE STAFF_CSRF [screens] [conns]
import http from 'node:http';
import { readFileSync } from 'node:fs';

const [url, voteId, screen, tokensFile, staffCookie, staffCsrf, nScreens = '500', nConns = '120'] = process.argv.slice(2);
const u = new URL(url);
const members = readFileSync(tokensFile, 'utf8').trim().split('\n').map((l) => l.split(' '));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(nConns) });

function request(method, path, headers, body) {
  return new Promise((ok) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
      let t = '';
      res.on('data', (d) => { t += d; });
      res.on('end', () => ok({ status: res.statusCode, text: t }));
    });
    req.on('error', (e) => ok({ status: 0, text: String(e) }));
    req.end(body);
  });
}

// The screens: each resolves when it sees the closed vote.
let closedAt = 0;
const seen = [];
let connected = 0, failed = 0;
const screens = [];
// The screens connect in waves of 100: the server cuts the oldest of more than 128 connections of
// one address still waiting for their headers (LIMIT_CONN_WAITING_PER_IP), as 500 at once would be.
for (let i = 0; i < Number(nScreens); i++) {
  if (i % 100 === 0) while (connected + failed < i) await new Promise((r) => setTimeout(r, 10));
  screens.push(new Promise((ok) => {
    const req = http.get({ host: u.hostname, port: u.port, path: `/api/v1/public/screens/${screen}/events`, agent: false }, (res) => {
      connected++;
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        let k;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, k);
          buf = buf.slice(k + 2);
          const line = ev.split('\n').find((l) => l.startsWith('data: '));
          if (!line) continue;
          const v = JSON.parse(line.slice(6)).vote;
          if (closedAt && v && String(v.id) === voteId && v.state === 'closed') {
            seen.push(Date.now() - closedAt);
            req.destroy();
            ok(v);
          }
        }
      });
    });
    req.on('error', () => { failed++; ok(null); });
  }));
}
while (connected + failed < Number(nScreens)) await new Promise((r) => setTimeout(r, 20));

const t0 = Date.now();
const results = await Promise.all(members.map(([cookie, csrf], i) => request('POST', `/api/v1/votes/${voteId}/ballots`,
  { Cookie: 'renda_session=' + cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
  JSON.stringify({ choice: i % 10 === 0 ? 'against' : 'for' }))));
const voteMs = Date.now() - t0;
const byStatus = {};
for (const r of results) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
// a second round of the same members: every one refused
const again = await Promise.all(members.slice(0, 200).map(([cookie, csrf]) => request('POST', `/api/v1/votes/${voteId}/ballots`,
  { Cookie: 'renda_session=' + cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, JSON.stringify({ choice: 'for' }))));
closedAt = Date.now();
const close = await request('POST', `/api/v1/votes/${voteId}/actions`,
  { Cookie: staffCookie, 'X-CSRF-Token': staffCsrf, 'Content-Type': 'application/json' }, JSON.stringify({ action: 'close' }));
const closeMs = Date.now() - closedAt;
const tallies = await Promise.all(screens);
seen.sort((a, b) => a - b);
const v = JSON.parse(close.text).vote;
console.log(JSON.stringify({
  votes: members.length, vote_wall_ms: voteMs, statuses: byStatus,
  repeat_refused: again.filter((r) => r.status === 409).length,
  close_status: close.status, close_ms: closeMs, counted: v.for + v.against + v.abstain, for: v.for, against: v.against,
  screens: tallies.filter(Boolean).length,
  screen_latency_ms: { p50: seen[Math.floor(seen.length / 2)], max: seen[seen.length - 1] },
}));
agent.destroy();
process.exit(0);
