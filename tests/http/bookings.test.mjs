// Bookings at stations (预约接待, api.md "Bookings at stations"): the station's reception days cut
// into slots, a citizen's booking from the phone page with its limits per slot and per phone
// (settings, each at its boundary), cancelling by code, the public form's limit per address, the
// staff's day view with masked phones (the full phone audited), met / no-show, a booking made an
// opinion in one step, the denials, two bookings at once for a slot's last place, and the
// reminder the day before through the notification gateway; the day's list exported (audited,
// following the list's date and state) and a station's own staff kept to their station.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, api, apiFrom, login, expectError, expectStatus } from './lib.mjs';

let srv, hook, county, station, deputy, handler, auditor, sec;
let st6, st9, today;
const received = [];
let addr = 10;
const fresh = () => `127.0.0.${addr++}`; // a new source address: the limit per address stays apart
const day = (n) => { const d = new Date(today + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
let phoneNo = 0;
const newPhone = () => `1390000${String(++phoneNo).padStart(4, '0')}`;
const book = (st, body, from = fresh()) => apiFrom(srv, from, 'POST', `/api/v1/public/stations/${st.public_code}/bookings`,
  { body: { name: '张三', phone: newPhone(), consent: true, ...body } });
const act = (s, id, body) => api(srv, 'POST', `/api/v1/bookings/${id}/actions`, { session: s, body });
// the county's settings, so that both townships' stations follow them
const setting = async (key, value) => expectStatus(await api(srv, 'PUT', '/api/v1/settings?region=329981',
  { session: county, body: { [key]: value } }), 200);
const dayView = async (s, st, date) => api(srv, 'GET', `/api/v1/stations/${st.id}/bookings?date=${date}`, { session: s });
async function bookingId(st, date, code) {
  const r = await dayView(county, st, date);
  expectStatus(r, 200);
  return r.json.items.find((b) => b.code === code).id;
}

before(async () => {
  hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(200); res.end('ok'); });
  });
  await new Promise((ok) => hook.listen(0, '127.0.0.1', ok));
  srv = await startServer({ extraArgs: ['--notify-webhook', `http://127.0.0.1:${hook.address().port}/sms`, '--jobs-interval', '1'] });
  [county, station, deputy, handler, auditor, sec] = await Promise.all(
    ['county', 'station', 'deputy', 'handler', 'auditor', 'secadmin'].map((u) => login(srv, u)));
  const list = async (path) => { const r = await api(srv, 'GET', path, { session: county }); expectStatus(r, 200); return r.json.items; };
  st6 = (await list('/api/v1/stations?region=329981101&kind=station'))[0];
  st9 = (await list('/api/v1/stations?region=329981102&kind=station'))[0];
  const r = await api(srv, 'GET', `/api/v1/stations/${st6.id}/calendar`, { session: county });
  expectStatus(r, 200);
  today = r.json.from;
  // reception days 07:00-08:00 (the earliest rule of a day wins, so these are the days' hours)
  for (const st of [st6, st9])
    for (let n = 1; n <= 8; n++)
      expectStatus(await api(srv, 'POST', `/api/v1/stations/${st.id}/rules`, { session: county,
        body: { kind: 'once', date: day(n), start_time: '07:00', end_time: '08:00' } }), 201);
});
after(async () => { await srv.stop(); hook.close(); });

test('slots: the reception day cut into booking.slot_minutes pieces, with the places left', async () => {
  let r = await api(srv, 'GET', `/api/v1/public/stations/${st6.public_code}/slots`);
  expectStatus(r, 200);
  assert.equal(r.json.per_slot, 3);
  assert.ok(!r.json.days.some((d) => d.date <= today), 'nothing today or earlier');
  let d = r.json.days.find((x) => x.date === day(2));
  assert.deepEqual(d.slots.map((s) => [s.start_time, s.end_time, s.left]), [['07:00', '07:30', 3], ['07:30', '08:00', 3]]);
  assert.ok(!r.text.includes('duty'));
  await setting('booking.slot_minutes', 20);
  r = await api(srv, 'GET', `/api/v1/public/stations/${st6.public_code}/slots`);
  d = r.json.days.find((x) => x.date === day(2));
  assert.deepEqual(d.slots.map((s) => s.start_time), ['07:00', '07:20', '07:40']);
  await setting('booking.slot_minutes', 30);
  expectError(await api(srv, 'GET', '/api/v1/public/stations/0000000000000000/slots'), 404, 'not_found');
});

