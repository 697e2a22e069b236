// Opinion search finds exactly the right opinions, with the right count, on both backends
// (SQLite's FTS5 index; PostgreSQL's opinion_terms, migration 21): an opinion matches when every
// CJK bigram of the query is in its body, place or reply. The expected sets are worked out here
// from every opinion the account can see, so a walk that stops early, a probe that misses a term
// or a stale index entry shows as a wrong id or count.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectStatus } from './lib.mjs';

let srv, city, county;
const q = (s) => encodeURIComponent(s);

before(async () => {
  srv = await startServer();
  [city, county] = await Promise.all(['city', 'county'].map((u) => login(srv, u)));
});
after(async () => { await srv.stop(); });

// Every page of a list: its items and the total the first page gave.
async function all(s, path) {
  const items = [];
  let first;
  for (let page = 1; ; page++) {
    const r = await api(srv, 'GET', `${path}&per_page=100&page=${page}`, { session: s });
    expectStatus(r, 200);
    first ??= r.json;
    items.push(...r.json.items);
    if (r.json.items.length < 100) break;
  }
  return { items, total: first.total, capped: first.total_capped };
}

const bigrams = (s) => [...s].slice(1).map((c, i) => [...s][i] + c);
const matches = (o, word) => bigrams(word).every((b) => [o.body, o.place, o.reply || ''].some((t) => t.includes(b)));

async function expectSearch(s, everything, word, more = '') {
  const want = everything.filter((o) => matches(o, word)).map((o) => o.id).sort((a, b) => b - a);
  const got = await all(s, `/api/v1/opinions?q=${q(word)}${more}`);
  assert.deepEqual(got.items.map((o) => o.id), want, `${word}${more}: the matches, newest first`);
  assert.equal(got.total, want.length, `${word}${more}: the count`);
  assert.equal(got.capped, false);
  return want.length;
}

test('two- and four-character searches and a query across two words find exactly their opinions', async () => {
  const everything = (await all(city, '/api/v1/opinions?')).items;
  assert.ok(everything.length > 1000, 'the small demo has its opinions');
  // two characters; four; a query that crosses from a place into the sentence after it; bigrams
  // that each occur but never together; a query with nothing to find
  assert.ok(await expectSearch(city, everything, '路灯') > 10);
  assert.ok(await expectSearch(city, everything, '施工噪音') > 10);
  assert.ok(await expectSearch(city, everything, '卫生院的路灯') > 0);
  assert.equal(await expectSearch(city, everything, '路灯噪音'), 0);
  assert.equal(await expectSearch(city, everything, '犀牛河马'), 0);
  // within a county: the region narrows the same walk
  const inCounty = everything.filter((o) => o.region_code.startsWith('329981'));
  assert.ok(inCounty.length > 0 && inCounty.length < everything.length);
  const n = await expectSearch(city, inCounty, '路灯', '&region=329981');
  assert.equal(await expectSearch(county, inCounty, '路灯'), n);
  // with another filter the walk still counts exactly (the channel: the server's jobs change
  // states while the test runs, never the channel)
  const byQr = everything.filter((o) => o.channel === 'qr');
  assert.ok(byQr.length > 0 && byQr.length < everything.length);
  assert.ok(await expectSearch(city, byQr, '路灯', '&channel=qr') > 0);
});

test('an opinion registered is found at once by its words, and counted', async () => {
  const st = (await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county })).json.items[0];
  const before = (await all(county, '/api/v1/opinions?q=' + q('路灯'))).total;
  const r = await api(srv, 'POST', '/api/v1/opinions', { session: county,
    body: { station_id: st.id, body: '松岭镇琵琶巷口的路灯坏了，夜里漆黑一片。' } });
  expectStatus(r, 201);
  const id = r.json.opinion.id;
  assert.equal((await all(county, '/api/v1/opinions?q=' + q('路灯'))).total, before + 1);
  const found = await all(county, '/api/v1/opinions?q=' + q('琵琶巷口'));
  assert.deepEqual(found.items.map((o) => o.id), [id]);
  assert.equal(found.total, 1);
  assert.equal((await all(county, '/api/v1/opinions?q=' + q('漆黑一片'))).total, 1);
  assert.equal((await all(county, '/api/v1/opinions?q=' + q('琵琶巷尾'))).total, 0);
});
