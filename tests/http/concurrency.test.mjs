// Two conflicting steps on one opinion at the same time: the row is locked and the state change
// carries the state it expects, so exactly one step applies and the other is answered 409,
// however the requests interleave. Run many rounds, on SQLite and on PostgreSQL (RENDA_PG_ADMIN), each round on a
// fresh opinion: two staff steps from "received", the same step twice, and a staff close
// against the citizen's rating of a reply.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, api, login, expectStatus } from './lib.mjs';

const ROUNDS = 30;
let srv, county, unit, handler, st6, H1, Htown;
before(async () => {
  srv = await startServer({ extraArgs: ['--threads', '4'] });
  [county, unit, handler] = await Promise.all(['county', 'unit', 'handler'].map((u) => login(srv, u)));
  const list = async (path) => { const r = await api(srv, 'GET', path, { session: county }); expectStatus(r, 200); return r.json.items; };
  st6 = (await list('/api/v1/stations?region=329981101&kind=station'))[0];
  const hs = await list('/api/v1/handlers?region=329981&per_page=100');
  H1 = hs.find((h) => h.name === '清河市交通运输局');
  Htown = hs.find((h) => h.name === '松岭镇村镇建设办公室');
  assert.ok(H1 && Htown && handler.user.handler_id === H1.id);
});
after(async () => { await srv.stop(); });

async function registered(n) {
  const r = await api(srv, 'POST', '/api/v1/opinions', { session: county,
    body: { station_id: st6.id, channel: 'visit', body: `并发测试第${n}轮：松岭镇石桥的栏杆松动，行人经过有危险。` } });
  expectStatus(r, 201);
  return r.json.opinion;
}
const step = (s, id, body) => api(srv, 'POST', `/api/v1/opinions/${id}/actions`, { session: s, body });

// One POST on a connection of its own: the server serves each connection on one of its worker
// threads, so two requests on connections kept alive by one thread would never overlap.
function alone(path, body, session) {
  const data = JSON.stringify(body);
  const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) };
  if (session) Object.assign(headers, { Cookie: session.cookie, 'X-CSRF-Token': session.csrf });
  const u = new URL(srv.url + path);
  return new Promise((ok, fail) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, agent: false },
      (res) => {
        let text = '';
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
          let json = null;
          try { json = JSON.parse(text); } catch { json = null; }
          ok({ status: res.statusCode, json, text });
        });
      });
    req.on('error', fail);
    req.end(data);
  });
}
const act = (s, id, body) => () => alone(`/api/v1/opinions/${id}/actions`, body, s);
async function events(id) {
  const r = await api(srv, 'GET', `/api/v1/opinions/${id}`, { session: county });
  expectStatus(r, 200);
  return r.json.opinion;
}

// The two requests of a round, sent together: [name in the history, request].
function contenders(kind, o) {
  if (kind === 0)
    return [['assign', act(county, o.id, { action: 'assign', handler_id: H1.id })],
      ['not_accept', act(unit, o.id, { action: 'not_accept', reason: '该事项已进入诉讼程序' })]];
  if (kind === 1)
    return [['assign', act(county, o.id, { action: 'assign', handler_id: H1.id })],
      ['assign', act(unit, o.id, { action: 'assign', handler_id: Htown.id })]];
  return [['close', act(county, o.id, { action: 'close' })],
    ['rate_satisfied', () => alone(`/api/v1/public/opinions/${o.tracking_code}/rating`, { secret: o.secret, rating: 'satisfied' })]];
}

test(`${ROUNDS} rounds of two conflicting steps at once: exactly one applies, the other is 409`, async () => {
  for (let n = 0; n < ROUNDS; n++) {
    const kind = n % 3;
    const o = await registered(n);
    if (kind === 2) {
      expectStatus(await step(county, o.id, { action: 'assign', handler_id: H1.id }), 200);
      expectStatus(await step(handler, o.id, { action: 'accept' }), 200);
      expectStatus(await step(handler, o.id, { action: 'reply', reply: '已紧固栏杆。' }), 200);
    }
    const before = (await events(o.id)).events.length;
    const pair = contenders(kind, o);
    const answers = await Promise.all(pair.map(([, send]) => send()));
    const what = `round ${n}: ${answers.map((r) => `${r.status} ${r.text.slice(0, 120)}`).join(' | ')}`;
    const won = answers.map((r) => r.status === 200);
    assert.equal(won.filter(Boolean).length, 1, what);
    const loser = answers[won.indexOf(false)];
    assert.equal(loser.status, 409, what);
    assert.ok(['bad_state', 'stale'].includes(loser.json.error.code), what);
    // the history holds the winner's step alone
    const after = await events(o.id);
    const added = after.events.slice(before);
    assert.deepEqual(added.map((e) => e.action), [pair[won.indexOf(true)][0]], what);
    assert.equal(after.state, added[0].to_state, what);
  }
});
