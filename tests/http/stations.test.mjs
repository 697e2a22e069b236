// Liaison stations (代表联络站 / 代表之家 / 联系点, api.md "Liaison stations"): lists, the reception
// schedule rules and the calendar they expand to, duty rosters, the deputies of a station, QR
// codes, the public page without login, and roles.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, station, handler, admin, city;
let today; // the server's date
let demo; // the 代表联络站 of 329981101 (monthly_day 10)
let mine; // a station created in this file
before(async () => {
  srv = await startServer();
  [county, unit, station, handler, admin, city] = await Promise.all(
    ['county', 'unit', 'station', 'handler', 'admin', 'city'].map((u) => login(srv, u)));
  const r = await api(srv, 'GET', '/api/v1/stations?region=329981101&kind=station', { session: county });
  expectStatus(r, 200);
  demo = r.json.items[0];
  const c = await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar`, { session: county });
  expectStatus(c, 200);
  today = c.json.from;
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
});
after(async () => { await srv.stop(); });

const STATION_KEYS = ['id', 'region_code', 'region_name', 'name', 'kind', 'kind_name', 'address', 'opening_hours',
  'phone', 'public_code', 'active', 'deputy_count', 'created_at', 'updated_at'];
const list = async (s, qs) => {
  const r = await api(srv, 'GET', '/api/v1/stations' + (qs ? '?' + qs : ''), { session: s });
  expectStatus(r, 200);
  return r.json;
};
const getStation = async (s, id) => {
  const r = await api(srv, 'GET', `/api/v1/stations/${id}`, { session: s });
  expectStatus(r, 200);
  return r.json.station;
};
const calendar = async (id, from, to, s = county) => {
  const r = await api(srv, 'GET', `/api/v1/stations/${id}/calendar?from=${from}&to=${to}`, { session: s });
  expectStatus(r, 200);
  assert.equal(r.json.station_id, id);
  assert.equal(r.json.from, from);
  assert.equal(r.json.to, to);
  return r.json.days;
};
const addRule = async (id, rule, s = unit) => {
  const r = await api(srv, 'POST', `/api/v1/stations/${id}/rules`, { session: s, body: rule });
  expectStatus(r, 201);
  return r.json.station;
};
const dropRule = async (id, rule) => expectStatus(await api(srv, 'DELETE', `/api/v1/stations/${id}/rules/${rule}`, { session: unit }), 204);
const dates = (days) => days.map((d) => d.date);

function utc(ymd) { return new Date(ymd + 'T00:00:00Z'); }
function addDays(ymd, n) { const d = utc(ymd); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); }
function isoWeekday(ymd) { const w = utc(ymd).getUTCDay(); return w === 0 ? 7 : w; } // 1 Monday … 7 Sunday
function monthEnd(y, m) { return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10); } // m 1–12
const pad = (n) => String(n).padStart(2, '0');
let Y; // next calendar year
const yearFrom = () => `${Y}-01-01`;
const yearTo = () => `${Y}-12-31`;

test('list: kinds, kind filter and scope', async () => {
  Y = Number(today.slice(0, 4)) + 1;
  const all = await list(county, 'per_page=100');
  assert.ok(all.total >= 18, `total ${all.total}`);
  for (const k of STATION_KEYS) assert.ok(k in all.items[0], k);
  assert.ok(all.items.every((s) => s.region_code.startsWith('329981')));
  let sum = 0;
  for (const [kind, name] of [['station', '代表联络站'], ['home', '代表之家'], ['contact_point', '代表联系点']]) {
    const j = await list(county, 'per_page=100&kind=' + kind);
    assert.ok(j.total > 0, kind);
    assert.ok(j.items.every((s) => s.kind === kind && s.kind_name === name), kind);
    sum += j.total;
  }
  assert.equal(sum, all.total);
  const town = await list(county, 'region=329981101&per_page=100');
  assert.deepEqual(town.items.map((s) => s.kind).sort(), ['contact_point', 'home', 'station']);
  assert.ok(town.items.every((s) => s.region_code === '329981101'));
  const st = await list(station, 'per_page=100');
  assert.deepEqual(st.items.map((s) => s.id).sort(), town.items.map((s) => s.id).sort());
  expectError(await api(srv, 'GET', '/api/v1/stations?kind=castle', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/stations?region=329902', { session: county }), 403, 'out_of_scope');
  const dc = await list(city, 'region=329902&per_page=100');
  assert.ok(dc.total > 0 && dc.items.every((s) => s.region_code.startsWith('329902') && s.kind === 'station'));
  expectError(await api(srv, 'GET', `/api/v1/stations/${dc.items[0].id}`, { session: county }), 404, 'not_found');
  const byName = await list(county, 'q=' + encodeURIComponent('代表之家'));
  assert.ok(byName.total > 0 && byName.items.every((s) => s.name.includes('代表之家')));
});

test('detail: the monthly rule and upcoming receptions on the 10th at 09:00', async () => {
  const s = await getStation(county, demo.id);
  for (const k of [...STATION_KEYS, 'deputies', 'rules', 'upcoming']) assert.ok(k in s, k);
  assert.equal(s.kind, 'station');
  assert.ok(s.deputy_count > 0);
  assert.equal(s.deputies.length, s.deputy_count);
  const rule = s.rules.find((r) => r.kind === 'monthly_day');
  assert.ok(rule, JSON.stringify(s.rules));
  assert.equal(rule.day, 10);
  assert.equal(rule.start_time, '09:00');
  assert.equal(rule.end_time, '11:30');
  assert.ok(s.upcoming.length >= 1);
  for (const d of s.upcoming) {
    assert.equal(d.date.slice(8), '10', d.date);
    assert.ok(d.date >= today);
    assert.equal(d.start_time, '09:00');
    assert.equal(d.end_time, '11:30');
    assert.equal(d.weekday, isoWeekday(d.date), d.date);
    assert.ok(Array.isArray(d.duty));
  }
  // the demo put deputies on duty for the reception days ahead
  assert.ok(s.upcoming.some((d) => d.duty.length > 0));
  const home = (await list(county, 'region=329981101&kind=home')).items[0];
  const h = await getStation(county, home.id);
  assert.ok(h.rules.some((r) => r.kind === 'weekly' && r.weekday === 2 && r.start_time === '14:30' && r.end_time === '17:00'));
  assert.ok(h.upcoming.length >= 8);
  assert.ok(h.upcoming.every((d) => d.weekday === 2 && isoWeekday(d.date) === 2 && d.start_time === '14:30'));
  const cp = (await list(county, 'region=329981101&kind=contact_point')).items[0];
  const c = await getStation(county, cp.id);
  assert.deepEqual(c.rules, []);
  assert.deepEqual(c.upcoming, []);
});

test('create a station; station_staff may add a rule', async () => {
  const r = await api(srv, 'POST', '/api/v1/stations', { session: unit,
    body: { region_code: '329981101', name: '松岭镇测试联络站', kind: 'station', address: '测试路1号', opening_hours: '每周一上午' } });
  expectStatus(r, 201);
  mine = r.json.station;
  assert.equal(mine.name, '松岭镇测试联络站');
  assert.equal(mine.kind_name, '代表联络站');
  assert.equal(mine.active, true);
  assert.equal(mine.deputy_count, 0);
  assert.match(mine.public_code, /^[0-9A-Za-z]{8,}$/);
  assert.notEqual(mine.public_code, demo.public_code);
  const s = await addRule(mine.id, { kind: 'weekly', weekday: 1, start_time: '09:00', end_time: '11:00', note: '站务人员添加' }, station);
  const rule = s.rules.find((x) => x.kind === 'weekly');
  assert.ok(rule);
  assert.equal(rule.weekday, 1);
  assert.equal(rule.note, '站务人员添加');
  const days = await calendar(mine.id, `${Y}-03-01`, `${Y}-03-31`);
  assert.ok(days.length >= 4 && days.every((d) => isoWeekday(d.date) === 1 && d.start_time === '09:00'));
  await dropRule(mine.id, rule.id);
  assert.deepEqual(await calendar(mine.id, `${Y}-03-01`, `${Y}-03-31`), []);
  assert.deepEqual((await getStation(county, mine.id)).rules, []);
  let bad = await api(srv, 'POST', '/api/v1/stations', { session: unit, body: { region_code: '329981101', name: '坏类型站', kind: 'castle' } });
  assert.equal(bad.status, 400, bad.text);
  bad = await api(srv, 'POST', '/api/v1/stations', { session: unit, body: { region_code: '329981102', name: '越权站', kind: 'station' } });
  expectError(bad, 403, 'out_of_scope');
});

test('rules: monthly_day 31 falls on the last day of shorter months', async () => {
  const s = await addRule(mine.id, { kind: 'monthly_day', day: 31, start_time: '09:00', end_time: '11:00' });
  const rule = s.rules.find((x) => x.kind === 'monthly_day');
  assert.equal(rule.day, 31);
  const days = await calendar(mine.id, yearFrom(), yearTo());
  const want = [];
  for (let m = 1; m <= 12; m++) want.push(monthEnd(Y, m));
  assert.deepEqual(dates(days), want);
  assert.ok(dates(days).includes(`${Y}-04-30`));
  assert.ok(dates(days).includes(`${Y}-06-30`));
  assert.ok(days.every((d) => d.start_time === '09:00' && d.end_time === '11:00' && d.weekday === isoWeekday(d.date)));
  await dropRule(mine.id, rule.id);
});

test('rules: monthly_day -1 is the last day of each month', async () => {
  const s = await addRule(mine.id, { kind: 'monthly_day', day: -1, start_time: '14:00', end_time: '16:00' });
  const rule = s.rules.find((x) => x.kind === 'monthly_day');
  assert.equal(rule.day, -1);
  const want = [];
  for (let m = 1; m <= 12; m++) want.push(monthEnd(Y, m));
  assert.deepEqual(dates(await calendar(mine.id, yearFrom(), yearTo())), want);
  await dropRule(mine.id, rule.id);
});

test('rules: monthly_weekday nth=-1 (the last Friday) and nth=2 (the second Monday)', async () => {
  let s = await addRule(mine.id, { kind: 'monthly_weekday', nth: -1, weekday: 5, start_time: '09:00', end_time: '11:00' });
  const last = s.rules.find((x) => x.kind === 'monthly_weekday');
  assert.equal(last.nth, -1);
  assert.equal(last.weekday, 5);
  let days = dates(await calendar(mine.id, yearFrom(), yearTo()));
  assert.equal(days.length, 12);
  days.forEach((d, i) => {
    assert.equal(Number(d.slice(5, 7)), i + 1, d);
    assert.equal(isoWeekday(d), 5, d);
    assert.ok(addDays(d, 7).slice(5, 7) !== d.slice(5, 7), `${d} is not the last Friday`);
  });
  await dropRule(mine.id, last.id);
  s = await addRule(mine.id, { kind: 'monthly_weekday', nth: 2, weekday: 1, start_time: '09:00', end_time: '11:00' });
  const second = s.rules.find((x) => x.kind === 'monthly_weekday');
  days = dates(await calendar(mine.id, yearFrom(), yearTo()));
  assert.equal(days.length, 12);
  for (const d of days) {
    assert.equal(isoWeekday(d), 1, d);
    assert.ok(Number(d.slice(8)) >= 8 && Number(d.slice(8)) <= 14, d);
  }
  await dropRule(mine.id, second.id);
});

test('rules: once adds one day; cancel removes a date', async () => {
  let s = await addRule(mine.id, { kind: 'monthly_day', day: 10, start_time: '09:00', end_time: '11:30' });
  const monthly = s.rules.find((x) => x.kind === 'monthly_day');
  s = await addRule(mine.id, { kind: 'once', date: `${Y}-03-15`, start_time: '14:00', end_time: '17:00', note: '专题接待' });
  const once = s.rules.find((x) => x.kind === 'once');
  assert.equal(once.date, `${Y}-03-15`);
  let days = await calendar(mine.id, `${Y}-03-01`, `${Y}-06-30`);
  assert.deepEqual(dates(days), [`${Y}-03-10`, `${Y}-03-15`, `${Y}-04-10`, `${Y}-05-10`, `${Y}-06-10`]);
  const extra = days.find((d) => d.date === `${Y}-03-15`);
  assert.equal(extra.start_time, '14:00');
  assert.equal(extra.end_time, '17:00');
  s = await addRule(mine.id, { kind: 'cancel', date: `${Y}-05-10` });
  const cancel = s.rules.find((x) => x.kind === 'cancel');
  assert.equal(cancel.date, `${Y}-05-10`);
  days = await calendar(mine.id, `${Y}-03-01`, `${Y}-06-30`);
  assert.deepEqual(dates(days), [`${Y}-03-10`, `${Y}-03-15`, `${Y}-04-10`, `${Y}-06-10`]);
  // cancelling the one-off day too
  s = await addRule(mine.id, { kind: 'cancel', date: `${Y}-03-15` });
  assert.deepEqual(dates(await calendar(mine.id, `${Y}-03-01`, `${Y}-06-30`)), [`${Y}-03-10`, `${Y}-04-10`, `${Y}-06-10`]);
  for (const r of s.rules) if (r.id !== monthly.id) await dropRule(mine.id, r.id);
  assert.deepEqual(dates(await calendar(mine.id, `${Y}-03-01`, `${Y}-06-30`)), [`${Y}-03-10`, `${Y}-04-10`, `${Y}-05-10`, `${Y}-06-10`]);
});

test('rules: invalid input is 400 and nothing is added', async () => {
  const before = (await getStation(county, mine.id)).rules;
  const cases = [
    ['end before start', { kind: 'weekly', weekday: 2, start_time: '11:00', end_time: '09:00' }],
    ['end equals start', { kind: 'weekly', weekday: 2, start_time: '09:00', end_time: '09:00' }],
    ['bad time', { kind: 'weekly', weekday: 2, start_time: '25:00', end_time: '26:00' }],
    ['weekly without weekday', { kind: 'weekly', start_time: '09:00', end_time: '11:00' }],
    ['monthly_weekday without weekday', { kind: 'monthly_weekday', nth: 1, start_time: '09:00', end_time: '11:00' }],
    ['monthly_weekday nth 6', { kind: 'monthly_weekday', nth: 6, weekday: 1, start_time: '09:00', end_time: '11:00' }],
    ['weekday 8', { kind: 'weekly', weekday: 8, start_time: '09:00', end_time: '11:00' }],
    ['monthly_day without day', { kind: 'monthly_day', start_time: '09:00', end_time: '11:00' }],
    ['monthly_day 32', { kind: 'monthly_day', day: 32, start_time: '09:00', end_time: '11:00' }],
    ['once with a bad date', { kind: 'once', date: `${Y}-02-30`, start_time: '09:00', end_time: '11:00' }],
    ['once without a date', { kind: 'once', start_time: '09:00', end_time: '11:00' }],
    ['cancel with a bad date', { kind: 'cancel', date: 'tomorrow' }],
    ['unknown kind', { kind: 'fortnightly', weekday: 1, start_time: '09:00', end_time: '11:00' }],
  ];
  for (const [what, body] of cases) {
    const r = await api(srv, 'POST', `/api/v1/stations/${mine.id}/rules`, { session: unit, body });
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.ok(r.json && r.json.error && r.json.error.code, `${what}: ${r.text}`);
  }
  assert.deepEqual((await getStation(county, mine.id)).rules, before);
});

test('calendar: range checks', async () => {
  let r = await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar?from=${Y}-01-01&to=${Y + 1}-02-01`, { session: county });
  expectError(r, 400, 'bad_param');
  r = await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar?from=${Y}-05-01&to=${Y}-04-01`, { session: county });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar?from=${Y}-02-30`, { session: county });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar`, { session: county });
  expectStatus(r, 200);
  assert.equal(r.json.from, today);
  assert.equal(r.json.to, addDays(today, 30));
  assert.ok(r.json.days.every((d) => d.date >= today && d.date <= addDays(today, 30) && d.date.endsWith('-10')));
  const y = await calendar(demo.id, yearFrom(), yearTo());
  assert.equal(y.length, 12);
});

test('deputies of a station: set, and refused outside scope', async () => {
  const ro = await api(srv, 'GET', '/api/v1/rosters?congress=329981101&level=township', { session: unit });
  expectStatus(ro, 200);
  const [a, b, c] = ro.json.members.map((d) => d.id);
  let r = await api(srv, 'PUT', `/api/v1/stations/${mine.id}/deputies`, { session: unit, body: { deputy_ids: [a, b] } });
  expectStatus(r, 200);
  assert.equal(r.json.station.deputy_count, 2);
  assert.deepEqual(r.json.station.deputies.map((d) => d.id).sort((x, y) => x - y), [a, b].sort((x, y) => x - y));
  assert.equal((await getStation(county, mine.id)).deputy_count, 2);
  const other = (await api(srv, 'GET', '/api/v1/rosters?congress=329981102&level=township', { session: county })).json.members[0].id;
  r = await api(srv, 'PUT', `/api/v1/stations/${mine.id}/deputies`, { session: unit, body: { deputy_ids: [a, c, other] } });
  assert.equal(r.status, 400, r.text);
  const dc = (await list(city, 'region=329902&per_page=1')).items[0];
  const dcDeputy = (await api(srv, 'GET', '/api/v1/deputies?region=329902&per_page=1', { session: city })).json.items[0].id;
  r = await api(srv, 'PUT', `/api/v1/stations/${mine.id}/deputies`, { session: county, body: { deputy_ids: [dcDeputy] } });
  assert.equal(r.status, 400, r.text);
  const s = await getStation(county, mine.id);
  assert.deepEqual(s.deputies.map((d) => d.id).sort((x, y) => x - y), [a, b].sort((x, y) => x - y));
  // the list filter by station agrees
  const byStation = await api(srv, 'GET', `/api/v1/deputies?station=${mine.id}`, { session: county });
  assert.equal(byStation.json.total, 2);
  // and a station of 东城区 is invisible to county staff
  r = await api(srv, 'PUT', `/api/v1/stations/${dc.id}/deputies`, { session: county, body: { deputy_ids: [] } });
  expectError(r, 404, 'not_found');
});

test('duty: on a reception day with assigned deputies; refused otherwise', async () => {
  const s = await getStation(county, demo.id);
  const day = s.upcoming[0].date;
  const [a, b] = s.deputies.map((d) => d.id);
  let r = await api(srv, 'PUT', `/api/v1/stations/${demo.id}/duty/${day}`, { session: unit, body: { deputy_ids: [a, b] } });
  expectStatus(r, 200);
  assert.equal(r.json.day.date, day);
  assert.equal(r.json.day.start_time, '09:00');
  assert.deepEqual(r.json.day.duty.map((d) => d.id).sort((x, y) => x - y), [a, b].sort((x, y) => x - y));
  let cal = await calendar(demo.id, day, day);
  assert.equal(cal.length, 1);
  assert.deepEqual(cal[0].duty.map((d) => d.id).sort((x, y) => x - y), [a, b].sort((x, y) => x - y));
  // the station's own staff may set duty too
  r = await api(srv, 'PUT', `/api/v1/stations/${demo.id}/duty/${day}`, { session: station, body: { deputy_ids: [a] } });
  expectStatus(r, 200);
  assert.deepEqual(r.json.day.duty.map((d) => d.id), [a]);
  // a day without a reception
  r = await api(srv, 'PUT', `/api/v1/stations/${demo.id}/duty/${addDays(day, 1)}`, { session: unit, body: { deputy_ids: [a] } });
  expectError(r, 400, 'not_reception_day');
  // a deputy not assigned to the station
  const assigned = new Set(s.deputies.map((d) => d.id));
  const ro = await api(srv, 'GET', '/api/v1/rosters?congress=329981102&level=township', { session: county });
  const outsider = ro.json.members.find((d) => !assigned.has(d.id)).id;
  r = await api(srv, 'PUT', `/api/v1/stations/${demo.id}/duty/${day}`, { session: county, body: { deputy_ids: [a, outsider] } });
  assert.equal(r.status, 400, r.text);
  cal = await calendar(demo.id, day, day);
  assert.deepEqual(cal[0].duty.map((d) => d.id), [a]);
  r = await api(srv, 'PUT', `/api/v1/stations/${demo.id}/duty/${day}`, { session: handler, body: { deputy_ids: [a] } });
  assert.equal(r.status, 403, r.text);
});

test('QR codes: SVG and PNG', async () => {
  const svg = await api(srv, 'GET', `/api/v1/stations/${demo.id}/qr.svg`, { session: station });
  expectStatus(svg, 200);
  assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
  assert.ok(svg.text.includes('<svg'));
  const res = await fetch(`${srv.url}/api/v1/stations/${demo.id}/qr.png`, { headers: { Cookie: station.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^image\/png/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.length > 100);
  const anon = await fetch(`${srv.url}/api/v1/stations/${demo.id}/qr.png`);
  assert.equal(anon.status, 401);
  assert.equal((await api(srv, 'GET', `/api/v1/stations/${demo.id}/qr.svg`, { session: handler })).status, 403);
});

// every key anywhere in a JSON value, with its path
function keys(v, path = '', out = []) {
  if (Array.isArray(v)) v.forEach((x, i) => keys(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { out.push(`${path}.${k}`); keys(x, `${path}.${k}`, out); }
  return out;
}

test('public page: no login, names and receptions, no personal data', async () => {
  const s = await getStation(county, demo.id);
  const res = await fetch(`${srv.url}/api/v1/public/stations/${s.public_code}`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const p = JSON.parse(text).station;
  assert.equal(p.name, s.name);
  assert.equal(p.kind, 'station');
  assert.equal(p.kind_name, '代表联络站');
  assert.equal(p.address, s.address);
  assert.equal(p.region_name, '松岭镇');
  assert.ok(p.url.endsWith('/s/' + s.public_code), p.url);
  assert.deepEqual([...p.deputies].sort(), s.deputies.map((d) => d.name).sort());
  assert.ok(p.deputies.every((n) => typeof n === 'string'));
  assert.ok(p.upcoming.length >= 1 && p.upcoming.length <= 5);
  assert.deepEqual(p.upcoming.map((d) => d.date), s.upcoming.slice(0, 5).map((d) => d.date));
  assert.ok(p.upcoming.some((d) => d.duty.length > 0));
  for (const d of p.upcoming) {
    assert.equal(d.start_time, '09:00');
    for (const x of d.duty) assert.deepEqual(Object.keys(x), ['name']);
  }
  // the public code is 16 random hex characters and may hold a run of digits by chance
  assert.ok(!/\d{11}/.test(text.split(s.public_code).join('')), 'an 11-digit run (a phone number) in the public page');
  assert.ok(!/\d{6}\*{8}/.test(text), 'an ID number in the public page');
  const all = keys(JSON.parse(text));
  assert.ok(!all.some((k) => /(^|\.)id_number$/.test(k)), all.join(' '));
  // the only phone is the station's own, documented field
  assert.deepEqual(all.filter((k) => /phone/.test(k)), ['.station.phone']);
  assert.ok(!all.some((k) => /\.(id|birth_date|employer|gender)$/.test(k)), all.join(' '));
});

test('public page: unknown code 404; a deactivated station 404', async () => {
  let res = await fetch(`${srv.url}/api/v1/public/stations/ffffffffffffffff`);
  assert.equal(res.status, 404);
  res = await fetch(`${srv.url}/api/v1/public/stations/nope`);
  assert.equal(res.status, 404);
  assert.equal((await fetch(`${srv.url}/api/v1/public/stations/${mine.public_code}`)).status, 200);
  let r = await api(srv, 'PATCH', `/api/v1/stations/${mine.id}`, { session: unit, body: { active: false } });
  expectStatus(r, 200);
  assert.equal(r.json.station.active, false);
  res = await fetch(`${srv.url}/api/v1/public/stations/${mine.public_code}`);
  assert.equal(res.status, 404);
  const j = await res.json();
  assert.equal(j.error.code, 'not_found');
  assert.equal((await getStation(county, mine.id)).active, false);
  r = await api(srv, 'PATCH', `/api/v1/stations/${mine.id}`, { session: unit, body: { active: true } });
  expectStatus(r, 200);
  assert.equal((await fetch(`${srv.url}/api/v1/public/stations/${mine.public_code}`)).status, 200);
});

test('roles: station_staff writes stations but not deputies; handler and sysadmin 403', async () => {
  const r = await api(srv, 'POST', '/api/v1/deputies', { session: station, body: {
    name: '站务建的代表', gender: 'male', ethnicity: '汉族', birth_date: '1980-01-01', party: '群众', occupation: 'farmer',
    region_code: '329981101', mandate: { level: 'township', term: 18, region_code: '329981101', started_on: '2024-03-15' } } });
  expectError(r, 403, 'forbidden');
  const s = await addRule(demo.id, { kind: 'once', date: `${Y}-07-07`, start_time: '09:00', end_time: '10:00' }, station);
  assert.ok(s.rules.some((x) => x.kind === 'once' && x.date === `${Y}-07-07`));
  for (const who of [handler, admin]) {
    expectError(await api(srv, 'GET', '/api/v1/stations', { session: who }), 403, 'forbidden');
    expectError(await api(srv, 'GET', `/api/v1/stations/${demo.id}`, { session: who }), 403, 'forbidden');
    assert.equal((await api(srv, 'GET', `/api/v1/stations/${demo.id}/calendar`, { session: who })).status, 403);
    assert.equal((await api(srv, 'POST', `/api/v1/stations/${demo.id}/rules`, { session: who,
      body: { kind: 'once', date: `${Y}-08-08`, start_time: '09:00', end_time: '10:00' } })).status, 403);
  }
  assert.equal((await api(srv, 'POST', '/api/v1/stations', { session: handler,
    body: { region_code: '329981101', name: '承办单位建的站', kind: 'station' } })).status, 403);
  assert.ok(!(await getStation(county, demo.id)).rules.some((x) => x.date === `${Y}-08-08`));
  // station staff stay within their township
  const other = (await list(county, 'region=329981102&per_page=1')).items[0];
  expectError(await api(srv, 'GET', `/api/v1/stations/${other.id}`, { session: station }), 404, 'not_found');
  const w = await api(srv, 'POST', `/api/v1/stations/${other.id}/rules`, { session: station,
    body: { kind: 'once', date: `${Y}-08-09`, start_time: '09:00', end_time: '10:00' } });
  assert.equal(w.status, 404, w.text);
});

test('patch: any one field; station_staff may patch a station of its township', async () => {
  const p = await api(srv, 'PATCH', `/api/v1/stations/${demo.id}`, { session: station, body: { opening_hours: '工作日 9:00-17:00' } });
  expectStatus(p, 200);
  assert.equal(p.json.station.opening_hours, '工作日 9:00-17:00');
  const s = await getStation(county, demo.id);
  assert.equal(s.opening_hours, '工作日 9:00-17:00');
  assert.equal(s.name, demo.name);
  assert.equal(s.kind, 'station');
});
