// Meetings (api.md "Meetings"): a township session from sign-in to close — quorum, late sign-in by
// QR code, a device vote and a show-of-hands vote with the passing rule over ALL members, a
// secret-ballot election with an invalid ballot and two tellers, the live screen (SSE), records
// and the export; and the refusals: no quorum, voting twice, after close, by a non-member, a
// deputy of another township, too few candidates, tellers who disagree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, unit, county, station, members, mid, sess, setting;
before(async () => {
  srv = await startServer();
  [unit, county, station] = await Promise.all(['unit', 'county', 'station'].map((u) => login(srv, u)));
  // the legal numbers as they apply to the township (the rules are checked against these)
  const r = await api(srv, 'GET', '/api/v1/settings?region=329981101', { session: unit });
  expectStatus(r, 200);
  setting = Object.fromEntries(r.json.items.map((i) => [i.key, i.value]));
});
after(async () => { await srv.stop(); });

const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });
// Reads the stored tables directly, as someone with the database in hand would (rows as objects).
const isPg = () => !srv.db.url.startsWith('sqlite:');
function sql(q) {
  if (!isPg()) {
    const out = execFileSync('sqlite3', ['-json', srv.db.url.slice('sqlite:'.length), q], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return out ? JSON.parse(out) : [];
  }
  return JSON.parse(execFileSync('psql', [srv.db.url, '-X', '-q', '-A', '-t', '-c',
    `SELECT coalesce(json_agg(x), '[]') FROM (${q}) x`], { encoding: 'utf8' }));
}
const get = (s, path) => api(srv, 'GET', path, { session: s });

// Reads server-sent events until pred(data) holds; resolves with the data and the time it came.
function watch(path, pred, headers = {}) {
  return new Promise((ok, fail) => {
    const req = http.get(srv.url + path, { headers }, (res) => {
      if (res.statusCode !== 200) { fail(new Error('status ' + res.statusCode)); return; }
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const line = ev.split('\n').find((l) => l.startsWith('data: '));
          if (!line) continue;
          const data = JSON.parse(line.slice(6));
          if (pred(data)) { req.destroy(); ok({ data, at: Date.now(), type: res.headers['content-type'] }); }
        }
      });
    });
    req.on('error', () => {});
    setTimeout(() => { req.destroy(); fail(new Error('no matching event')); }, 5000);
  });
}

test('a session: members from the roster, quorum, sign-in by staff and by QR code', async () => {
  let r = await post(unit, '/api/v1/meetings', { kind: 'session', title: '第十八届人民代表大会第六次会议', region_code: '329981101',
    term: 18, starts_on: '2026-06-10', notice_on: '2026-06-05', place: '镇政府大会议室' });
  expectStatus(r, 201);
  mid = r.json.meeting.id;
  assert.equal(r.json.meeting.state, 'planned');
  assert.match(r.json.meeting.warnings[0], new RegExp(`不足 ${setting['meeting.notice_days']} 日`));
  // the projector view needs no login
  sess = r.json.meeting;
  r = await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' });
  expectError(r, 409, 'bad_state');
  r = await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' });
  expectStatus(r, 200);
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  members = r.json.items.map((m) => m.deputy_id);
  const total = r.json.attendance.members;
  assert.equal(members.length, total);
  const needed = r.json.attendance.quorum_needed;
  assert.equal(needed, Math.ceil(total * setting['meeting.quorum_num'] / setting['meeting.quorum_den']));
  for (const id of members.slice(1, needed)) {
    r = await post(unit, `/api/v1/meetings/${mid}/attendance`, { action: 'sign_in', deputy_id: id });
    expectStatus(r, 200);
  }
  r = await post(unit, `/api/v1/meetings/${mid}/attendance`, { action: 'leave', deputy_id: members[total - 1] });
  expectError(r, 400, 'missing_field');
  r = await post(unit, `/api/v1/meetings/${mid}/attendance`, { action: 'leave', deputy_id: members[total - 1], reason: '住院' });
  expect200(r);
  assert.equal(r.json.attendance.present, needed - 1);
  assert.equal(r.json.attendance.quorum_met, false);
  r = await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' });
  expectError(r, 409, 'no_quorum');
  assert.match(r.json.error.message, /未达法定人数/);
  // the first member arrives late and scans the door's QR code with their own account
  const d0 = await login(srv, 'd' + members[0]);
  // a member reads the attendance with its own entry, but not the others' leave reasons
  r = await get(d0, `/api/v1/meetings/${mid}/attendance`);
  expect200(r);
  assert.equal(r.json.me.deputy_id, members[0]);
  assert.equal(r.json.items.find((x) => x.deputy_id === members[total - 1]).status, 'leave');
  assert.equal(r.json.items.find((x) => x.deputy_id === members[total - 1]).leave_reason, '');
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  assert.equal(r.json.items.find((x) => x.deputy_id === members[total - 1]).leave_reason, '住院');
  r = await post(d0, '/api/v1/meetings/signin', { token: 'nope' });
  expectError(r, 404, 'not_found');
  r = await post(d0, '/api/v1/meetings/signin', { token: sess.signin_token });
  expectStatus(r, 200);
  assert.equal(r.json.member.via, 'qr');
  assert.equal(r.json.attendance.quorum_met, true);
  r = await post(d0, '/api/v1/meetings/signin', { token: sess.signin_token });
  expectError(r, 409, 'already_present');
  r = await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' });
  expectStatus(r, 200);
  assert.equal(r.json.meeting.state, 'in_session');
  // a deputy sees the meeting but not its tokens; station staff read but cannot run it
  r = await get(d0, `/api/v1/meetings/${mid}`);
  expectStatus(r, 200);
  assert.equal(r.json.meeting.signin_token, null);
  r = await get(station, `/api/v1/meetings/${mid}`);
  expectStatus(r, 200);
  r = await post(station, `/api/v1/meetings/${mid}/actions`, { action: 'close' });
  expectError(r, 403, 'forbidden');
  r = await post(d0, `/api/v1/meetings/${mid}/votes`, { title: 'x' });
  expectError(r, 403, 'forbidden');
});

