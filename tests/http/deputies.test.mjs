// Deputies (人大代表, api.md "Deputies"): list filters, paging, sorting, scope and roles, masking of
// phones and ID numbers, creation with its checks, duplicates, the audit trail, the status
// history of mandates with the rosters it changes, and the composition statistics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, county, unit, station, deputy, city, admin, auditor;
let today; // the server's date, YYYY-MM-DD
before(async () => {
  srv = await startServer();
  [county, unit, station, deputy, city, admin, auditor] = await Promise.all(
    ['county', 'unit', 'station', 'deputy', 'city', 'admin', 'auditor'].map((u) => login(srv, u)));
  const r = await api(srv, 'GET', '/api/v1/deputies/stats', { session: county });
  expectStatus(r, 200);
  today = r.json.stats.date;
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/);
});
after(async () => { await srv.stop(); });

const MASKED_PHONE = /^\d{3}\*{4}\d{4}$/;
const MASKED_ID = /^\d{6}\*{8}\d{3}[\dX]$/;
const CLEAR_MOBILE = /^1\d{10}$/;
const q = (s) => encodeURIComponent(s);

const list = async (s, qs) => {
  const r = await api(srv, 'GET', '/api/v1/deputies' + (qs ? '?' + qs : ''), { session: s });
  expectStatus(r, 200);
  return r.json;
};
const total = async (s, qs) => (await list(s, (qs ? qs + '&' : '') + 'per_page=1')).total;
const all = async (s, qs) => {
  const items = [];
  for (let page = 1; ; page++) {
    const j = await list(s, (qs ? qs + '&' : '') + `per_page=100&page=${page}`);
    items.push(...j.items);
    if (items.length >= j.total || j.items.length === 0) {
      assert.equal(items.length, j.total);
      return items;
    }
  }
};
const getDeputy = async (s, id) => {
  const r = await api(srv, 'GET', `/api/v1/deputies/${id}`, { session: s });
  expectStatus(r, 200);
  return r.json.deputy;
};
const stats = async (s, qs) => {
  const r = await api(srv, 'GET', '/api/v1/deputies/stats' + (qs ? '?' + qs : ''), { session: s });
  expectStatus(r, 200);
  return r.json.stats;
};
const roster = async (congress, level, date) => {
  const r = await api(srv, 'GET', `/api/v1/rosters?congress=${congress}&level=${level}&date=${date}`, { session: county });
  expectStatus(r, 200);
  assert.equal(r.json.congress, congress);
  assert.equal(r.json.level, level);
  assert.equal(r.json.date, date);
  assert.equal(r.json.count, r.json.members.length);
  return r.json;
};