test('booking.per_slot: n bookings of a slot accepted, the next refused; the setting read', async () => {
  await setting('booking.per_slot', 2);
  expectStatus(await book(st6, { date: day(2), start_time: '07:00' }), 201);
  const r = await book(st6, { date: day(2), start_time: '07:00', topic: '反映村道路灯不亮' });
  expectStatus(r, 201);
  assert.match(r.json.booking.code, /^[A-Z2-9]{8}$/);
  assert.equal(r.json.booking.end_time, '07:30');
  expectError(await book(st6, { date: day(2), start_time: '07:00' }), 409, 'slot_full');
  const s = await api(srv, 'GET', `/api/v1/public/stations/${st6.public_code}/slots`);
  assert.equal(s.json.days.find((x) => x.date === day(2)).slots[0].left, 0);
  await setting('booking.per_slot', 3);
  expectStatus(await book(st6, { date: day(2), start_time: '07:00' }), 201);
  expectError(await book(st6, { date: day(2), start_time: '07:00' }), 409, 'slot_full');
});

test('booking.per_phone: n bookings to come per phone, the next refused; cancelling by code frees one', async () => {
  const phone = newPhone();
  const a = await book(st6, { date: day(3), start_time: '07:00', phone });
  expectStatus(a, 201);
  expectStatus(await book(st6, { date: day(3), start_time: '07:30', phone }), 201);
  expectError(await book(st9, { date: day(3), start_time: '07:00', phone }), 409, 'phone_limit');
  await setting('booking.per_phone', 3);
  expectStatus(await book(st9, { date: day(3), start_time: '07:00', phone }), 201);
  expectError(await book(st9, { date: day(4), start_time: '07:00', phone }), 409, 'phone_limit');
  await setting('booking.per_phone', 2);
  // the citizen cancels by code: the booking is cancelled once, its place and the phone's count freed
  const code = a.json.booking.code;
  let r = await apiFrom(srv, fresh(), 'POST', `/api/v1/public/bookings/${code}/cancel`);
  expectStatus(r, 200);
  assert.equal(r.json.booking.state, 'cancelled');
  assert.ok(!r.text.includes(phone));
  expectError(await apiFrom(srv, fresh(), 'POST', `/api/v1/public/bookings/${code}/cancel`), 409, 'bad_state');
  expectError(await apiFrom(srv, fresh(), 'POST', '/api/v1/public/bookings/ZZZZZZZZ/cancel'), 404, 'not_found');
  expectError(await book(st9, { date: day(4), start_time: '07:00', phone }), 409, 'phone_limit'); // still 2 to come
  await setting('booking.per_phone', 3);
  expectStatus(await book(st9, { date: day(4), start_time: '07:00', phone }), 201);
  await setting('booking.per_phone', 2);
});

test('bad bookings are refused by field, nothing stored', async () => {
  expectError(await book(st6, { date: day(2), start_time: '07:30', phone: '12345' }), 400, 'bad_phone');
  expectError(await book(st6, { date: day(2), start_time: '07:30', consent: false }), 400, 'consent_required');
  expectError(await book(st6, { date: day(2), start_time: '07:15' }), 400, 'bad_slot');
  expectError(await book(st6, { date: today, start_time: '07:00' }), 400, 'bad_date');
  expectError(await book(st6, { date: day(31), start_time: '07:00' }), 400, 'bad_date');
  expectError(await book(st6, { date: '2026-02-30', start_time: '07:00' }), 400, 'bad_date');
  const r = await api(srv, 'GET', `/api/v1/public/stations/${st6.public_code}/slots`);
  // a day that is not a reception day of the station
  const all = new Set(r.json.days.map((d) => d.date));
  let n = 9;
  while (all.has(day(n))) n++;
  if (n <= 30) expectError(await book(st6, { date: day(n), start_time: '07:00' }), 400, 'not_reception_day');
  expectError(await book(st6, { date: day(2), start_time: '07:30', extra: 1 }), 400, 'unknown_field');
  expectError(await apiFrom(srv, fresh(), 'POST', '/api/v1/public/stations/0000000000000000/bookings',
    { body: { date: day(2), start_time: '07:00', name: '张三', phone: newPhone(), consent: true } }), 404, 'not_found');
  const v = await dayView(county, st6, day(2));
  assert.ok(!v.json.items.some((b) => b.start_time === '07:30'), 'no booking stored by a refused request');
});