function expect200(r) { expectStatus(r, 200); }

test('a device vote: once per member, only while open, counted over all members; the screen sees the close', async () => {
  let r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '关于财政预算的决议', recorded: true });
  expectStatus(r, 201);
  const vid = r.json.vote.id;
  const d = await Promise.all(members.slice(0, 3).map((id) => login(srv, 'd' + id)));
  r = await post(d[0], `/api/v1/votes/${vid}/ballots`, { choice: 'for' });
  expectError(r, 409, 'bad_state');
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' });
  expectStatus(r, 200);
  const screen = watch(`/api/v1/public/screens/${sess.screen_token}/events`, (x) => x.vote && x.vote.id === vid && x.vote.state === 'closed');
  r = await post(d[0], `/api/v1/votes/${vid}/ballots`, { choice: 'maybe' });
  expectError(r, 400, 'bad_value');
  const votes = await Promise.all(d.map((s, i) => post(s, `/api/v1/votes/${vid}/ballots`, { choice: i === 2 ? 'against' : 'for' })));
  votes.forEach((v) => expectStatus(v, 200));
  r = await post(d[0], `/api/v1/votes/${vid}/ballots`, { choice: 'against' });
  expectError(r, 409, 'already_voted');
  assert.match(r.json.error.message, /不能重复投票/);
  // a member on leave is not present
  const away = await login(srv, 'd' + members[members.length - 1]);
  r = await post(away, `/api/v1/votes/${vid}/ballots`, { choice: 'for' });
  expectError(r, 409, 'not_present');
  r = await get(unit, `/api/v1/votes/${vid}`);
  assert.equal(r.json.vote.cast, 3);
  assert.equal(r.json.vote.for, null); // hidden while open
  const t0 = Date.now();
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  const v = r.json.vote;
  assert.equal(v.for, 2);
  assert.equal(v.against, 1);
  assert.equal(v.passed, false);
  assert.equal(v.base, v.members);
  assert.match(v.rule, /未超过全体组成人员/);
  assert.equal(v.ballots.length, 3); // recorded vote: named after the close, to staff
  const seen = await screen;
  assert.equal(seen.data.vote.for, 2);
  assert.ok(seen.at - t0 < 1000, 'the screen saw the close within a second');
  // the public screen (no login) shows totals only: no member's name or id, not even now
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}`);
  expectStatus(r, 200);
  assert.equal(r.json.vote.id, vid);
  assert.equal(r.json.vote.against, 1);
  for (const text of [JSON.stringify(r.json), JSON.stringify(seen.data)]) {
    assert.ok(!text.includes('ballots') && !text.includes('deputy_id'), text);
    for (const b of v.ballots) assert.ok(!text.includes(b.name), `the screen names ${b.name}`);
  }
  // the staff's own live stream is the same snapshot; a member reads the totals, not the names
  r = await get(d[0], `/api/v1/votes/${vid}`);
  expectStatus(r, 200);
  assert.equal(r.json.vote.for, 2);
  assert.equal(r.json.vote.ballots, undefined);
  r = await get(station, `/api/v1/votes/${vid}`); // staff with read permission
  assert.equal(r.json.vote.ballots.length, 3);
  r = await post(d[1], `/api/v1/votes/${vid}/ballots`, { choice: 'for' });
  expectError(r, 409, 'bad_state');
  // an anonymous vote keeps no choice per member
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' });
  expectError(r, 409, 'bad_state');
});

test('a show-of-hands vote entered by staff, and a two-thirds rule', async () => {
  let r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: '关于修改议事规则的决定', mode: 'tally', threshold: 'two_thirds', basis: 'present' });
  const vid = r.json.vote.id;
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' });
  const present = r.json.vote.present;
  r = await post(unit, `/api/v1/votes/${vid}/tally`, { for: present + 1, against: 0, abstain: 0 });
  expectError(r, 400, 'too_many_votes');
  const need = Math.ceil(present * 2 / 3);
  r = await post(unit, `/api/v1/votes/${vid}/tally`, { for: need, against: present - need, abstain: 0 });
  expectStatus(r, 200);
  r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  assert.equal(r.json.vote.passed, true);
  assert.equal(r.json.vote.needed, need);
});

test('an election: candidate counts, an invalid ballot, tellers who disagree, the result', async () => {
  let r = await post(unit, `/api/v1/meetings/${mid}/elections`, { office: '副镇长', office_kind: 'vice', seats: 1 });
  expectStatus(r, 201);
  const rid = r.json.election.rounds[0].id;
  r = await post(unit, `/api/v1/rounds/${rid}/candidates`, { name: '周明', nominated_by: 'presidium' });
  expectStatus(r, 201);
  r = await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'open' });
  expectError(r, 409, 'candidate_count');
  assert.match(r.json.error.message, /差额/);
  // a joint nomination: one deputy short of election.nominators_min refused, exactly that many accepted
  const need = setting['election.nominators_min'];
  assert.ok(members.length >= need);
  r = await post(unit, `/api/v1/rounds/${rid}/candidates`, { name: '吴芳', nominated_by: 'deputies', nominator_ids: members.slice(0, need - 1) });
  expectError(r, 400, 'too_few_nominators');
  r = await post(unit, `/api/v1/rounds/${rid}/candidates`, { name: '吴芳', nominated_by: 'deputies', nominator_ids: members.slice(0, need) });
  expectStatus(r, 201);
  assert.equal(r.json.election.rounds[0].candidates.find((c) => c.name === '吴芳').nominators, need);
  const [c1, c2] = r.json.election.rounds[0].candidates.map((c) => String(c.id));
  // before the round opens, the screen still shows the last vote's result
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}`);
  expectStatus(r, 200);
  assert.equal(r.json.current, 'vote');
  assert.equal(r.json.vote.state, 'closed');
  r = await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'open' });
  expectStatus(r, 200);
  // the projector: the election running now, not the vote before it
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}`);
  expectStatus(r, 200);
  assert.equal(r.json.current, 'round');
  assert.equal(r.json.round.id, rid);
  assert.equal(r.json.round.state, 'open');
  const d = await Promise.all(members.slice(0, 3).map((id) => login(srv, 'd' + id)));
  r = await post(d[0], `/api/v1/rounds/${rid}/ballots`, { marks: { [c1]: 'for', [c2]: 'for' } });
  expectStatus(r, 200);
  assert.equal(r.json.valid, false); // two "for" marks for one seat
  r = await post(d[0], `/api/v1/rounds/${rid}/ballots`, { marks: { [c1]: 'for' } });
  expectError(r, 409, 'already_voted');
  r = await post(d[1], `/api/v1/rounds/${rid}/ballots`, { marks: { [c1]: 'for', [c2]: 'against' } });
  assert.equal(r.json.valid, true);
  // the rest vote on paper: handed out, then two tellers count
  const paperIds = members.slice(3, r.json ? 30 : 30);
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  const presentIds = r.json.items.filter((m) => m.status === 'present').map((m) => m.deputy_id).filter((id) => !members.slice(0, 3).includes(id));
  r = await post(unit, `/api/v1/rounds/${rid}/paper-issued`, { deputy_ids: presentIds });
  expectStatus(r, 200);
  r = await post(d[2], `/api/v1/rounds/${rid}/ballots`, { marks: { [c1]: 'for' } });
  expectStatus(r, 200);
  const n = presentIds.length;
  const entry = (x) => ({ returned: n, invalid: 1, candidates: { [c1]: { for: x, against: 1 }, [c2]: { for: n - 1 - x } } });
  r = await post(unit, `/api/v1/rounds/${rid}/paper`, entry(n - 5));
  expectStatus(r, 200);
  assert.equal(r.json.agreed, false);
  r = await post(county, `/api/v1/rounds/${rid}/paper`, entry(n - 6));
  expectError(r, 409, 'tellers_disagree');
  assert.match(r.json.error.message, /不一致/);
  r = await post(county, `/api/v1/rounds/${rid}/paper`, entry(n - 5));
  expectStatus(r, 200);
  assert.equal(r.json.agreed, true);
  r = await post(county, `/api/v1/rounds/${rid}/paper`, entry(n - 5));
  expectError(r, 409, 'bad_state');
  r = await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'count' });
  expectStatus(r, 200);
  const round = r.json.election.rounds[0];
  assert.equal(round.returned, n + 3);
  assert.equal(round.invalid, 2);
  const zhou = round.candidates.find((c) => c.name === '周明');
  assert.equal(zhou.for, 2 + n - 5);
  assert.equal(zhou.elected, zhou.for * 2 > round.members);
  void paperIds;
});

test('a secret ballot leaves nothing stored that ties a ballot to a member: no order, no time, no content in the audit', async () => {
  let r = await post(unit, `/api/v1/meetings/${mid}/elections`, { office: '副镇长（补选）', office_kind: 'vice', seats: 1 });
  expectStatus(r, 201);
  const eid = r.json.election.id;
  const rid = r.json.election.rounds[0].id;
  for (const name of ['陈立', '林青']) {
    r = await post(unit, `/api/v1/rounds/${rid}/candidates`, { name, nominated_by: 'presidium' });
    expectStatus(r, 201);
  }
  const [c1, c2] = r.json.election.rounds[0].candidates.map((c) => String(c.id));
  r = await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'open' });
  expectStatus(r, 200);
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  const present = r.json.items.filter((m) => m.status === 'present').map((m) => m.deputy_id).sort((a, b) => a - b);
  const voters = present.slice(0, 5).reverse(); // they vote from the highest id down
  assert.ok(voters.length >= 4);
  // write-ins cast in an order that is neither their sorted order nor the voters' ids
  const names = ['赵一', '钱二', '孙三', '李四', '周五'];
  const written = [];
  for (const [i, id] of voters.entries()) {
    const s = await login(srv, 'd' + id);
    const body = i % 2 ? { marks: { [c1]: 'against', [c2]: 'abstain' }, write_ins: [names[i]] } : { marks: { [c1]: 'for', [c2]: 'against' } };
    if (i % 2) written.push(names[i]);
    r = await post(s, `/api/v1/rounds/${rid}/ballots`, body);
    expectStatus(r, 200);
    assert.equal(r.json.valid, true);
  }
  assert.notDeepEqual(written, [...written].sort());
  // who voted: a roster row per member, with no time and no content
  const roster = sql(`SELECT * FROM round_roster WHERE round_id = ${rid} ORDER BY deputy_id`);
  assert.deepEqual(Object.keys(roster[0]).sort(), ['channel', 'deputy_id', 'round_id', 'voted']);
  assert.deepEqual(roster.filter((x) => x.voted === 1).map((x) => x.deputy_id), [...voters].sort((a, b) => a - b));
  assert.ok(roster.length > voters.length, 'the roster was written when the round opened, for every member');
  if (isPg()) {
    // physical order and writing transaction alike for every row: neither tells who voted when
    assert.deepEqual(sql(`SELECT deputy_id FROM round_roster WHERE round_id = ${rid} ORDER BY ctid`).map((x) => x.deputy_id),
      roster.map((x) => x.deputy_id));
    assert.equal(sql(`SELECT count(DISTINCT xmin::text) AS n FROM round_roster WHERE round_id = ${rid}`)[0].n, 1);
    assert.equal(sql(`SELECT count(DISTINCT xmin::text) AS n FROM election_candidates WHERE round_id = ${rid}`)[0].n, 1);
  } else {
    assert.match(sql("SELECT sql FROM sqlite_master WHERE name = 'round_roster'")[0].sql, /WITHOUT ROWID/);
    assert.throws(() => sql('SELECT rowid FROM round_roster'));
  }
  // what was voted: counters and write-in counts in place, keys sorted, no member and no time
  const stored = sql(`SELECT write_ins FROM election_rounds WHERE id = ${rid}`)[0].write_ins;
  assert.deepEqual(Object.keys(JSON.parse(stored)), [...written].sort());
  assert.ok(Object.values(JSON.parse(stored)).every((n) => n === 1));
  const cols = (t) => isPg()
    ? sql(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${t}'`).map((x) => x.name)
    : sql(`SELECT name FROM pragma_table_info('${t}')`).map((x) => x.name);
  assert.deepEqual(cols('election_candidates').filter((c) => /deputy|voter|_at$|time/.test(c)), ['deputy_id']); // the candidate's own
  assert.deepEqual(cols('election_rounds').filter((c) => /deputy|voter|_at$|time/.test(c)).sort(), ['counted_at', 'opened_at']);
  const tables = isPg()
    ? sql("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
    : sql("SELECT name FROM sqlite_master WHERE type = 'table'");
  assert.deepEqual(tables.map((x) => x.name).filter((n) => /ballot|writein|voter/.test(n)), []);
  // the audit says that each member voted in the round, never how
  const auditor = await login(srv, 'auditor');
  r = await get(auditor, `/api/v1/audit?object_type=election&object_id=${eid}&page_size=100`);
  expectStatus(r, 200);
  const cast = r.json.items.filter((x) => x.action === 'election.ballot');
  assert.equal(cast.length, voters.length);
  for (const x of cast) {
    const text = JSON.stringify(x);
    assert.ok(!/marks|write_ins|"for"|against|abstain/.test(text), text);
    for (const n of names) assert.ok(!text.includes(n), text);
  }
  // and the count is as before: the write-ins each with their one vote
  r = await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'count' });
  expectStatus(r, 200);
  const round = r.json.election.rounds[0];
  assert.equal(round.returned, voters.length);
  assert.equal(round.candidates.find((c) => String(c.id) === c1).for, Math.ceil(voters.length / 2));
  assert.deepEqual(round.write_ins.map((w) => w.name), [...written].sort());
  assert.ok(round.write_ins.every((w) => w.votes === 1));
});

