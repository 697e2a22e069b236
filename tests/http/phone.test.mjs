// What the phone pages read from the server: a citizen's submission answers with what happens next
// in the place's own deadlines (the jurisdiction settings, not numbers of the page); a deputy's
// own record (我的履职信息): attendance at the meetings held and reception duty days.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectStatus, expectError } from './lib.mjs';

let srv, county, unit, deputy, st6, st9;
before(async () => {
  srv = await startServer();
  [county, unit, deputy] = await Promise.all(['county', 'unit', 'deputy'].map((u) => login(srv, u)));
  const one = async (path) => {
    const r = await api(srv, 'GET', path, { session: county });
    expectStatus(r, 200);
    return r.json.items[0];
  };
  st6 = await one('/api/v1/stations?region=329981101&kind=station'); // 松岭镇
  st9 = await one('/api/v1/stations?region=329981102&kind=station'); // 白圩镇
});
after(async () => { await srv.stop(); });

async function submit(station, body) {
  const r = await api(srv, 'POST', '/api/v1/public/opinions', { body: { station_code: station.public_code, body } });
  expectStatus(r, 201);
  return r.json;
}

test('a submission tells the citizen the deadlines of the station\'s place, from the settings', async () => {
  let j = await submit(st6, '松岭镇东街的井盖松动了，请尽快修理');
  assert.equal(j.reply_days, 15); // the built-in defaults
  assert.equal(j.close_after_days, 15);
  // the township sets its own: its submissions say so, the neighbouring township keeps the county's
  const r = await api(srv, 'PUT', '/api/v1/settings?region=329981101', { session: county,
    body: { 'opinion.reply_days': 9, 'opinion.close_after_days': 7 } });
  expectStatus(r, 200);
  j = await submit(st6, '松岭镇西街的路灯不亮已经三天了');
  assert.equal(j.reply_days, 9);
  assert.equal(j.close_after_days, 7);
  assert.match(j.tracking_code, /^[A-Z0-9]+$/);
  j = await submit(st9, '白圩镇菜市场门口积水严重');
  assert.equal(j.reply_days, 15);
  assert.equal(j.close_after_days, 15);
});

test('a deputy reads its own record: attendance at the meetings held, its duty days; nobody else may', async () => {
  const get = async (s) => api(srv, 'GET', '/api/v1/me/record', { session: s });
  let r = await get(deputy);
  expectStatus(r, 200);
  const { meetings, receptions } = r.json.record;
  // the same as the deputy's own entry in each closed meeting's attendance
  const closed = await api(srv, 'GET', '/api/v1/meetings?state=closed&per_page=100', { session: deputy });
  expectStatus(closed, 200);
  const want = { held: 0, present: 0, leave: 0, absent: 0 };
  for (const m of closed.json.items) {
    const a = await api(srv, 'GET', `/api/v1/meetings/${m.id}/attendance`, { session: deputy });
    expectStatus(a, 200);
    const me = a.json.me;
    if (!me) continue;
    want.held++;
    want[me.status === 'left' ? 'present' : me.status]++;
  }
  assert.ok(want.held > 0, 'the demo deputy sat in a closed meeting');
  assert.deepEqual(meetings, want);

  // put the deputy on duty on the station's next reception day: it is listed as upcoming
  const cal = await api(srv, 'GET', `/api/v1/stations/${st6.id}/calendar`, { session: unit });
  expectStatus(cal, 200);
  const day = cal.json.days.find((d) => !d.duty.some((p) => p.id === deputy.user.deputy_id)) || cal.json.days[0];
  const ids = [...new Set([...day.duty.map((p) => p.id), deputy.user.deputy_id])];
  expectStatus(await api(srv, 'PUT', `/api/v1/stations/${st6.id}/duty/${day.date}`, { session: unit, body: { deputy_ids: ids } }), 200);
  r = await get(deputy);
  expectStatus(r, 200);
  const up = r.json.record.receptions.upcoming;
  assert.ok(up.some((x) => x.date === day.date && x.station_id === st6.id && x.station_name === st6.name), JSON.stringify(up));
  assert.equal(r.json.record.receptions.past, receptions.past);
  for (let i = 1; i < up.length; i++) assert.ok(up[i - 1].date <= up[i].date, 'in date order');
  // taken off duty: gone again
  expectStatus(await api(srv, 'PUT', `/api/v1/stations/${st6.id}/duty/${day.date}`, { session: unit,
    body: { deputy_ids: ids.filter((x) => x !== deputy.user.deputy_id) } }), 200);
  r = await get(deputy);
  assert.ok(!r.json.record.receptions.upcoming.some((x) => x.date === day.date && x.station_id === st6.id));

  // staff have no record of their own here; nobody reads a deputy's through this route
  expectError(await get(county), 403, 'forbidden');
  expectError(await get(unit), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/me/record'), 401, 'unauthenticated');
});
