// What the phone pages read from the server: a citizen's submission answers with what happens next
// in the place's own deadlines (the jurisdiction settings, not numbers of the page).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectStatus } from './lib.mjs';

let srv, county, st6, st9;
before(async () => {
  srv = await startServer();
  county = await login(srv, 'county');
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