test('denials: a deputy of another township, a non-member, a meeting out of scope', async () => {
  let r = await post(unit, '/api/v1/meetings', { kind: 'session', title: '白圩镇会议', region_code: '329981102', term: 18, starts_on: '2026-06-10' });
  expectError(r, 403, 'out_of_scope');
  r = await post(county, '/api/v1/meetings', { kind: 'session', title: '白圩镇会议', region_code: '329981102', term: 18, starts_on: '2026-06-10' });
  expectStatus(r, 201);
  const other = r.json.meeting.id;
  const d0 = await login(srv, 'd' + members[0]);
  r = await get(d0, `/api/v1/meetings/${other}`);
  expectError(r, 404, 'not_found');
  r = await get(unit, `/api/v1/meetings/${other}`);
  expectError(r, 404, 'not_found');
  // a presidium meeting without this deputy
  r = await post(unit, '/api/v1/meetings', { kind: 'presidium', title: '主席团会议', region_code: '329981101', starts_on: '2026-06-11', member_ids: members.slice(1, 4) });
  expectStatus(r, 201);
  const pm = r.json.meeting.id;
  await post(unit, `/api/v1/meetings/${pm}/actions`, { action: 'open_signin' });
  r = await post(d0, `/api/v1/meetings/${pm}/attendance`, { action: 'sign_in' });
  expectError(r, 404, 'not_found');
  r = await post(unit, `/api/v1/meetings/${pm}/attendance`, { action: 'sign_in', deputy_id: members[0] });
  expectError(r, 403, 'not_member');
  r = await get(d0, `/api/v1/meetings/${pm}/events`);
  expectError(r, 404, 'not_found');
  r = await get(d0, '/api/v1/meetings');
  assert.ok(r.json.items.some((m) => m.id === mid));
  assert.ok(!r.json.items.some((m) => m.id === pm || m.id === other));
});

