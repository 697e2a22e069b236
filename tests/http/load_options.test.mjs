// `serve --submit-rate N`, the option for load tests (bench/submit.sh, bench/soak.sh), whose
// clients all come from one address: it sets the public submissions per address and window,
// and when above the look-up limit (30) raises the tracking look-ups to N as well; below it the
// look-up limit stays 30.
import { test } from 'node:test';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

async function lookups(rate, want) {
  const own = await startServer({ extraArgs: ['--submit-rate', String(rate)] });
  try {
    const staff = await login(own, 'county');
    const st = (await api(own, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: staff })).json.items[0];
    const r = await api(own, 'POST', '/api/v1/public/opinions',
      { body: { station_code: st.public_code, body: '松岭镇枇杷巷的下水道井盖缺失，请尽快补上。' } });
    expectStatus(r, 201);
    const path = `/api/v1/public/opinions/${r.json.tracking_code}?secret=${r.json.secret}`;
    for (let i = 0; i < want; i++) expectStatus(await api(own, 'GET', path), 200);
    expectError(await api(own, 'GET', path), 429, 'rate_limited');
  } finally {
    await own.stop();
  }
}

test('--submit-rate 40 allows 40 look-ups per address, the 41st gets 429', () => lookups(40, 40));
test('--submit-rate 10 leaves the look-up limit at 30, the 31st gets 429', () => lookups(10, 30));