test('the public form is limited per address like the opinion form', async () => {
  const from = fresh();
  for (let i = 0; i < 5; i++)
    expectError(await apiFrom(srv, from, 'POST', `/api/v1/public/stations/${st6.public_code}/bookings`, { body: {} }), 400, 'missing_field');
  expectError(await apiFrom(srv, from, 'POST', `/api/v1/public/stations/${st6.public_code}/bookings`, { body: {} }), 429, 'rate_limited');
  // a cancel by code is a look-up: 30 per address and window, shared with the opinions' tracking
  const other = fresh();
  for (let i = 0; i < 29; i++)
    expectError(await apiFrom(srv, other, 'POST', '/api/v1/public/bookings/ZZZZZZZZ/cancel'), 404, 'not_found');
  expectStatus(await apiFrom(srv, other, 'GET', '/api/v1/public/opinions/ABCDEFGHJKLM?phone4=1234'), 404);
  expectError(await apiFrom(srv, other, 'POST', '/api/v1/public/bookings/ZZZZZZZZ/cancel'), 429, 'rate_limited');
});

test('the day view: masked names and phones; the full phone audited; other townships and roles denied', async () => {
  const phone = newPhone();
  const b = await book(st6, { date: day(5), start_time: '07:00', phone, name: '李四', topic: '想反映小区停车难' });
  expectStatus(b, 201);
  let r = await dayView(station, st6, day(5));
  expectStatus(r, 200);
  const item = r.json.items.find((x) => x.code === b.json.booking.code);
  assert.equal(item.phone, phone.slice(0, 3) + '****' + phone.slice(7));
  assert.equal(item.name, '李**');
  assert.equal(item.topic, '想反映小区停车难');
  assert.equal(item.state, 'booked');
  assert.ok(!r.text.includes(phone) && !r.text.includes('李四'));
  assert.equal(r.json.reception.start_time, '07:00');
  assert.ok(r.json.upcoming.some((u) => u.date === day(5) && u.booked >= 1));
  r = await api(srv, 'GET', `/api/v1/bookings/${item.id}/personal`, { session: station });
  expectStatus(r, 200);
  assert.deepEqual(r.json, { name: '李四', phone });
  const a = await api(srv, 'GET', `/api/v1/audit?action=booking.read_personal&object_id=${item.id}&per_page=10`, { session: auditor });
  expectStatus(a, 200);
  assert.equal(a.json.items.length, 1);
  assert.ok(!a.text.includes(phone));
  // a booking at a station of another township: the station staff of 329981101 do not see it
  const other = await book(st9, { date: day(5), start_time: '07:00' });
  expectStatus(other, 201);
  const otherId = await bookingId(st9, day(5), other.json.booking.code);
  expectError(await dayView(station, st9, day(5)), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/bookings/${otherId}/personal`, { session: station }), 404, 'not_found');
  expectError(await act(station, otherId, { action: 'met' }), 404, 'not_found');
  for (const s of [deputy, handler]) {
    expectError(await dayView(s, st6, day(5)), 403, 'forbidden');
    expectError(await api(srv, 'GET', `/api/v1/bookings/${item.id}/personal`, { session: s }), 403, 'forbidden');
    expectError(await act(s, item.id, { action: 'met' }), 403, 'forbidden');
  }
  expectError(await api(srv, 'GET', `/api/v1/stations/${st6.id}/bookings`), 401, 'unauthenticated');
  expectError(await dayView(station, st6, '2026-13-01'), 400, 'bad_param');
});

test('met, no-show and a booking made an opinion in one step, each once', async () => {
  const phone = newPhone();
  const b1 = await book(st6, { date: day(6), start_time: '07:00', phone, name: '王五', topic: '村口垃圾桶不够用' });
  const b2 = await book(st6, { date: day(6), start_time: '07:30' });
  expectStatus(b1, 201);
  expectStatus(b2, 201);
  const id1 = await bookingId(st6, day(6), b1.json.booking.code);
  const id2 = await bookingId(st6, day(6), b2.json.booking.code);
  let r = await act(station, id1, { action: 'met' });
  expectStatus(r, 200);
  assert.equal(r.json.booking.state, 'met');
  expectError(await act(station, id1, { action: 'met' }), 409, 'bad_state');
  expectError(await act(station, id1, { action: 'fly' }), 400, 'bad_action');
  r = await act(station, id2, { action: 'no_show' });
  expectStatus(r, 200);
  assert.equal(r.json.booking.state_name, '未到');
  expectError(await act(station, id2, { action: 'to_opinion', body: '村口垃圾桶不够用，请增加。' }), 409, 'bad_state');
  // a body too short: refused whole, the booking stays met, no opinion
  expectError(await act(station, id1, { action: 'to_opinion', body: '短' }), 400, 'too_short');
  r = await dayView(county, st6, day(6));
  assert.equal(r.json.items.find((x) => x.id === id1).state, 'met');
  r = await act(station, id1, { action: 'to_opinion', body: '村口垃圾桶不够用，夏天气味很大，请增加垃圾桶。' });
  expectStatus(r, 200);
  const bk = r.json.booking;
  assert.equal(bk.state, 'converted');
  assert.match(bk.opinion_code, /^[0-9A-Z]{12}$/);
  expectError(await act(station, id1, { action: 'to_opinion', body: '再转一次看看会怎样呢。' }), 409, 'bad_state');
  r = await api(srv, 'GET', `/api/v1/opinions/${bk.opinion_id}`, { session: county });
  expectStatus(r, 200);
  const o = r.json.opinion;
  assert.equal(o.tracking_code, bk.opinion_code);
  assert.equal(o.station_id, st6.id);
  assert.equal(o.channel, 'reception');
  assert.equal(o.state, 'received');
  // the citizen's name and phone carried over (staff who manage opinions read them whole, audited)
  assert.equal(o.citizen_phone, phone);
  assert.equal(o.citizen_name, '王五');
  const a = await api(srv, 'GET', `/api/v1/audit?action=booking.to_opinion&object_id=${id1}&per_page=10`, { session: auditor });
  assert.equal(a.json.items.length, 1);
  const reg = await api(srv, 'GET', `/api/v1/audit?action=opinion.register&object_id=${bk.opinion_id}&per_page=10`, { session: auditor });
  assert.equal(reg.json.items.length, 1);
  // staff cancel a booking; the labels name the machine's states and steps
  const b3 = await book(st6, { date: day(6), start_time: '07:30' });
  const id3 = await bookingId(st6, day(6), b3.json.booking.code);
  expectStatus(await act(county, id3, { action: 'cancel' }), 200);
  const l = await api(srv, 'GET', '/api/v1/labels', { session: station });
  assert.equal(l.json.booking.actions.to_opinion, '转为意见');
  assert.equal(l.json.booking.states.converted, '已转为意见');
});

test('two bookings at once for the last place of a slot: exactly one wins', async () => {
  await setting('booking.per_slot', 1);
  const slots = [[day(7), '07:00'], [day(7), '07:30'], [day(8), '07:00'], [day(8), '07:30']];
  for (const [date, start_time] of slots) {
    const [a, b] = await Promise.all([book(st6, { date, start_time }), book(st6, { date, start_time })]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [201, 409], `${date} ${start_time}: ${a.text} ${b.text}`);
    const lost = a.status === 409 ? a : b;
    expectError(lost, 409, 'slot_full');
    const v = await dayView(county, st6, date);
    assert.equal(v.json.items.filter((x) => x.start_time === start_time && x.state === 'booked').length, 1);
  }
  await setting('booking.per_slot', 3);
});

test('the day before: a reminder to the citizen through the gateway, once', async () => {
  const phone = newPhone();
  const b = await book(st6, { date: day(1), start_time: '07:00', phone });
  expectStatus(b, 201);
  const code = b.json.booking.code;
  const deadline = Date.now() + 15000;
  while (!received.some((m) => m.booking_code === code) && Date.now() < deadline)
    await new Promise((ok) => setTimeout(ok, 200));
  const msgs = received.filter((m) => m.booking_code === code);
  assert.equal(msgs.length, 1);
  assert.equal(msgs[0].kind, 'sms');
  assert.equal(msgs[0].to, phone);
  assert.match(msgs[0].text, new RegExp(code));
  assert.ok(!('phone_sealed' in msgs[0]));
  await new Promise((ok) => setTimeout(ok, 2500));
  assert.equal(received.filter((m) => m.booking_code === code).length, 1);
  // a booking two days ahead is not reminded yet
  assert.ok(!received.some((m) => m.booking_code && m.text.includes(day(2))));
});

test('the day exported: the list\'s date and state, masked, audited; other roles and townships denied', async () => {
  const phone = newPhone();
  const b1 = await book(st6, { date: day(4), start_time: '07:30', phone, name: '赵六', topic: '反映河道垃圾' });
  const b2 = await book(st6, { date: day(4), start_time: '07:30' });
  expectStatus(b1, 201);
  expectStatus(b2, 201);
  const id2 = await bookingId(st6, day(4), b2.json.booking.code);
  expectStatus(await act(station, id2, { action: 'met' }), 200);
  const exp = (s, q) => api(srv, 'GET', `/api/v1/stations/${st6.id}/bookings?${q}`, { session: s });
  const audits = async () => (await api(srv, 'GET', '/api/v1/audit?action=booking.export&per_page=50', { session: auditor })).json;
  const before = (await audits()).total;
  // the JSON list follows the state filter; so does the file
  let r = await exp(station, `date=${day(4)}&state=met`);
  expectStatus(r, 200);
  assert.ok(r.json.items.length >= 1 && r.json.items.every((x) => x.state === 'met'));
  r = await exp(station, `date=${day(4)}&state=booked&format=csv`);
  expectStatus(r, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  assert.match(decodeURIComponent(r.headers.get('content-disposition')), new RegExp(`预约接待-.*-${day(4)}\\.csv`));
  const lines = r.text.replace(/^\ufeff/, '').trim().split(/\r?\n/);
  assert.match(lines[0], /日期,开始时间,结束时间,预约码,姓名,联系电话,反映事项,状态/);
  assert.ok(lines.some((l) => l.includes(b1.json.booking.code) && l.includes('赵**') && l.includes('反映河道垃圾')));
  assert.ok(!lines.some((l) => l.includes(b2.json.booking.code)), 'a met booking is not in the booked export');
  assert.ok(!r.text.includes(phone) && !r.text.includes('赵六'), 'names and phones masked');
  const a = await audits();
  assert.equal(a.total, before + 1);
  assert.equal(a.items[0].actor, 'station');
  assert.equal(a.items[0].after.rows, lines.length - 1);
  assert.match(a.items[0].after.query, /state=booked/);
  r = await exp(county, `date=${day(4)}&format=xlsx`);
  expectStatus(r, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
  // denials: no file, no export recorded
  expectError(await exp(deputy, `date=${day(4)}&format=csv`), 403, 'forbidden');
  expectError(await exp(handler, `date=${day(4)}&format=csv`), 403, 'forbidden');
  expectError(await api(srv, 'GET', `/api/v1/stations/${st9.id}/bookings?date=${day(4)}&format=csv`, { session: station }), 404, 'not_found');
  expectError(await exp(station, `date=${day(4)}&state=flying&format=csv`), 400, 'bad_param');
  expectError(await exp(station, `date=${day(4)}&format=pdf`), 400, 'bad_param');
  assert.equal((await audits()).total, before + 2);
});

test('a station\'s own staff see and handle only their station\'s bookings; staff by region see all', async () => {
  // a second station in the same township as st6
  let r = await api(srv, 'POST', '/api/v1/stations', { session: county,
    body: { region_code: '329981101', name: '预约测试第二站', kind: 'station', address: '测试路1号' } });
  expectStatus(r, 201);
  const other = r.json.station;
  expectStatus(await api(srv, 'POST', `/api/v1/stations/${other.id}/rules`, { session: county,
    body: { kind: 'once', date: day(5), start_time: '07:00', end_time: '08:00' } }), 201);
  const pc = (await api(srv, 'GET', `/api/v1/stations/${other.id}`, { session: county })).json.station.public_code;
  const mine = await book(st6, { date: day(5), start_time: '07:30' });
  const theirs = await book({ public_code: pc }, { date: day(5), start_time: '07:30' });
  expectStatus(mine, 201);
  expectStatus(theirs, 201);
  const theirsId = await bookingId(other, day(5), theirs.json.booking.code);
  const mineId = await bookingId(st6, day(5), mine.json.booking.code);
  // the account keeps st6: refused for another role, for a station outside its region, or unknown
  const body = { username: 'keeper6', display_name: '站点值守', role: 'station_staff', region_code: '329981101',
    password: 'Start#2024a', station_id: st6.id };
  expectError(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { ...body, role: 'unit_staff' } }), 400, 'bad_station');
  expectError(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { ...body, station_id: st9.id } }), 400, 'bad_station');
  expectError(await api(srv, 'POST', '/api/v1/accounts', { session: county, body }), 403, 'forbidden');
  r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body });
  expectStatus(r, 201);
  assert.equal(r.json.account.station_id, st6.id);
  assert.equal(r.json.account.station_name, st6.name);
  const kid = r.json.account.id;
  const keeper = await login(srv, 'keeper6', 'Start#2024a');
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: keeper,
    body: { old_password: 'Start#2024a', new_password: 'Keeper#2024b' } }), 204);
  assert.equal((await api(srv, 'GET', '/api/v1/session', { session: keeper })).json.user.station_id, st6.id);
  // their station: seen and handled
  r = await dayView(keeper, st6, day(5));
  expectStatus(r, 200);
  assert.ok(r.json.items.some((x) => x.id === mineId));
  expectStatus(await act(keeper, mineId, { action: 'met' }), 200);
  expectStatus(await api(srv, 'GET', `/api/v1/bookings/${mineId}/personal`, { session: keeper }), 200);
  // another station of the same township: as if it did not exist
  expectError(await dayView(keeper, other, day(5)), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/stations/${other.id}/bookings?date=${day(5)}&format=csv`, { session: keeper }), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/bookings/${theirsId}/personal`, { session: keeper }), 404, 'not_found');
  expectError(await act(keeper, theirsId, { action: 'met' }), 404, 'not_found');
  r = await dayView(county, other, day(5));
  assert.equal(r.json.items.find((x) => x.id === theirsId).state, 'booked', 'nothing changed');
  // the township's station staff without a station work by region as before
  expectStatus(await dayView(station, other, day(5)), 200);
  expectStatus(await act(station, theirsId, { action: 'met' }), 200);
  // the station let go: the account works by region again (its sessions end with the change)
  r = await api(srv, 'PATCH', `/api/v1/accounts/${kid}`, { session: sec, body: { station_id: 0 } });
  expectStatus(r, 200);
  assert.equal(r.json.account.station_id, null);
  expectError(await dayView(keeper, other, day(5)), 401, 'unauthenticated');
  const again = await login(srv, 'keeper6', 'Keeper#2024b');
  expectStatus(await dayView(again, other, day(5)), 200);
  // a role that keeps no station cannot be given one
  expectError(await api(srv, 'PATCH', `/api/v1/accounts/${kid}`, { session: sec, body: { role: 'unit_staff', station_id: st6.id } }), 400, 'bad_station');
});