test('two conflicting steps on one meeting at the same time: exactly one applies, the other is a 409', async () => {
  const auditor = await login(srv, 'auditor');
  for (let i = 0; i < 8; i++) {
    let r = await post(unit, '/api/v1/meetings', { kind: 'presidium', title: `并发 ${i}`, region_code: '329981101',
      starts_on: '2026-07-01', member_ids: members.slice(0, 3) });
    expectStatus(r, 201);
    const id = r.json.meeting.id;
    const both = await Promise.all([{ action: 'cancel' }, { action: i % 2 ? 'cancel' : 'open_signin' }]
      .map((body) => post(unit, `/api/v1/meetings/${id}/actions`, body)));
    assert.deepEqual(both.map((x) => x.status).sort(), [200, 409], JSON.stringify(both.map((x) => x.json)));
    const lost = both.find((x) => x.status === 409);
    assert.ok(['bad_state', 'stale'].includes(lost.json.error.code));
    r = await get(auditor, '/api/v1/audit?object_type=meeting&object_id=' + id);
    expectStatus(r, 200);
    assert.equal(r.json.items.filter((x) => x.action === 'meeting.action').length, 1);
  }
});

test('records: the printable JSON, the spreadsheet, the screen, the close', async () => {
  let r = await get(unit, `/api/v1/meetings/${mid}/record`);
  expectStatus(r, 200);
  assert.ok(r.json.attendance.length > 0);
  assert.ok(r.json.votes.length >= 2);
  assert.equal(r.json.elections.length, 2); // the election and the secret-ballot test's
  const res = await fetch(srv.url + `/api/v1/meetings/${mid}/export`, { headers: { Cookie: unit.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  // named in Chinese after the meeting (RFC 5987 filename*), not meeting-<id>.xlsx
  const disposition = res.headers.get('content-disposition');
  assert.ok(disposition.includes("filename*=UTF-8''" + encodeURIComponent('第十八届人民代表大会第六次会议记录.xlsx')), disposition);
  assert.doesNotMatch(disposition, /meeting-\d+/);
  assert.equal((await res.arrayBuffer()).byteLength > 1000, true);
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}`);
  expectStatus(r, 200);
  assert.equal(r.json.meeting.id, mid);
  r = await api(srv, 'GET', '/api/v1/public/screens/nope/events');
  expectError(r, 404, 'not_found');
  const ev = await watch(`/api/v1/meetings/${mid}/events`, () => true, { Cookie: unit.cookie });
  assert.match(ev.type, /text\/event-stream/);
  assert.ok(ev.data.attendance.quorum_met);
  // a screen open at the close gets the closing snapshot, then its stream ends
  const ended = new Promise((ok, fail) => {
    const req = http.get(srv.url + `/api/v1/public/screens/${sess.screen_token}/events`, (res) => {
      let buf = '';
      res.on('data', (x) => { buf += x; });
      res.on('end', () => ok(buf));
    });
    req.on('error', fail);
    setTimeout(() => { req.destroy(); fail(new Error('the screen stream did not end')); }, 5000);
  });
  await new Promise((ok) => setTimeout(ok, 200));
  r = await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  assert.match(await ended, /"state":"closed"/);
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title: 'late' });
  expectError(r, 409, 'bad_state');
  // the screen link stops working with the meeting: the snapshot and the stream are refused
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}`);
  expectError(r, 404, 'screen_closed');
  assert.match(r.json.error.message, /会议已结束/);
  r = await api(srv, 'GET', `/api/v1/public/screens/${sess.screen_token}/events`);
  expectError(r, 404, 'screen_closed');
  // staff still read the named results of the recorded vote
  r = await get(unit, `/api/v1/meetings/${mid}/record`);
  const named = r.json.votes.find((x) => x.recorded);
  r = await get(unit, `/api/v1/votes/${named.id}`);
  expectStatus(r, 200);
  assert.equal(r.json.vote.ballots.length, 3);
  assert.ok(r.json.vote.ballots.every((b) => b.name && b.deputy_id));
});