// GB 11643: 17 digits and a check character.
function idNumber(prefix6, yyyymmdd, seq3) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const body = prefix6 + yyyymmdd + seq3;
  assert.equal(body.length, 17);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i];
  return body + '10X98765432'[sum % 11];
}
function wrongCheck(id) {
  const c = '10X98765432'.split('').find((x) => x !== id[17]);
  return id.slice(0, 17) + c;
}
function addDays(ymd, n) {
  const d = new Date(ymd + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function yearsBefore(ymd, n) {
  return String(Number(ymd.slice(0, 4)) - n) + ymd.slice(4);
}

const PHONE = '13912345678';
const ID = idNumber('110101', '19850412', '002'); // female: even 17th digit
function newDeputy(over = {}) {
  return {
    name: '测试代表甲', gender: 'female', ethnicity: '汉族', birth_date: '1985-04-12', party: '无党派人士',
    education: '大学本科', occupation: 'professional', employer: '白圩镇测试单位', post: '教师',
    phone: PHONE, id_number: ID, region_code: '329981102',
    mandate: { level: 'township', term: 18, region_code: '329981102', constituency: '第1选区', started_on: '2024-03-15' },
    ...over,
  };
}

// ---- lists ----

test('list: the Deputy shape, masked phones and ID numbers, a mandate summary', async () => {
  const j = await list(county, 'per_page=100');
  assert.equal(j.page, 1);
  assert.equal(j.per_page, 100);
  assert.ok(j.total > 100, `total ${j.total}`);
  const withPhone = j.items.filter((d) => d.phone !== null);
  assert.ok(withPhone.length > 50, 'demo deputies have phones');
  for (const d of j.items) {
    for (const k of ['id', 'name', 'gender', 'ethnicity', 'birth_date', 'age', 'party', 'education', 'occupation',
      'employer', 'post', 'phone', 'id_number', 'region_code', 'region_name', 'created_at', 'updated_at', 'mandates'])
      assert.ok(k in d, `${k} missing in ${JSON.stringify(d)}`);
    if (d.phone !== null) assert.match(d.phone, MASKED_PHONE);
    if (d.id_number !== null) assert.match(d.id_number, MASKED_ID);
    assert.ok(Array.isArray(d.mandates) && d.mandates.length > 0);
    for (const m of d.mandates) for (const k of ['level', 'term', 'region_name', 'status']) assert.ok(k in m);
  }
  assert.ok(!/1\d{10}/.test(JSON.stringify(j)), 'no clear mobile number in a list');
});

test('list: gender filter narrows and the two halves add up', async () => {
  const everyone = await total(county);
  const women = await all(county, 'gender=female');
  assert.ok(women.length > 0 && women.length < everyone);
  assert.ok(women.every((d) => d.gender === 'female'));
  const men = await all(county, 'gender=male');
  assert.ok(men.every((d) => d.gender === 'male'));
  assert.equal(women.length + men.length, everyone);
});

test('list: minority filter', async () => {
  const everyone = await total(county);
  const min = await all(county, 'minority=1');
  assert.ok(min.length > 0, 'demo has minority deputies');
  assert.ok(min.every((d) => d.ethnicity !== '汉族'), JSON.stringify(min.map((d) => d.ethnicity)));
  const han = await all(county, 'minority=0');
  assert.ok(han.every((d) => d.ethnicity === '汉族'));
  assert.equal(min.length + han.length, everyone);
});

test('list: party filter, including non_cpc', async () => {
  const everyone = await total(county);
  const non = await all(county, 'party=non_cpc');
  assert.ok(non.length > 0);
  assert.ok(non.every((d) => d.party !== '中共党员' && d.party !== '中共预备党员'));
  const cpc = await all(county, 'party=' + q('中共党员'));
  assert.ok(cpc.length > 0 && cpc.every((d) => d.party === '中共党员'));
  const prep = await total(county, 'party=' + q('中共预备党员'));
  assert.equal(non.length + cpc.length + prep, everyone);
});

test('list: occupation and education filters', async () => {
  const everyone = await total(county);
  let sum = 0;
  for (const o of ['worker', 'farmer', 'professional', 'official', 'military', 'other']) {
    const items = await all(county, 'occupation=' + o);
    assert.ok(items.every((d) => d.occupation === o), o);
    sum += items.length;
  }
  assert.equal(sum, everyone);
  const edu = await all(county, 'education=' + q('研究生'));
  assert.ok(edu.length > 0 && edu.every((d) => d.education === '研究生'));
  expectError(await api(srv, 'GET', '/api/v1/deputies?occupation=pilot', { session: county }), 400, 'bad_param');
});

test('list: congress + level limit to that congress', async () => {
  const town = await all(county, 'congress=329981101&level=township');
  assert.ok(town.length >= 30 && town.length <= 50, `township 329981101: ${town.length}`);
  for (const d of town)
    assert.ok(d.mandates.some((m) => m.level === 'township' && m.region_name === '松岭镇' && m.status === 'active'),
      JSON.stringify(d.mandates));
  const r = await roster('329981101', 'township', today);
  assert.equal(r.count, town.length);
  assert.deepEqual(r.members.map((d) => d.id).sort((a, b) => a - b), town.map((d) => d.id).sort((a, b) => a - b));
  const cty = await all(county, 'congress=329981&level=county');
  assert.equal(cty.length, 30);
  for (const d of cty)
    assert.ok(d.mandates.some((m) => m.level === 'county' && m.region_name === '清河市' && m.status === 'active'));
  // the county deputies are recorded in their townships, so they are not in the township congress
  const townIds = new Set(town.map((d) => d.id));
  assert.ok(cty.every((d) => !townIds.has(d.id) || d.mandates.some((m) => m.level === 'township')));
  assert.equal(await total(county, 'congress=329981101&level=county'), 0);
  expectError(await api(srv, 'GET', '/api/v1/deputies?level=mayor', { session: county }), 400, 'bad_param');
});

test('list: age_min / age_max bound `age` and split the list', async () => {
  const everyone = await total(county);
  const mid = await all(county, 'age_min=40&age_max=50');
  assert.ok(mid.length > 0);
  assert.ok(mid.every((d) => d.age >= 40 && d.age <= 50), JSON.stringify(mid.map((d) => d.age)));
  const old = await all(county, 'age_min=45');
  assert.ok(old.length > 0 && old.every((d) => d.age >= 45));
  const young = await all(county, 'age_max=44');
  assert.ok(young.length > 0 && young.every((d) => d.age <= 44));
  assert.equal(old.length + young.length, everyone);
  expectError(await api(srv, 'GET', '/api/v1/deputies?age_min=abc', { session: county }), 400, 'bad_param');
});

test('list: q searches name and employer', async () => {
  const some = (await list(county, 'per_page=1')).items[0];
  const byName = await all(county, 'q=' + q(some.name));
  assert.ok(byName.some((d) => d.id === some.id));
  assert.ok(byName.every((d) => d.name.includes(some.name) || d.employer.includes(some.name)));
  const byEmployer = await all(county, 'q=' + q('律师事务所'));
  assert.ok(byEmployer.length > 0);
  assert.ok(byEmployer.every((d) => d.name.includes('律师事务所') || d.employer.includes('律师事务所')));
  assert.ok(byEmployer.length < await total(county));
  assert.equal(await total(county, 'q=' + q('不存在的代表名')), 0);
});

test('list: pages are disjoint and add up to total', async () => {
  const everything = await list(county, 'region=329981102&per_page=100');
  assert.equal(everything.items.length, everything.total);
  const seen = [];
  const pages = Math.ceil(everything.total / 7);
  for (let page = 1; page <= pages; page++) {
    const j = await list(county, `region=329981102&per_page=7&page=${page}`);
    assert.equal(j.total, everything.total);
    assert.equal(j.page, page);
    assert.equal(j.per_page, 7);
    assert.ok(j.items.length <= 7);
    seen.push(...j.items.map((d) => d.id));
  }
  assert.equal(new Set(seen).size, everything.total);
  assert.deepEqual(seen, everything.items.map((d) => d.id));
  const past = await list(county, `region=329981102&per_page=7&page=${pages + 1}`);
  assert.deepEqual(past.items, []);
  assert.equal(past.total, everything.total);
});

test('list: sort=-birth_date and sort=birth_date', async () => {
  const desc = await all(county, 'sort=-birth_date');
  for (let i = 1; i < desc.length; i++)
    assert.ok(desc[i - 1].birth_date >= desc[i].birth_date, `${desc[i - 1].birth_date} before ${desc[i].birth_date}`);
  const asc = await all(county, 'sort=birth_date');
  for (let i = 1; i < asc.length; i++) assert.ok(asc[i - 1].birth_date <= asc[i].birth_date);
  assert.ok(asc[0].birth_date < desc[0].birth_date);
  expectError(await api(srv, 'GET', '/api/v1/deputies?sort=phone', { session: county }), 400, 'bad_sort');
});

// ---- scope and roles ----

test('scope: county sees only 329981; a 东城区 deputy is 404 to it', async () => {
  const mine = await all(county);
  assert.ok(mine.length > 0 && mine.every((d) => d.region_code.startsWith('329981')));
  const cityAll = await total(city);
  assert.ok(cityAll > mine.length);
  const dc = await all(city, 'region=329902');
  assert.ok(dc.length > 0 && dc.every((d) => d.region_code.startsWith('329902')));
  expectError(await api(srv, 'GET', `/api/v1/deputies/${dc[0].id}`, { session: county }), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/v1/deputies?region=329902', { session: county }), 403, 'out_of_scope');
  expectStatus(await api(srv, 'GET', `/api/v1/deputies/${dc[0].id}`, { session: city }), 200);
});

test('scope: unit sees only 329981101', async () => {
  const mine = await all(unit);
  assert.ok(mine.length > 0);
  assert.ok(mine.every((d) => d.region_code === '329981101'), JSON.stringify(mine.map((d) => d.region_code)));
  assert.equal(mine.length, await total(county, 'region=329981101'));
  const other = (await list(county, 'region=329981102&per_page=1')).items[0];
  expectError(await api(srv, 'GET', `/api/v1/deputies/${other.id}`, { session: unit }), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/v1/deputies?region=329981102', { session: unit }), 403, 'out_of_scope');
});

test('sysadmin has no access to deputies (403)', async () => {
  const some = (await list(county, 'per_page=1')).items[0];
  expectError(await api(srv, 'GET', '/api/v1/deputies', { session: admin }), 403, 'forbidden');
  expectError(await api(srv, 'GET', `/api/v1/deputies/${some.id}`, { session: admin }), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/deputies/stats', { session: admin }), 403, 'forbidden');
  assert.equal((await api(srv, 'POST', '/api/v1/deputies', { session: admin, body: newDeputy({ name: '管理员建的' }) })).status, 403);
});

test('detail: phone clear for county and unit staff, masked for station staff; ID always masked', async () => {
  const d0 = (await list(unit, 'per_page=1')).items[0];
  assert.match(d0.phone, MASKED_PHONE);
  const byCounty = await getDeputy(county, d0.id);
  const byUnit = await getDeputy(unit, d0.id);
  const byStation = await getDeputy(station, d0.id);
  assert.match(byCounty.phone, CLEAR_MOBILE);
  assert.equal(byUnit.phone, byCounty.phone);
  assert.match(byStation.phone, MASKED_PHONE);
  assert.equal(byStation.phone, d0.phone);
  assert.equal(byCounty.phone.slice(0, 3), d0.phone.slice(0, 3));
  assert.equal(byCounty.phone.slice(-4), d0.phone.slice(-4));
  for (const d of [byCounty, byUnit, byStation]) assert.match(d.id_number, MASKED_ID);
  const c = await getDeputy(city, d0.id);
  assert.match(c.id_number, MASKED_ID);
  assert.ok(Array.isArray(byCounty.mandates) && byCounty.mandates[0].events.length > 0);
  assert.ok(Array.isArray(byCounty.stations));
});

test('deputy account: own record with phone, a group member without, others 404', async () => {
  const me = deputy.user.deputy_id;
  assert.ok(Number.isInteger(me), JSON.stringify(deputy.user));
  const own = await getDeputy(deputy, me);
  assert.equal(own.id, me);
  assert.match(own.phone, CLEAR_MOBILE);
  assert.match(own.id_number, MASKED_ID);
  const staffView = await getDeputy(county, me);
  assert.equal(own.phone, staffView.phone);
  const groupId = staffView.mandates.find((m) => m.group_id !== null).group_id;
  const members = await all(county, `group=${groupId}`);
  const mate = members.find((d) => d.id !== me);
  assert.ok(mate, 'the deputy has group mates');
  const seen = await getDeputy(deputy, mate.id);
  assert.equal(seen.name, mate.name);
  assert.equal(seen.phone, null);
  assert.ok(seen.id_number === null || MASKED_ID.test(seen.id_number));
  // same township, other group: not visible
  const memberIds = new Set(members.map((d) => d.id));
  const stranger = (await all(county, 'congress=329981101&level=township')).find((d) => !memberIds.has(d.id));
  expectError(await api(srv, 'GET', `/api/v1/deputies/${stranger.id}`, { session: deputy }), 404, 'not_found');
  const other = (await list(county, 'region=329981103&per_page=1')).items[0];
  expectError(await api(srv, 'GET', `/api/v1/deputies/${other.id}`, { session: deputy }), 404, 'not_found');
  assert.equal((await api(srv, 'GET', '/api/v1/deputies', { session: deputy })).status, 403);
});

// ---- create ----

let created; // the deputy created below

test('create: a valid deputy with a mandate; GET shows it with an elected event', async () => {
  const before = await total(county, 'region=329981102');
  const r = await api(srv, 'POST', '/api/v1/deputies', { session: county, body: newDeputy() });
  expectStatus(r, 201);
  created = r.json.deputy;
  assert.equal(created.name, '测试代表甲');
  const d = await getDeputy(county, created.id);
  assert.equal(d.name, '测试代表甲');
  assert.equal(d.gender, 'female');
  assert.equal(d.birth_date, '1985-04-12');
  assert.equal(d.party, '无党派人士');
  assert.equal(d.occupation, 'professional');
  assert.equal(d.region_code, '329981102');
  assert.equal(d.region_name, '白圩镇');
  assert.equal(d.phone, PHONE);
  assert.equal(d.id_number, ID.slice(0, 6) + '********' + ID.slice(14));
  const y = Number(today.slice(0, 4)) - 1985 - (today.slice(5) < '04-12' ? 1 : 0);
  assert.equal(d.age, y);
  assert.equal(d.mandates.length, 1);
  const m = d.mandates[0];
  assert.equal(m.level, 'township');
  assert.equal(m.term, 18);
  assert.equal(m.region_code, '329981102');
  assert.equal(m.constituency, '第1选区');
  assert.equal(m.status, 'active');
  assert.equal(m.started_on, '2024-03-15');
  assert.equal(m.ended_on, null);
  assert.equal(m.events.length, 1);
  assert.equal(m.events[0].kind, 'elected');
  assert.equal(m.events[0].happened_on, '2024-03-15');
  assert.equal(await total(county, 'region=329981102'), before + 1);
  const found = await all(county, 'q=' + q('测试代表甲'));
  assert.deepEqual(found.map((x) => x.id), [created.id]);
  assert.match(found[0].phone, MASKED_PHONE);
  assert.match((await getDeputy(city, created.id)).id_number, MASKED_ID);
});

test('create: bad input is 400 with the field, and nothing is stored', async () => {
  const t17 = addDays(yearsBefore(today, 17), 0);
  const cases = [
    ['nonexistent date', { birth_date: '2023-02-29', id_number: undefined }, 'birth_date'],
    ['under 18', { birth_date: t17, id_number: undefined }, 'birth_date'],
    ['wrong check digit', { id_number: wrongCheck(ID) }, 'id_number'],
    ['ID birth date differs', { id_number: idNumber('110101', '19850413', '002') }, 'id_number'],
    ['ID gender differs', { id_number: idNumber('110101', '19850412', '001') }, 'id_number'],
    ['unknown ethnicity', { ethnicity: '火星族' }, 'ethnicity'],
    ['bad occupation', { occupation: 'astronaut' }, 'occupation'],
    ['bad gender', { gender: 'other' }, 'gender'],
  ];
  for (const [what, over, field] of cases) {
    const body = newDeputy({ name: '坏代表', ...over });
    if (body.id_number === undefined) delete body.id_number;
    const r = await api(srv, 'POST', '/api/v1/deputies', { session: county, body });
    assert.equal(r.status, 400, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.field, field, `${what}: ${r.text}`);
  }
  // township mandate in a county region
  let r = await api(srv, 'POST', '/api/v1/deputies', { session: county,
    body: newDeputy({ name: '坏代表', id_number: idNumber('110101', '19850412', '004'),
      mandate: { level: 'township', term: 18, region_code: '329981', started_on: '2021-11-20' } }) });
  expectError(r, 400, 'bad_level');
  assert.match(r.json.error.field || '', /level$/, r.text);
  // county mandate in a township
  r = await api(srv, 'POST', '/api/v1/deputies', { session: county,
    body: newDeputy({ name: '坏代表', id_number: idNumber('110101', '19850412', '004'),
      mandate: { level: 'county', term: 18, region_code: '329981101', started_on: '2021-12-10' } }) });
  expectError(r, 400, 'bad_level');
  // started in the future
  r = await api(srv, 'POST', '/api/v1/deputies', { session: county,
    body: newDeputy({ name: '坏代表', id_number: idNumber('110101', '19850412', '004'),
      mandate: { level: 'township', term: 18, region_code: '329981102', started_on: addDays(today, 30) } }) });
  assert.equal(r.status, 400, r.text);
  assert.match(r.json.error.field || '', /started_on$/, r.text);
  assert.equal(await total(county, 'status=all&q=' + q('坏代表')), 0);
});

test('create: a duplicate ID number is 409 duplicate_id_number and nothing is stored', async () => {
  assert.ok(created, 'created above');
  const before = await total(county, 'status=all');
  const r = await api(srv, 'POST', '/api/v1/deputies', { session: county, body: newDeputy({ name: '重复代表', phone: '13900000001' }) });
  expectError(r, 409, 'duplicate_id_number');
  assert.equal(await total(county, 'status=all'), before);
  assert.equal(await total(county, 'status=all&q=' + q('重复代表')), 0);
});

test('create: roles that may not write get 403 and nothing is stored', async () => {
  for (const s of [station, deputy]) {
    const r = await api(srv, 'POST', '/api/v1/deputies', { session: s,
      body: newDeputy({ name: '无权代表', region_code: '329981101', id_number: idNumber('110101', '19850412', '006'),
        mandate: { level: 'township', term: 18, region_code: '329981101', started_on: '2024-03-15' } }) });
    expectError(r, 403, 'forbidden');
  }
  assert.equal(await total(county, 'status=all&q=' + q('无权代表')), 0);
  const some = (await list(unit, 'per_page=1')).items[0];
  const r = await api(srv, 'PATCH', `/api/v1/deputies/${some.id}`, { session: station, body: { post: '越权' } });
  assert.equal(r.status, 403, r.text);
  assert.notEqual((await getDeputy(county, some.id)).post, '越权');
});

test('create: in the audit log with the phone masked, never in the clear', async () => {
  assert.ok(created, 'created above');
  const r = await api(srv, 'GET', `/api/v1/audit?object_type=deputy&object_id=${created.id}`, { session: auditor });
  expectStatus(r, 200);
  const cre = r.json.items.find((e) => e.before === null && e.after && e.after.name === '测试代表甲');
  assert.ok(cre, r.text);
  assert.equal(cre.actor, 'county');
  assert.equal(String(cre.object_id), String(created.id));
  assert.match(cre.after.phone, MASKED_PHONE);
  assert.match(cre.after.id_number, MASKED_ID);
  assert.ok(!r.text.includes(PHONE), 'clear phone in the audit entry');
  assert.ok(!r.text.includes(ID), 'clear ID number in the audit entry');
  const everything = await api(srv, 'GET', '/api/v1/audit?object_type=deputy&per_page=100', { session: auditor });
  expectStatus(everything, 200);
  assert.ok(!everything.text.includes(PHONE) && !everything.text.includes(ID));
});

test('update: a changed phone is shown to staff and never written to the audit log in the clear', async () => {
  assert.ok(created, 'created above');
  const NEW = '13698765432';
  const r = await api(srv, 'PATCH', `/api/v1/deputies/${created.id}`, { session: county, body: { phone: NEW, post: '副校长' } });
  expectStatus(r, 200);
  assert.equal(r.json.deputy.post, '副校长');
  const d = await getDeputy(county, created.id);
  assert.equal(d.phone, NEW);
  assert.equal(d.post, '副校长');
  assert.match(d.id_number, MASKED_ID);
  const a = await api(srv, 'GET', `/api/v1/audit?object_type=deputy&object_id=${created.id}&per_page=100`, { session: auditor });
  expectStatus(a, 200);
  assert.ok(a.json.items.some((e) => e.after && e.after.post === '副校长'), a.text);
  for (const clear of [NEW, PHONE, ID]) assert.ok(!a.text.includes(clear), `${clear} in the clear in the audit log`);
});

// ---- status history and rosters ----

test('resigned: the roster changes on that date; a second event is 409; an event before started_on 400', async () => {
  const r29 = await roster('329981103', 'township', '2025-06-29');
  const r30 = await roster('329981103', 'township', '2025-06-30');
  assert.equal(r29.count, r30.count);
  const target = r29.members[0];
  const d = await getDeputy(county, target.id);
  const m = d.mandates.find((x) => x.level === 'township' && x.region_code === '329981103' && x.status === 'active');
  assert.ok(m, JSON.stringify(d.mandates));
  let r = await api(srv, 'POST', `/api/v1/mandates/${m.id}/events`, { session: county,
    body: { kind: 'resigned', happened_on: '2025-06-30', document: '辞职决定', note: '本人申请' } });
  expectStatus(r, 201);
  const after = r.json.deputy.mandates.find((x) => x.id === m.id);
  assert.equal(after.status, 'resigned');
  assert.equal(after.ended_on, '2025-06-30');
  const ev = after.events.find((e) => e.kind === 'resigned');
  assert.ok(ev, JSON.stringify(after.events));
  assert.equal(ev.happened_on, '2025-06-30');
  assert.equal(ev.document, '辞职决定');
  const a29 = await roster('329981103', 'township', '2025-06-29');
  const a30 = await roster('329981103', 'township', '2025-06-30');
  assert.ok(a29.members.some((x) => x.id === target.id));
  assert.ok(!a30.members.some((x) => x.id === target.id));
  assert.equal(a29.count, r29.count);
  assert.equal(a30.count, r30.count - 1);
  assert.ok(!(await all(county, 'congress=329981103&level=township')).some((x) => x.id === target.id));
  assert.ok((await all(county, 'status=resigned')).some((x) => x.id === target.id));
  // an ended mandate cannot change again
  r = await api(srv, 'POST', `/api/v1/mandates/${m.id}/events`, { session: county, body: { kind: 'recalled', happened_on: '2025-07-01' } });
  expectError(r, 409, 'bad_state');
  assert.equal((await getDeputy(county, target.id)).mandates.find((x) => x.id === m.id).status, 'resigned');
  // an event before the mandate started
  const other = r29.members[1];
  const om = (await getDeputy(county, other.id)).mandates.find((x) => x.region_code === '329981103' && x.status === 'active');
  r = await api(srv, 'POST', `/api/v1/mandates/${om.id}/events`, { session: county,
    body: { kind: 'resigned', happened_on: addDays(om.started_on, -1) } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'happened_on', r.text);
  assert.equal((await getDeputy(county, other.id)).mandates.find((x) => x.id === om.id).status, 'active');
  // a date in the future and an unknown kind
  r = await api(srv, 'POST', `/api/v1/mandates/${om.id}/events`, { session: county, body: { kind: 'resigned', happened_on: addDays(today, 5) } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', `/api/v1/mandates/${om.id}/events`, { session: county, body: { kind: 'promoted', happened_on: '2025-06-30' } });
  assert.equal(r.status, 400, r.text);
  r = await api(srv, 'POST', `/api/v1/mandates/${om.id}/events`, { session: station, body: { kind: 'resigned', happened_on: '2025-06-30' } });
  assert.equal(r.status, 403, r.text);
  assert.equal((await getDeputy(county, other.id)).mandates.find((x) => x.id === om.id).status, 'active');
});

test('deceased ends all of the person\'s current mandates', async () => {
  assert.ok(created, 'created above');
  let r = await api(srv, 'POST', `/api/v1/deputies/${created.id}/mandates`, { session: county,
    body: { level: 'county', term: 18, region_code: '329981', started_on: '2024-03-15' } });
  expectStatus(r, 201);
  assert.equal(r.json.deputy.mandates.length, 2);
  assert.ok(r.json.deputy.mandates.every((m) => m.status === 'active'));
  const countyBefore = await roster('329981', 'county', '2025-07-01');
  assert.ok(countyBefore.members.some((x) => x.id === created.id));
  const town = r.json.deputy.mandates.find((m) => m.level === 'township');
  r = await api(srv, 'POST', `/api/v1/mandates/${town.id}/events`, { session: county, body: { kind: 'deceased', happened_on: '2025-07-01' } });
  expectStatus(r, 201);
  const d = await getDeputy(county, created.id);
  assert.equal(d.mandates.length, 2);
  for (const m of d.mandates) {
    assert.equal(m.status, 'deceased', JSON.stringify(m));
    assert.equal(m.ended_on, '2025-07-01');
    assert.ok(m.events.some((e) => e.kind === 'deceased' && e.happened_on === '2025-07-01'));
  }
  const countyAfter = await roster('329981', 'county', '2025-07-01');
  assert.ok(!countyAfter.members.some((x) => x.id === created.id));
  assert.equal(countyAfter.count, countyBefore.count - 1);
  assert.ok((await roster('329981', 'county', '2025-06-30')).members.some((x) => x.id === created.id));
  assert.equal(await total(county, 'q=' + q('测试代表甲')), 0);
  assert.equal(await total(county, 'status=deceased&q=' + q('测试代表甲')), 1);
});

// ---- statistics ----

test('stats: totals match the list for the same filters; women, shares, age bands', async () => {
  for (const f of ['', 'region=329981102', 'gender=female', 'congress=329981&level=county', 'party=non_cpc&age_min=40']) {
    const s = await stats(county, f);
    assert.equal(s.total, await total(county, f), `filters "${f}"`);
    let bands = 0;
    for (const b of s.age_bands) {
      assert.ok(typeof b.band === 'string' && typeof b.label === 'string' && Number.isInteger(b.count));
      bands += b.count;
    }
    assert.equal(bands, s.total, `age bands of "${f}"`);
    for (const [k, v] of Object.entries(s.counts)) {
      assert.ok(k in s.shares, k);
      const want = s.total ? v / s.total : 0;
      assert.ok(Math.abs(s.shares[k] - want) < 1e-6, `${k}: share ${s.shares[k]} vs ${v}/${s.total}`);
    }
  }
  const s = await stats(county);
  assert.equal(s.date, today);
  assert.equal(s.counts.women, await total(county, 'gender=female'));
  assert.equal(s.counts.minorities, await total(county, 'minority=1'));
  assert.equal(s.counts.non_cpc, await total(county, 'party=non_cpc'));
  assert.equal(s.counts.farmers, await total(county, 'occupation=farmer'));
  assert.equal(s.counts.workers_and_farmers, s.counts.workers + s.counts.farmers);
  const f = await stats(county, 'gender=female');
  assert.equal(f.counts.women, f.total);
  assert.equal(f.shares.women, 1);
  // age bands agree with the age filter
  const under35 = s.age_bands.find((b) => b.band === 'under_35');
  if (under35) assert.equal(under35.count, await total(county, 'age_max=34'));
  for (const dim of ['party', 'education', 'ethnicity'])
    assert.equal(s.breakdown[dim].reduce((a, x) => a + x.count, 0), s.total, dim);
});

test('stats: county scope vs city scope', async () => {
  const c = await stats(county);
  const t = await stats(city);
  const dc = await stats(city, 'region=329902');
  const qh = await stats(city, 'region=329981');
  assert.equal(qh.total, c.total);
  assert.ok(dc.total > 0);
  assert.ok(t.total >= c.total + dc.total, `city ${t.total} vs ${c.total} + ${dc.total}`);
  assert.ok(t.counts.women >= c.counts.women + dc.counts.women);
  assert.equal(t.total, await total(city));
  expectError(await api(srv, 'GET', '/api/v1/deputies/stats?region=329902', { session: county }), 403, 'out_of_scope');
  const u = await stats(unit);
  assert.equal(u.total, await total(county, 'region=329981101'));
  assert.ok(u.total < c.total);
});

// ---- export ----

// One column of a CSV export, in file order.
const exportColumn = async (s, qs, header) => {
  const r = await api(srv, 'GET', '/api/v1/deputies/export?format=csv&' + qs, { session: s });
  expectStatus(r, 200);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  const col = lines[0].split(',').indexOf(header);
  assert.ok(col >= 0, `the export has a ${header} column`);
  return lines.slice(1).map((l) => l.split(',')[col]);
};
const sorted = (a) => [...a].sort();

test('export: the same rows as the list, the keyword and the sort included', async () => {
  const byEmployer = await all(county, 'q=' + q('律师事务所'));
  assert.ok(byEmployer.length > 0 && byEmployer.length < await total(county));
  const names = await exportColumn(county, 'q=' + q('律师事务所'), '姓名');
  assert.equal(names.length, byEmployer.length);
  assert.deepEqual(sorted(names), sorted(byEmployer.map((d) => d.name)));
  assert.deepEqual(await exportColumn(county, 'q=' + q('不存在的代表名'), '姓名'), []);

  // the list's order: by name by default, youngest first with sort=-birth_date
  const byName = await exportColumn(county, 'gender=female', '出生日期');
  const desc = await exportColumn(county, 'gender=female&sort=-birth_date', '出生日期');
  assert.equal(desc.length, await total(county, 'gender=female'));
  for (let i = 1; i < desc.length; i++) assert.ok(desc[i - 1] >= desc[i], `${desc[i - 1]} before ${desc[i]}`);
  assert.notDeepEqual(byName, desc);
  assert.deepEqual(sorted(byName), sorted(desc));
  expectError(await api(srv, 'GET', '/api/v1/deputies/export?format=csv&sort=phone', { session: county }), 400, 'bad_sort');
});

// ---- concurrency: the deputy's row orders the changes of its mandates ----

test('two status events sent at once on one mandate: exactly one applies, the other is 409 bad_state', async () => {
  const members = (await roster('329981105', 'township', today)).members.slice(0, 8);
  assert.equal(members.length, 8);
  for (const m of members) {
    const mandate = (await getDeputy(county, m.id)).mandates.find((x) => x.region_code === '329981105' && x.status === 'active');
    const rs = await Promise.all(['resigned', 'recalled'].map((kind) => api(srv, 'POST', `/api/v1/mandates/${mandate.id}/events`,
      { session: county, body: { kind, happened_on: today } })));
    const ok = rs.filter((r) => r.status === 201);
    assert.equal(ok.length, 1, rs.map((r) => r.text).join('\n'));
    expectError(rs.find((r) => r.status !== 201), 409, 'bad_state');
    const after = (await getDeputy(county, m.id)).mandates.find((x) => x.id === mandate.id);
    const ending = after.events.filter((e) => e.kind === 'resigned' || e.kind === 'recalled');
    assert.equal(ending.length, 1, JSON.stringify(after.events));
    assert.equal(after.status, ending[0].kind);
  }
});

test('an import batch confirmed three times at once is imported once', async () => {
  const header = ['姓名', '性别', '民族', '出生日期', '政治面貌', '代表构成类别', '所属区划代码', '代表层级', '届次',
    '人大所在区划代码', '当选日期'];
  // enough rows that the confirmations overlap
  const rows = Array.from({ length: 300 }, (_, i) => [`并发导入${i}`, '男', '汉族', '1970-01-01', '群众', '农民', '329981104',
    '乡镇', '18', '329981104', '2021-11-20']);
  const csv = [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
  let r = await api(srv, 'POST', '/api/v1/deputies/import', { session: county, body: csv, headers: { 'Content-Type': 'text/csv' } });
  expectStatus(r, 200);
  assert.equal(r.json.preview.error_count, 0, r.text);
  const id = r.json.preview.import_id;
  assert.ok(id, r.text);
  const rs = await Promise.all([1, 2, 3].map(() => api(srv, 'POST', `/api/v1/deputies/import/${id}/confirm`, { session: county })));
  assert.equal(rs.filter((x) => x.status === 200).length, 1, rs.map((x) => x.text).join('\n'));
  for (const x of rs.filter((y) => y.status !== 200))
    expectError(x, 409, 'already_imported');
  assert.equal(rs.find((x) => x.status === 200).json.imported, rows.length);
  assert.equal(await total(county, 'q=' + q('并发导入')), rows.length);
});

// ---- imports of the rosters offices keep ----

test('import: a LibreOffice roster with an empty first sheet, a merged title row above the header and date cells', async () => {
  // tests/fixtures/import/roster-title-row.xlsx: made by writeRosterXlsx (web/e2e/xlsx.mjs) as Calc saves
  // such a workbook: Sheet1 empty, then 代表名册 with <mergeCell ref="A1:Q1"/> over the title, the
  // header in row 2, birth and election dates as serial day numbers in date styles
  const file = await readFile(new URL('../fixtures/import/roster-title-row.xlsx', import.meta.url));
  const xlsx = { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  expectError(await api(srv, 'POST', '/api/v1/deputies/import', { session: auditor, body: file, headers: xlsx }), 403, 'forbidden');
  let r = await api(srv, 'POST', '/api/v1/deputies/import', { session: county, body: file, headers: xlsx });
  expectStatus(r, 200);
  const p = r.json.preview;
  assert.equal(p.error_count, 0, r.text);
  assert.equal(p.total, 3);
  assert.deepEqual(p.rows.map((x) => x.birth_date), ['1968-03-09', '1982-12-31', '1990-02-28']);
  assert.deepEqual(p.rows.map((x) => x.mandate.started_on), ['2021-11-20', '2021-11-20', '2022-01-05']);
  // the same workbook opened and saved again by LibreOffice Calc 7.4 (roster-calc.xlsx: Calc's own
  // XML, styles and shared strings) previews the same rows
  const calc = await readFile(new URL('../fixtures/import/roster-calc.xlsx', import.meta.url));
  const rc = await api(srv, 'POST', '/api/v1/deputies/import', { session: county, body: calc, headers: xlsx });
  expectStatus(rc, 200);
  assert.equal(rc.json.preview.error_count, 0, rc.text);
  assert.deepEqual(rc.json.preview.rows.map((x) => [x.name, x.birth_date, x.mandate.started_on]),
    p.rows.map((x) => [x.name, x.birth_date, x.mandate.started_on]));
  r = await api(srv, 'POST', `/api/v1/deputies/import/${p.import_id}/confirm`, { session: county });
  expectStatus(r, 200);
  const got = await all(county, 'q=' + q('标题行导入'));
  assert.deepEqual(got.map((d) => d.name).sort(), ['标题行导入丙', '标题行导入乙', '标题行导入甲']);
  assert.equal(got.find((d) => d.name === '标题行导入乙').birth_date, '1982-12-31');
});

test('import: every bad field of a row is listed with its row and column, and nothing is stored', async () => {
  const header = ['姓名', '性别', '民族', '出生日期', '政治面貌', '代表构成类别', '所属区划代码', '代表层级', '届次',
    '人大所在区划代码', '当选日期', '联系电话'];
  const good = ['多错导入甲', '男', '汉族', '1970-01-01', '群众', '农民', '329981104', '乡镇', '18', '329981104', '2021-11-20', ''];
  // row 4: a bad ethnicity, a date that does not exist, a bad phone and a bad term, all at once
  const bad = ['多错导入乙', '男', '火星族', '1970-02-30', '群众', '农民', '329981104', '乡镇', '0', '329981104', '2021-11-20', '12345'];
  // a title row above the header, in a CSV too; an Excel serial date cell read as text (27553)
  const csv = [['柳溪乡代表名册'], header, good, bad, [...good.slice(0, 3), '27553', ...good.slice(4)].map((v, i) => (i === 0 ? '多错导入丙' : v))]
    .map((r) => r.join(',')).join('\r\n') + '\r\n';
  const r = await api(srv, 'POST', '/api/v1/deputies/import', { session: county, body: csv, headers: { 'Content-Type': 'text/csv' } });
  expectStatus(r, 200);
  const p = r.json.preview;
  assert.equal(p.total, 3);
  assert.equal(p.valid, 2);
  assert.equal(p.import_id, null, 'a file with a bad row cannot be confirmed');
  const errs = p.errors.map((x) => `${x.row}:${x.column}`).sort();
  assert.deepEqual(errs, ['4:出生日期', '4:届次', '4:民族', '4:联系电话'], JSON.stringify(p.errors));
  assert.ok(p.errors.every((x) => x.message), 'each error says what is wrong');
  assert.equal(await total(county, 'q=' + q('多错导入')), 0, 'nothing stored');
  // the serial day number became its date
  const fixed = [['柳溪乡代表名册'], header, [...good.slice(0, 3), '27553', ...good.slice(4)]].map((r) => r.join(',')).join('\r\n');
  const r2 = await api(srv, 'POST', '/api/v1/deputies/import', { session: county, body: fixed, headers: { 'Content-Type': 'text/csv' } });
  expectStatus(r2, 200);
  assert.equal(r2.json.preview.rows[0].birth_date, '1975-06-08');
});
