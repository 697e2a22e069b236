// Citizens' opinions, the staff side (api.md "Citizens' opinions", DOMAIN §3): the closed loop
// from a citizen's report through classification, assignment with a deadline in working days,
// acceptance, reply and the citizen's rating (not satisfied → handled again); the events and the
// audit trail of every step; illegal steps from each state; who may do what; returns,
// not accepted, answered on the spot, converted; near-duplicates and merged cases; extensions;
// the due board; hot topics; full-text search on CJK bigrams.
// The demo holds opinions of its own: everything here is found by words or codes of this file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, login, expectError, expectStatus, workdayAdder } from './lib.mjs';

let srv, county, unit, station, deputy, handler, admin, auditor, sec, city;
let town; // a handler account of 松岭镇村镇建设办公室, another handling unit
let today, plus; // the server's date; plus(ymd, n) adds n working days
let st6, home, st9; // 代表联络站 and 代表之家 of 松岭镇 (329981101, served by `deputy`); 代表联络站 of 白圩镇 (329981102)
let H1, H2, Htown, Hdc; // 清河市交通运输局 (`handler`), another county unit, a 松岭镇 unit, a 东城区 unit
let cat; // category ids by name
before(async () => {
  srv = await startServer();
  [county, unit, station, deputy, handler, admin, auditor, sec, city] = await Promise.all(
    ['county', 'unit', 'station', 'deputy', 'handler', 'admin', 'auditor', 'secadmin', 'city'].map((u) => login(srv, u)));
  const list = async (s, path) => { const r = await api(srv, 'GET', path, { session: s }); expectStatus(r, 200); return r.json.items; };
  st6 = (await list(county, '/api/v1/stations?region=329981101&kind=station'))[0];
  home = (await list(county, '/api/v1/stations?region=329981101&kind=home'))[0];
  st9 = (await list(county, '/api/v1/stations?region=329981102&kind=station'))[0];
  const hs = await list(county, '/api/v1/handlers?region=329981&per_page=100');
  H1 = hs.find((h) => h.name === '清河市交通运输局');
  H2 = hs.find((h) => h.name === '清河市住房和城乡建设局');
  Htown = hs.find((h) => h.name === '松岭镇村镇建设办公室');
  Hdc = (await list(city, '/api/v1/handlers?region=329902&per_page=1'))[0];
  assert.equal(handler.user.handler_id, H1.id);
  assert.ok(H2 && Htown && Hdc && Htown.region_code === '329981101');
  cat = Object.fromEntries((await list(county, '/api/v1/public/categories')).map((c) => [c.name, c.id]));
  // a handler account of another handling unit
  let r = await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'hd.town', display_name: '村镇建设办',
    role: 'handler', region_code: '329981101', password: 'Start#2024a', handler_id: Htown.id } });
  expectStatus(r, 201);
  town = await login(srv, 'hd.town', 'Start#2024a');
  r = await api(srv, 'POST', '/api/v1/session/password', { session: town, body: { old_password: 'Start#2024a', new_password: 'Changed#2024b' } });
  expectStatus(r, 204);
  r = await api(srv, 'GET', `/api/v1/stations/${st6.id}/calendar`, { session: county });
  expectStatus(r, 200);
  today = r.json.from;
  plus = await workdayAdder(srv, county, Number(today.slice(0, 4)));
});
after(async () => { await srv.stop(); });

const OPINION_KEYS = ['id', 'tracking_code', 'region_code', 'region_name', 'station_id', 'station_name', 'channel',
  'category_id', 'category_name', 'body', 'place', 'citizen_name', 'citizen_phone', 'state', 'state_name',
  'handler_id', 'handler_name', 'assigned_on', 'deadline', 'due', 'workdays_left', 'reply', 'replied_at', 'rating', 'rating_comment',
  'rated_at', 'reason', 'case_id', 'merged_count', 'photo_count', 'created_at', 'updated_at', 'closed_at',
  'escalated_to', 'escalated_to_name', 'escalation_reason', 'escalated_at'];
const EVENT_KEYS = ['id', 'action', 'from_state', 'to_state', 'actor', 'note', 'created_at'].sort();
const q = (s) => encodeURIComponent(s);

// a statement on the test's database itself (sqlite3 or psql), its output trimmed
function sql(text) {
  const url = srv.db.url;
  if (url.startsWith('sqlite:')) return execFileSync('sqlite3', [url.slice(7), text], { encoding: 'utf8' }).trim();
  return execFileSync('psql', [url, '-X', '-q', '-A', '-t', '-c', text], { encoding: 'utf8' }).trim();
}

// staff registration (a visit unless told), answers the opinion with its `secret`
async function reg(body, s = county) {
  const r = await api(srv, 'POST', '/api/v1/opinions', { session: s, body: { channel: 'visit', ...body } });
  expectStatus(r, 201);
  return r.json.opinion;
}
const at6 = (body, extra = {}, s = county) => reg({ station_id: st6.id, body, ...extra }, s);
const tryAct = (s, id, action, extra = {}) => api(srv, 'POST', `/api/v1/opinions/${id}/actions`, { session: s, body: { action, ...extra } });
async function act(s, id, action, extra = {}) {
  const r = await tryAct(s, id, action, extra);
  expectStatus(r, 200);
  assert.equal(r.json.opinion.id, id);
  return r.json.opinion;
}
async function get(s, id) {
  const r = await api(srv, 'GET', `/api/v1/opinions/${id}`, { session: s });
  expectStatus(r, 200);
  return r.json.opinion;
}
async function find(s, word, more = '') {
  const r = await api(srv, 'GET', `/api/v1/opinions?per_page=100&q=${q(word)}${more}`, { session: s });
  expectStatus(r, 200);
  return r.json;
}
function badState(r, stateName, what = '') {
  expectError(r, 409, 'bad_state');
  assert.ok(r.json.error.message.includes(stateName), `${what}: ${r.text} should name ${stateName}`);
}
const track = (code, proof) => api(srv, 'GET', `/api/v1/public/opinions/${code}?${proof}`);
const rate = (code, body) => api(srv, 'POST', `/api/v1/public/opinions/${code}/rating`, { body });
async function board(s = county, qs = '') {
  const r = await api(srv, 'GET', '/api/v1/opinions/board' + qs, { session: s });
  expectStatus(r, 200);
  return r.json;
}
const onBoard = (b, hid) => b.handlers.find((h) => h.handler_id === hid) || { open: 0, warn: 0, overdue: 0 };

// ---- the loop ----
let loop; // { code, secret, id }
const LOOP_BODY = '松岭镇琵琶巷口的路灯坏了一个多月，晚上出行很不方便，老人孩子容易摔倒，请尽快修复路灯。';

test('staff registration: the Opinion shape, a secret for the citizen, input checks', async () => {
  const o = await at6('松岭镇石榴村的灌溉水渠堵塞，田里的庄稼缺水，请帮忙疏通。',
    { place: '松岭镇石榴村', name: '赵六', phone: '13711112222', consent: true, channel: 'reception', reception_date: today });
  assert.deepEqual(Object.keys(o).filter((k) => k !== 'secret').sort(), [...OPINION_KEYS].sort());
  assert.equal(typeof o.secret, 'string');
  assert.match(o.tracking_code, /^[0-9A-Z]{12}$/);
  assert.equal(o.channel, 'reception');
  assert.equal(o.station_id, st6.id);
  assert.equal(o.region_code, '329981101');
  assert.equal(o.state, 'received');
  assert.equal(o.state_name, '已受理');
  const g = await get(county, o.id);
  assert.equal(g.citizen_name, '赵六');
  assert.equal(g.citizen_phone, '13711112222');
  assert.deepEqual(g.events.map((e) => [e.action, e.from_state, e.to_state]), [['register', null, 'received']]);
  assert.deepEqual(Object.keys(g.events[0]).sort(), EVENT_KEYS);
  assert.equal(g.events[0].actor, county.user.display_name);
  assert.deepEqual(g.extensions, []);
  assert.deepEqual(g.merged, []);
  // the citizen follows it with the secret handed over
  const t = await track(o.tracking_code, 'secret=' + o.secret);
  expectStatus(t, 200);
  assert.equal(t.json.opinion.state, 'received');
  // input checks
  let r = await api(srv, 'POST', '/api/v1/opinions', { session: county, body: { station_id: st6.id, body: '松岭镇石榴村的水渠又堵了', channel: 'fax' } });
  expectError(r, 400, 'bad_channel');
  r = await api(srv, 'POST', '/api/v1/opinions', { session: county, body: { station_id: st6.id, body: '松岭镇石榴村的水渠又堵了', reception_date: '2999-01-01' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'reception_date');
  r = await api(srv, 'POST', '/api/v1/opinions', { session: county, body: { region_code: '329902001', body: '东城区石榴村的水渠又堵了' } });
  expectError(r, 403, 'out_of_scope');
  r = await api(srv, 'POST', '/api/v1/opinions', { session: unit, body: { station_id: st9.id, body: '白圩镇石榴村的水渠又堵了' } });
  expectError(r, 403, 'out_of_scope');
  assert.equal((await find(county, '石榴')).total, 1);
});

test('the loop: a citizen reports; county finds it by a word of the body', async () => {
  const r = await api(srv, 'POST', '/api/v1/public/opinions', { body: { station_code: st6.public_code, body: LOOP_BODY,
    place: '松岭镇琵琶巷', name: '陈阿婆', phone: '13912345678', consent: true } });
  expectStatus(r, 201);
  loop = { code: r.json.tracking_code, secret: r.json.secret };
  let j = await find(county, '琵琶');
  assert.equal(j.total, 1);
  const o = j.items[0];
  assert.equal(o.tracking_code, loop.code);
  assert.equal(o.state, 'received');
  assert.equal(o.channel, 'qr');
  loop.id = o.id;
  // a common word finds it among others, each of which holds the word
  j = await find(county, '路灯');
  assert.ok(j.items.some((x) => x.id === loop.id));
  for (const x of j.items) assert.ok((x.body + x.place + (x.reply || '')).includes('路灯'), x.body);
  // a longer phrase: every bigram must be there
  assert.equal((await find(county, '琵琶巷口的路灯')).total, 1);
  assert.equal((await find(county, '琵琶巷口的红灯')).total, 0);
  // words in no opinion
  assert.equal((await find(county, '犀牛')).total, 0);
  assert.equal((await find(county, '琵琶', '&state=closed')).total, 0);
  assert.equal((await find(county, '琵琶', `&station=${st6.id}&channel=qr&state=received`)).total, 1);
  expectError(await api(srv, 'GET', '/api/v1/opinions?state=lost', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/opinions?q=' + q('，。'), { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/opinions?sort=body', { session: county }), 400, 'bad_sort');
  // the unit of the township sees it; city too; a county of another district does not exist here
  assert.equal((await find(unit, '琵琶')).total, 1);
  assert.equal((await find(city, '琵琶')).total, 1);
});

test('the loop: classify, assign with a deadline; only the assigned handling unit sees it', async () => {
  expectError(await tryAct(county, loop.id, 'classify', { category_id: 999999 }), 400, 'bad_category');
  expectError(await tryAct(county, loop.id, 'classify'), 400, 'missing_field');
  let o = await act(county, loop.id, 'classify', { category_id: cat['市政设施'] });
  assert.equal(o.state, 'classified');
  assert.equal(o.state_name, '已分类');
  assert.equal(o.category_name, '市政设施');
  // not visible to a handling unit before it is assigned
  expectError(await api(srv, 'GET', `/api/v1/opinions/${loop.id}`, { session: handler }), 404, 'not_found');
  assert.equal((await find(handler, '琵琶')).total, 0);
  // handling units outside the actor's scope
  for (const [s, h, what] of [[unit, H1, 'unit → a county unit'], [unit, Hdc, 'unit → 东城区'], [county, Hdc, 'county → 东城区'],
    [county, { id: 999999 }, 'no such unit']]) {
    const r = await tryAct(s, loop.id, 'assign', { handler_id: h.id });
    expectError(r, 400, 'bad_handler');
    assert.equal(r.json.error.field, 'handler_id', what);
  }
  expectError(await tryAct(county, loop.id, 'assign'), 400, 'missing_field');
  expectError(await tryAct(station, loop.id, 'assign', { handler_id: H1.id }), 403, 'forbidden');
  assert.equal((await get(county, loop.id)).state, 'classified');
  o = await act(county, loop.id, 'assign', { handler_id: H1.id });
  assert.equal(o.state, 'assigned');
  assert.equal(o.handler_id, H1.id);
  assert.equal(o.handler_name, '清河市交通运输局');
  assert.equal(o.assigned_on, today);
  assert.equal(o.deadline, plus(today, 15)); // opinion.reply_days
  assert.equal(o.due, 'ok');
  loop.deadline1 = o.deadline;
  // the handling unit sees it, masked; another handling unit does not
  let j = await find(handler, '琵琶');
  assert.equal(j.total, 1);
  assert.equal(j.items[0].citizen_phone, '139****5678');
  assert.equal(j.items[0].citizen_name, '陈**');
  const all = await api(srv, 'GET', '/api/v1/opinions?per_page=100', { session: handler });
  assert.ok(all.json.items.some((x) => x.id === loop.id), all.text);
  assert.ok(all.json.items.every((x) => x.handler_id === H1.id));
  assert.equal((await find(town, '琵琶')).total, 0);
  expectError(await api(srv, 'GET', `/api/v1/opinions/${loop.id}`, { session: town }), 404, 'not_found');
  expectError(await tryAct(town, loop.id, 'accept'), 404, 'not_found');
  // a notice for the handling unit
  const n = await api(srv, 'GET', '/api/v1/notifications', { session: handler });
  expectStatus(n, 200);
  assert.ok(n.json.items.some((x) => x.link === `/opinions/${loop.id}`), n.text);
  const nt = await api(srv, 'GET', '/api/v1/notifications', { session: town });
  assert.ok(!nt.json.items.some((x) => x.link === `/opinions/${loop.id}`), nt.text);
});

test('the loop: reply before accept is 409; accept; reply; the citizen is not satisfied; again; satisfied', async () => {
  badState(await tryAct(handler, loop.id, 'reply', { reply: '已经修好了。' }), '已交办', 'reply before accept');
  expectError(await tryAct(county, loop.id, 'accept'), 403, 'forbidden');
  let o = await act(handler, loop.id, 'accept');
  assert.equal(o.state, 'accepted');
  assert.equal(o.state_name, '办理中');
  assert.equal(o.due, 'ok');
  expectError(await tryAct(handler, loop.id, 'reply'), 400, 'missing_field');
  expectError(await tryAct(county, loop.id, 'reply', { reply: '县里代答。' }), 403, 'forbidden');
  const REPLY1 = '已安排路灯维修队更换灯具，本周内恢复照明。';
  o = await act(handler, loop.id, 'reply', { reply: REPLY1 });
  assert.equal(o.state, 'replied');
  assert.equal(o.reply, REPLY1);
  assert.ok(o.replied_at > 0);
  assert.equal(o.due, null);
  // the reply is searchable too
  assert.equal((await find(county, '灯具')).items.filter((x) => x.id === loop.id).length, 1);
  // the citizen
  let t = await track(loop.code, 'phone4=5678');
  expectStatus(t, 200);
  assert.equal(t.json.opinion.state, 'replied');
  assert.equal(t.json.opinion.reply, REPLY1);
  assert.equal(t.json.opinion.can_rate, true);
  assert.equal(t.json.opinion.handler_name, '清河市交通运输局');
  assert.equal(t.json.opinion.category_name, '市政设施');
  let r = await rate(loop.code, { phone4: '5678', rating: 'unsatisfied', comment: '一周过去了还是不亮' });
  expectStatus(r, 200);
  assert.equal(r.json.opinion.state, 'assigned');
  assert.equal(r.json.opinion.rating, 'unsatisfied');
  assert.equal(r.json.opinion.can_rate, false);
  o = await get(county, loop.id);
  assert.equal(o.state, 'assigned');
  assert.equal(o.handler_id, H1.id); // handled again by the same unit
  assert.equal(o.rating, 'unsatisfied');
  assert.equal(o.rating_comment, '一周过去了还是不亮');
  assert.equal(o.assigned_on, today);
  assert.equal(o.deadline, plus(today, 10)); // opinion.rehandle_days
  assert.notEqual(o.deadline, loop.deadline1);
  assert.equal(o.due, 'ok');
  // rating twice is refused
  expectError(await rate(loop.code, { secret: loop.secret, rating: 'satisfied' }), 409, 'bad_state');
  o = await act(handler, loop.id, 'accept');
  assert.equal(o.state, 'accepted');
  const REPLY2 = '已更换整条巷子的线路和灯具，经回访已正常照明。';
  o = await act(handler, loop.id, 'reply', { reply: REPLY2 });
  assert.equal(o.state, 'replied');
  assert.equal(o.reply, REPLY2);
  t = await track(loop.code, 'secret=' + loop.secret);
  assert.equal(t.json.opinion.reply, REPLY2);
  r = await rate(loop.code, { secret: loop.secret, rating: 'satisfied' });
  expectStatus(r, 200);
  assert.equal(r.json.opinion.state, 'closed');
  assert.equal(r.json.opinion.state_name, '已办结');
  o = await get(county, loop.id);
  assert.equal(o.state, 'closed');
  assert.equal(o.rating, 'satisfied');
  assert.ok(o.closed_at > 0 && o.rated_at > 0);
  assert.equal(o.due, null);
  expectError(await rate(loop.code, { secret: loop.secret, rating: 'satisfied' }), 409, 'bad_state');
});

test('the loop: every step is an event, in order, and an audit record', async () => {
  const o = await get(county, loop.id);
  const steps = [['submit', null, 'received'], ['classify', 'received', 'classified'], ['assign', 'classified', 'assigned'],
    ['accept', 'assigned', 'accepted'], ['reply', 'accepted', 'replied'], ['rate_unsatisfied', 'replied', 'assigned'],
    ['accept', 'assigned', 'accepted'], ['reply', 'accepted', 'replied'], ['rate_satisfied', 'replied', 'closed']];
  assert.deepEqual(o.events.map((e) => [e.action, e.from_state, e.to_state]), steps);
  const ids = o.events.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  const ats = o.events.map((e) => e.created_at);
  assert.deepEqual(ats, [...ats].sort((a, b) => a - b));
  assert.deepEqual(o.events.map((e) => e.actor), ['群众', county.user.display_name, county.user.display_name,
    handler.user.display_name, handler.user.display_name, '群众', handler.user.display_name, handler.user.display_name, '群众']);
  assert.match(o.events[2].note, /清河市交通运输局/);
  assert.equal(o.events[5].note, '一周过去了还是不亮');
  // the citizen's view has the same steps
  const t = await track(loop.code, 'secret=' + loop.secret);
  assert.deepEqual(t.json.opinion.events.map((e) => e.state_name),
    ['已受理', '已分类', '已交办', '办理中', '已答复', '已交办', '办理中', '已答复', '已办结']);
  // the audit log: one record per step (refused ones are outcome refused), oldest last; the
  // staff's readings of the citizen's contact are entries of their own
  const r = await api(srv, 'GET', `/api/v1/audit?object_type=opinion&object_id=${loop.id}&outcome=done&per_page=100`, { session: auditor });
  expectStatus(r, 200);
  r.json.items = r.json.items.filter((e) => e.action !== 'opinion.read_personal');
  const acts = r.json.items.map((e) => e.action).reverse();
  assert.deepEqual(acts, ['opinion.submit', 'opinion.classify', 'opinion.assign', 'opinion.accept', 'opinion.reply',
    'opinion.rate', 'opinion.accept', 'opinion.reply', 'opinion.rate']);
  assert.ok(r.json.items.every((e) => e.object_type === 'opinion' && e.object_id === String(loop.id)));
  const assign = r.json.items.find((e) => e.action === 'opinion.assign');
  assert.equal(assign.actor, 'county');
  assert.equal(assign.before.state, 'classified');
  assert.equal(assign.after.state, 'assigned');
  assert.equal(assign.after.handler_id, H1.id);
  assert.equal(assign.after.deadline, loop.deadline1);
  const rates = r.json.items.filter((e) => e.action === 'opinion.rate').map((e) => e.after.state).reverse();
  assert.deepEqual(rates, ['assigned', 'closed']);
  // no personal data in the audit trail
  assert.ok(!r.text.includes('13912345678') && !r.text.includes('陈阿婆'), r.text);
});

// (returned: in the test of returns)
test('illegal steps from every state are 409 bad_state naming it; nothing changes', async () => {
  const mk = (w) => at6(`松岭镇${w}路口的井盖松动，车辆经过时响声很大，夜里吵得睡不着。`);
  const R = await mk('杏花');
  const C = await mk('梨花'); await act(county, C.id, 'classify', { category_id: cat['市政设施'] });
  const A = await mk('桃花'); await act(county, A.id, 'assign', { handler_id: H1.id });
  const AC = await mk('菊花'); await act(county, AC.id, 'assign', { handler_id: H1.id }); await act(handler, AC.id, 'accept');
  const RP = await mk('兰花'); await act(county, RP.id, 'assign', { handler_id: H1.id }); await act(handler, RP.id, 'accept');
  await act(handler, RP.id, 'reply', { reply: '已紧固井盖。' });
  const NA = await mk('茶花'); await act(county, NA.id, 'not_accept', { reason: '已进入诉讼程序' });
  const CV = await mk('葵花'); await act(county, CV.id, 'convert', { reason: '转为代表建议办理' });
  const M = await mk('棉花'); await act(county, M.id, 'merge', { into: R.id });
  const params = { classify: { category_id: cat['道路交通'] }, assign: { handler_id: H1.id }, reply: { reply: '答复内容' },
    answer_on_spot: { reply: '当场答复内容' }, not_accept: { reason: '不予受理理由' }, convert: { reason: '转为建议' },
    merge: { into: A.id }, return: { reason: '退回理由' }, accept: {}, close: {} };
  const closed = await get(county, loop.id);
  const table = [
    [R, '已受理', ['accept', 'return', 'reply', 'close']],
    [C, '已分类', ['classify', 'accept', 'return', 'reply', 'close']],
    [A, '已交办', ['classify', 'assign', 'answer_on_spot', 'not_accept', 'merge', 'convert', 'close', 'reply']],
    [AC, '办理中', ['classify', 'assign', 'accept', 'return', 'not_accept', 'merge', 'answer_on_spot', 'close']],
    [RP, '已答复', ['classify', 'assign', 'accept', 'return', 'reply', 'answer_on_spot', 'not_accept', 'merge']],
    [closed, '已办结', ['classify', 'assign', 'accept', 'reply', 'close', 'answer_on_spot', 'not_accept', 'merge', 'convert', 'return']],
    [NA, '不予受理', ['classify', 'assign', 'close', 'answer_on_spot', 'merge', 'convert']],
    [CV, '已转为代表建议', ['classify', 'assign', 'close', 'not_accept']],
    [M, '已并案', ['classify', 'assign', 'close', 'answer_on_spot', 'merge', 'not_accept', 'reply']],
  ];
  for (const [o, name, actions] of table) {
    const before = await get(county, o.id);
    for (const a of actions) {
      // staff steps by county, the handling unit's by the handler where it sees the opinion
      const who = ['accept', 'return', 'reply'].includes(a) && before.handler_id === H1.id ? handler : county;
      badState(await tryAct(who, o.id, a, params[a]), name, `${name} ${a}`);
    }
    const after = await get(county, o.id);
    assert.equal(after.state, before.state);
    assert.equal(after.events.length, before.events.length, name);
    assert.equal(after.updated_at, before.updated_at, name);
  }
  // merge into itself; into what does not exist
  let r = await tryAct(county, R.id, 'merge', { into: R.id });
  expectError(r, 400, 'bad_case');
  assert.equal(r.json.error.field, 'into');
  expectError(await tryAct(county, R.id, 'merge', { into: 999999 }), 400, 'bad_case');
  expectError(await tryAct(county, R.id, 'merge'), 400, 'bad_case');
  // the citizen's steps are not staff actions
  expectError(await tryAct(county, RP.id, 'rate_satisfied'), 400, 'bad_action');
  expectError(await tryAct(county, RP.id, 'case_reply'), 400, 'bad_action');
  expectError(await tryAct(county, RP.id, 'rate_unsatisfied'), 400, 'bad_action');
  expectError(await tryAct(county, RP.id, 'auto_close'), 400, 'bad_action'); // the background job's step
  expectError(await tryAct(county, R.id, 'classify', { category_id: cat['道路交通'], color: 'red' }), 400, 'unknown_field');
  expectError(await tryAct(county, 999999, 'classify', { category_id: cat['道路交通'] }), 404, 'not_found');
  assert.equal((await get(county, R.id)).state, 'received');
  // a replied opinion may be closed by staff, not by the handling unit
  expectError(await tryAct(handler, RP.id, 'close'), 403, 'forbidden');
  const o = await act(county, RP.id, 'close');
  assert.equal(o.state, 'closed');
  assert.ok(o.closed_at > 0);
});

test('roles: station staff, handlers, deputies, sysadmin', async () => {
  const o = await at6('松岭镇柿子园的公厕长期无人打扫，又脏又臭，影响周边居民。', {}, station);
  assert.equal(o.station_id, st6.id);
  assert.equal((await find(station, '柿子')).total, 1);
  expectError(await tryAct(station, o.id, 'assign', { handler_id: Htown.id }), 403, 'forbidden');
  expectError(await tryAct(station, o.id, 'classify', { category_id: cat['城市管理'] }), 403, 'forbidden');
  expectError(await tryAct(station, o.id, 'not_accept', { reason: '不予受理理由' }), 403, 'forbidden');
  // a handling unit cannot classify what it is not given; it does not even see it
  expectError(await tryAct(handler, o.id, 'classify', { category_id: cat['城市管理'] }), 404, 'not_found');
  expectError(await api(srv, 'POST', '/api/v1/opinions', { session: handler,
    body: { station_id: st6.id, body: '承办单位不能登记群众意见' } }), 403, 'forbidden');
  assert.equal((await get(county, o.id)).state, 'received');
  // the deputy serves the stations of 松岭镇: it reads their opinions, masked, and registers there
  const seen = await get(deputy, loop.id);
  assert.equal(seen.citizen_phone, '139****5678');
  assert.equal(seen.citizen_name, '陈**');
  assert.equal((await find(deputy, '柿子')).total, 1);
  const mine = await at6('松岭镇柿子园的路面坑洼，下雨积水，代表接待时群众反映。', { channel: 'reception' }, deputy);
  assert.equal(mine.station_id, st6.id);
  let r = await api(srv, 'POST', '/api/v1/opinions', { session: deputy, body: { station_id: st9.id, body: '白圩镇柿子园的路面坑洼。' } });
  expectError(r, 403, 'out_of_scope');
  r = await api(srv, 'POST', '/api/v1/opinions', { session: deputy, body: { region_code: '329981101', body: '松岭镇柿子园没有站点的意见。' } });
  assert.equal(r.status, 403, r.text);
  const other = await reg({ station_id: st9.id, body: '白圩镇柿子园的路面坑洼，下雨积水，出行困难。' });
  expectError(await api(srv, 'GET', `/api/v1/opinions/${other.id}`, { session: deputy }), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/opinions/${other.id}`, { session: station }), 404, 'not_found');
  expectError(await api(srv, 'GET', `/api/v1/opinions/${other.id}`, { session: unit }), 404, 'not_found');
  assert.ok(!(await find(deputy, '柿子')).items.some((x) => x.id === other.id));
  assert.equal((await find(county, '柿子')).total, 3);
  expectError(await tryAct(deputy, o.id, 'assign', { handler_id: H1.id }), 403, 'forbidden');
  // the system administrator has no access to opinions, nor has the auditor
  for (const s of [admin, auditor]) {
    expectError(await api(srv, 'GET', '/api/v1/opinions', { session: s }), 403, 'forbidden');
    expectError(await api(srv, 'GET', `/api/v1/opinions/${o.id}`, { session: s }), 403, 'forbidden');
    assert.equal((await api(srv, 'GET', `/api/v1/opinions/${o.id}/similar`, { session: s })).status, 403);
    assert.equal((await tryAct(s, o.id, 'classify', { category_id: cat['城市管理'] })).status, 403);
    assert.equal((await api(srv, 'POST', '/api/v1/opinions', { session: s, body: { station_id: st6.id, body: '系统管理员登记的意见' } })).status, 403);
    expectError(await api(srv, 'GET', '/api/v1/opinions/board', { session: s }), 403, 'forbidden');
  }
  expectError(await api(srv, 'GET', '/api/v1/opinions'), 401, 'unauthenticated');
});

test('return within the window: returned, the handling unit cleared; reassigned', async () => {
  const o = await at6('松岭镇枸杞坡的村民建房占用了公共通道，邻里之间常起纠纷。', {}, unit);
  let x = await act(unit, o.id, 'assign', { handler_id: Htown.id, days: 5 });
  assert.equal(x.deadline, plus(today, 5));
  assert.equal((await find(town, '枸杞')).total, 1);
  expectError(await tryAct(town, o.id, 'return'), 400, 'missing_field');
  expectError(await tryAct(handler, o.id, 'return', { reason: '不归我们管' }), 404, 'not_found');
  x = await act(town, o.id, 'return', { reason: '属于综合行政执法队职责' });
  assert.equal(x.state, 'returned');
  assert.equal(x.state_name, '已退回');
  x = await get(unit, o.id);
  assert.equal(x.handler_id, null);
  assert.equal(x.handler_name, null);
  assert.equal(x.deadline, null);
  assert.equal(x.due, null);
  assert.equal(x.reason, '属于综合行政执法队职责');
  assert.equal(x.events.at(-1).note, '属于综合行政执法队职责');
  // the returning unit no longer sees it
  expectError(await api(srv, 'GET', `/api/v1/opinions/${o.id}`, { session: town }), 404, 'not_found');
  assert.equal((await find(town, '枸杞')).total, 0);
  // from returned: only assign, not_accept, answer_on_spot
  const events = x.events.length;
  const open = await at6('松岭镇枸杞坡另一处通道也被占用。', {}, unit);
  for (const [a, extra] of [['classify', { category_id: cat['城市管理'] }], ['accept', {}], ['return', { reason: '再退一次' }],
    ['reply', { reply: '答复内容' }], ['close', {}], ['merge', { into: open.id }], ['convert', { reason: '转为建议' }]])
    badState(await tryAct(unit, o.id, a, extra), '已退回', `returned ${a}`);
  assert.equal((await get(unit, o.id)).events.length, events);
  const law = (await api(srv, 'GET', '/api/v1/handlers?region=329981101&q=' + q('综合行政执法队'), { session: unit })).json.items[0];
  x = await act(unit, o.id, 'assign', { handler_id: law.id });
  assert.equal(x.state, 'assigned');
  assert.equal(x.handler_id, law.id);
  assert.equal(x.deadline, plus(today, 15));
  assert.deepEqual(x.events.map((e) => e.action), ['register', 'assign', 'return', 'assign']);
});

test('not accepted with a reason; answered on the spot; converted', async () => {
  const a = await at6('松岭镇板栗村两户人家的宅基地纠纷已经起诉到法院，希望代表帮忙。');
  expectError(await tryAct(county, a.id, 'not_accept'), 400, 'missing_field');
  expectError(await tryAct(county, a.id, 'not_accept', { reason: '' }), 400, 'missing_field');
  let x = await act(county, a.id, 'not_accept', { reason: '该事项已进入诉讼程序，依法不予受理' });
  assert.equal(x.state, 'not_accepted');
  assert.equal(x.state_name, '不予受理');
  assert.equal(x.reason, '该事项已进入诉讼程序，依法不予受理');
  assert.ok(x.closed_at > 0);
  let t = await track(a.tracking_code, 'secret=' + a.secret);
  assert.equal(t.json.opinion.state, 'not_accepted');
  assert.equal(t.json.opinion.reason, '该事项已进入诉讼程序，依法不予受理');
  assert.equal(t.json.opinion.can_rate, false);

  const b = await at6('松岭镇板栗村的医保缴费在哪里办理？老人不会用手机。', {}, station);
  expectError(await tryAct(station, b.id, 'answer_on_spot'), 400, 'missing_field');
  x = await act(station, b.id, 'answer_on_spot', { reply: '可到镇便民服务中心窗口现场缴费，工作人员协助办理。' });
  assert.equal(x.state, 'closed');
  assert.equal(x.reply, '可到镇便民服务中心窗口现场缴费，工作人员协助办理。');
  assert.ok(x.closed_at > 0 && x.replied_at > 0);
  assert.equal(x.handler_id, null);
  t = await track(b.tracking_code, 'secret=' + b.secret);
  assert.equal(t.json.opinion.state, 'closed');
  assert.equal(t.json.opinion.reply, x.reply);
  expectError(await rate(b.tracking_code, { secret: b.secret, rating: 'satisfied' }), 409, 'bad_state');

  const c = await at6('松岭镇板栗村建议修建一座跨河桥梁，方便两岸村民往来。');
  expectError(await tryAct(county, c.id, 'convert'), 400, 'missing_field');
  x = await act(county, c.id, 'convert', { reason: '涉及全镇规划，转为代表建议' });
  assert.equal(x.state, 'converted');
  assert.equal(x.state_name, '已转为代表建议');
  assert.ok(x.closed_at > 0);
  assert.deepEqual(x.events.map((e) => e.action), ['register', 'convert']);
});

test('near-duplicates: /similar finds the same problem in other words; merge; the case reply reaches the merged', async () => {
  const A = await reg({ station_id: home.id, body: '松岭镇樱桃街与和平路交叉口的路灯坏了好几天，晚上一片漆黑，行人走路很不安全，请尽快修理路灯。' });
  const B = await reg({ station_id: home.id, body: '松岭镇樱桃街和平路交叉口的路灯坏了好几天了，晚上漆黑一片，行人走路不安全，希望尽快修好路灯。' });
  const C = await reg({ station_id: home.id, body: '樱桃街与和平路交叉口路灯坏了好几天，晚上一片漆黑，走路很不安全，请尽快修理。' });
  const U = await reg({ station_id: home.id, body: '松岭镇樱桃街小学门口早上接送孩子的车辆太多，经常堵车，建议增加交警疏导交通。' });
  const far = await reg({ station_id: st9.id, body: '松岭镇樱桃街与和平路交叉口的路灯坏了好几天，晚上一片漆黑，行人走路很不安全，请尽快修理路灯。' });
  let r = await api(srv, 'GET', `/api/v1/opinions/${A.id}/similar`, { session: county });
  expectStatus(r, 200);
  let items = r.json.items;
  for (const x of items) {
    assert.deepEqual(Object.keys(x).sort(), ['body', 'id', 'similarity', 'state', 'tracking_code']);
    assert.ok(x.similarity >= 0.5 && x.similarity <= 1, JSON.stringify(x));
  }
  const ids = items.map((x) => x.id);
  assert.ok(ids.includes(B.id) && ids.includes(C.id), JSON.stringify(items));
  assert.ok(!ids.includes(U.id) && !ids.includes(A.id), JSON.stringify(items));
  assert.ok(!ids.includes(far.id), 'another township'); // same words, but 白圩镇
  const sims = items.map((x) => x.similarity);
  assert.deepEqual(sims, [...sims].sort((a, b) => b - a));
  assert.equal(items.find((x) => x.id === B.id).tracking_code, B.tracking_code);
  r = await api(srv, 'GET', `/api/v1/opinions/${U.id}/similar`, { session: county });
  assert.ok(!r.json.items.some((x) => [A.id, B.id, C.id].includes(x.id)), r.text);

  // merge B into A
  let b = await act(county, B.id, 'merge', { into: A.id });
  assert.equal(b.state, 'merged');
  assert.equal(b.state_name, '已并案');
  assert.equal(b.case_id, A.id);
  let a = await get(county, A.id);
  assert.equal(a.merged_count, 1);
  assert.deepEqual(a.merged, [{ id: B.id, tracking_code: B.tracking_code, state: 'merged' }]);
  r = await api(srv, 'GET', `/api/v1/opinions/${A.id}/similar`, { session: county });
  assert.ok(!r.json.items.some((x) => x.id === B.id), 'a merged one is no longer open');
  // not into a merged one, nor into a closed one
  let m = await tryAct(county, C.id, 'merge', { into: B.id });
  assert.equal(m.status, 409, m.text);
  assert.equal(m.json.error.code, 'bad_case');
  m = await tryAct(county, C.id, 'merge', { into: loop.id });
  assert.equal(m.status, 409, m.text);
  // the case is handled; its reply reaches the merged report
  await act(county, A.id, 'assign', { handler_id: H1.id });
  await act(handler, A.id, 'accept');
  const REPLY = '已更换樱桃街路口的路灯并检修线路。';
  a = await act(handler, A.id, 'reply', { reply: REPLY });
  assert.equal(a.state, 'replied');
  assert.deepEqual(a.merged.map((x) => [x.id, x.state]), [[B.id, 'replied']]);
  b = await get(county, B.id);
  assert.equal(b.state, 'replied');
  assert.equal(b.reply, REPLY);
  assert.equal(b.case_id, A.id);
  const t = await track(B.tracking_code, 'secret=' + B.secret);
  expectStatus(t, 200);
  assert.equal(t.json.opinion.state, 'replied');
  assert.equal(t.json.opinion.reply, REPLY);
  assert.equal(t.json.opinion.can_rate, true);
  r = await rate(B.tracking_code, { secret: B.secret, rating: 'basically' });
  expectStatus(r, 200);
  assert.equal(r.json.opinion.state, 'closed');
  assert.equal((await get(county, B.id)).rating, 'basically');
  assert.equal((await get(county, A.id)).state, 'replied'); // the case waits for its own citizen
});

test('extensions: the handling unit asks, staff decide; the deadline moves by working days', async () => {
  const o = await at6('松岭镇青梅路的排水管道破裂，污水漫到路面，需要开挖更换管道。');
  let x = await act(county, o.id, 'assign', { handler_id: H1.id, days: 10 });
  const d0 = x.deadline;
  assert.equal(d0, plus(today, 10));
  const ext = (s, body) => api(srv, 'POST', `/api/v1/opinions/${o.id}/extensions`, { session: s, body });
  let r = await ext(handler, { days: 16, reason: '工程量大' }); // over opinion.extension_max_days (15)
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'days');
  expectError(await ext(handler, { days: 5 }), 400, 'missing_field');
  expectError(await ext(county, { days: 5, reason: '县里替它申请' }), 403, 'forbidden');
  expectError(await ext(town, { days: 5, reason: '别的单位申请' }), 404, 'not_found');
  r = await ext(handler, { days: 5, reason: '需要协调燃气管线迁改' });
  expectStatus(r, 201);
  x = r.json.opinion;
  assert.equal(x.deadline, d0);
  assert.equal(x.extensions.length, 1);
  const e1 = x.extensions[0];
  assert.deepEqual(Object.keys(e1).sort(), ['created_at', 'days', 'decided_at', 'id', 'reason', 'status']);
  assert.equal(e1.status, 'pending');
  assert.equal(e1.days, 5);
  assert.equal(e1.reason, '需要协调燃气管线迁改');
  assert.equal(e1.decided_at, null);
  r = await ext(handler, { days: 3, reason: '再申请一次' });
  assert.equal(r.status, 409, r.text);
  const decide = (s, id, approve) => api(srv, 'POST', `/api/v1/extensions/${id}/decision`, { session: s, body: { approve } });
  expectError(await decide(handler, e1.id, true), 403, 'forbidden');
  expectError(await decide(station, e1.id, true), 403, 'forbidden');
  expectError(await decide(county, 999999, true), 404, 'not_found');
  r = await decide(county, e1.id, true);
  expectStatus(r, 200);
  x = r.json.opinion;
  assert.equal(x.deadline, plus(d0, 5));
  assert.ok(x.deadline > d0);
  assert.equal(x.extensions[0].status, 'approved');
  assert.ok(x.extensions[0].decided_at > 0);
  assert.equal((await decide(county, e1.id, false)).status, 409);
  // another request, refused: the deadline stays
  r = await ext(handler, { days: 15, reason: '雨季无法施工' });
  expectStatus(r, 201);
  const e2 = r.json.opinion.extensions[1];
  r = await decide(county, e2.id, false);
  expectStatus(r, 200);
  assert.equal(r.json.opinion.extensions[1].status, 'refused');
  assert.equal(r.json.opinion.deadline, plus(d0, 5));
  assert.equal(r.json.opinion.state, 'assigned');
  assert.equal(r.json.opinion.events.filter((e) => e.action === 'extension').length, 2);
  // only work in hand may be extended
  await act(handler, o.id, 'accept');
  expectStatus(await ext(handler, { days: 2, reason: '办理中再延期' }), 201);
  const pending = (await get(county, o.id)).extensions[2];
  expectStatus(await decide(county, pending.id, false), 200);
  await act(handler, o.id, 'reply', { reply: '管道已更换完毕。' });
  expectError(await ext(handler, { days: 2, reason: '答复后延期' }), 409, 'bad_state');
});

test('due: a deadline within opinion.warn_days is warn; filters; the board counts it', async () => {
  const b0 = await board();
  const h0 = onBoard(b0, H1.id);
  const o = await at6('松岭镇山楂路的路名牌被风刮倒了，外地人找不到路。');
  const x = await act(county, o.id, 'assign', { handler_id: H1.id, days: 1 });
  assert.equal(x.deadline, plus(today, 1));
  assert.equal(x.due, 'warn'); // 1 working day ≤ warn_days 3
  assert.equal((await get(handler, o.id)).due, 'warn');
  const ids = async (qs) => (await find(county, '山楂', qs)).items.map((i) => i.id);
  assert.deepEqual(await ids('&due=warn'), [o.id]);
  assert.deepEqual(await ids('&due=open'), [o.id]);
  assert.deepEqual(await ids('&due=overdue'), []);
  assert.deepEqual(await ids(`&handler=${H1.id}`), [o.id]);
  assert.deepEqual(await ids(`&handler=${H2.id}`), []);
  const warned = (await api(srv, 'GET', '/api/v1/opinions?due=warn&per_page=100', { session: county })).json.items;
  assert.ok(warned.some((i) => i.id === o.id));
  assert.ok(warned.every((i) => i.due === 'warn' && ['assigned', 'accepted'].includes(i.state)));
  const over = (await api(srv, 'GET', '/api/v1/opinions?due=overdue&per_page=100', { session: county })).json.items;
  assert.ok(over.length > 0, 'the demo has work past its deadline');
  assert.ok(over.every((i) => i.due === 'overdue' && i.deadline < today));
  expectError(await api(srv, 'GET', '/api/v1/opinions?due=soon', { session: county }), 400, 'bad_param');
  // a 15-day assignment is not warned
  const p = await at6('松岭镇山楂路的另一块路名牌也倒了。');
  assert.equal((await act(county, p.id, 'assign', { handler_id: H1.id })).due, 'ok');
  assert.ok(!(await ids('&due=warn')).includes(p.id));
  // the board: one more open and one more warned for 清河市交通运输局
  const b1 = await board();
  const h1 = onBoard(b1, H1.id);
  assert.equal(h1.open, h0.open + 2);
  assert.equal(h1.warn, h0.warn + 1);
  assert.equal(h1.overdue, h0.overdue);
  assert.equal(b1.open, b0.open + 2);
  assert.equal(b1.warn, b0.warn + 1);
  assert.equal(h1.handler_name, '清河市交通运输局');
  assert.equal(h1.region_name, '清河市');
  assert.deepEqual(Object.keys(b1).sort(), ['handlers', 'open', 'overdue', 'warn']);
  assert.equal(b1.open, b1.handlers.reduce((n, h) => n + h.open, 0));
  // within a township
  const bt = await board(unit);
  assert.ok(onBoard(bt, H1.id).open >= 2);
  expectError(await api(srv, 'GET', '/api/v1/opinions/board?region=329902', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/opinions/board', { session: handler }), 403, 'forbidden');
});

test('hot topics: categories, stations, places and terms of the period include ours', async () => {
  const qs = `?region=329981101&from=${today}&to=${today}`;
  const hot = async (s = county) => {
    const r = await api(srv, 'GET', '/api/v1/opinions/hot' + qs, { session: s });
    expectStatus(r, 200);
    return r.json;
  };
  const count = (arr, key, name) => (arr.find((x) => x[key] === name) || { count: 0 }).count;
  const h0 = await hot();
  assert.equal(h0.from, today);
  assert.equal(h0.to, today);
  const body = '松岭镇鹦鹉林小区有人在阳台养了几十只鹦鹉，鹦鹉从清晨叫到深夜，鹦鹉粪便还落到楼下，鹦鹉的气味也很大，希望管一管。';
  for (let i = 0; i < 3; i++)
    await reg({ station_id: home.id, body, place: '松岭镇鹦鹉林小区', category_id: cat['噪声扰民'] });
  const h1 = await hot();
  assert.equal(count(h1.categories, 'name', '噪声扰民'), count(h0.categories, 'name', '噪声扰民') + 3);
  assert.equal(count(h1.stations, 'name', home.name), count(h0.stations, 'name', home.name) + 3);
  assert.equal(count(h1.places, 'name', '松岭镇鹦鹉林小区'), 3);
  // 鹦鹉 five times in each body, once in each place
  assert.equal(count(h1.terms, 'term', '鹦鹉'), 18, JSON.stringify(h1.terms));
  const counts = h1.terms.map((t) => t.count);
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
  assert.ok(h1.terms.length <= 30);
  // words, not two-character pieces: each a word of two or more characters, none a stop word
  assert.ok(h1.terms.every((t) => [...t.term].length >= 2));
  for (const stop of ['希望', '我们', '问题', '的', '了'])
    assert.ok(!h1.terms.some((t) => t.term === stop), `a stop word: ${stop}`);
  // the categories of the period add up to its opinions
  const n = (await api(srv, 'GET', `/api/v1/opinions?region=329981101&from=${today}&to=${today}&per_page=1`, { session: county })).json.total;
  assert.equal(h1.categories.reduce((s, c) => s + c.count, 0), n);
  // a period before any of this is empty of it
  const old = await api(srv, 'GET', '/api/v1/opinions/hot?region=329981101&from=2020-01-01&to=2020-01-31', { session: county });
  expectStatus(old, 200);
  assert.deepEqual(old.json.categories, []);
  assert.deepEqual(old.json.terms, []);
  // the words of 松岭镇农贸市场 are the place (a region's name) and the market, not 镇农, 贸市 or
  // 市场 as the two-character pieces counted them; 中心小学 and 工业园 give no 心小 or 业园
  const market = '松岭镇农贸市场门口的中心小学和工业园之间，我们希望问题能解决，农贸市场的货车太多。';
  let last;
  for (let i = 0; i < 4; i++) last = await reg({ station_id: home.id, body: market });
  const h2 = await hot();
  assert.equal(count(h2.terms, 'term', '农贸市场'), count(h1.terms, 'term', '农贸市场') + 8, JSON.stringify(h2.terms));
  assert.equal(count(h2.terms, 'term', '松岭镇'), count(h1.terms, 'term', '松岭镇') + 4, JSON.stringify(h2.terms));
  for (const piece of ['镇农', '贸市', '心小', '业园', '市场', '松岭'])
    assert.equal(count(h2.terms, 'term', piece), 0, `${piece}: ${JSON.stringify(h2.terms)}`);
  // the words are segmented at intake (staff registration, public submission), each followed by
  // a space, and the hot words count them from there ...
  assert.equal(sql(`SELECT words || '|' FROM opinions WHERE id = ${last.id}`), '松岭镇 农贸市场 门口 中心 小学 工业 之间 农贸市场 货车 太多 |');
  const pub = await api(srv, 'POST', '/api/v1/public/opinions',
    { body: { region_code: '329981101', body: '松岭镇鹦鹉林小区的鹦鹉太吵了', place: '鹦鹉林小区' } });
  expectStatus(pub, 201);
  assert.equal(sql(`SELECT words || '|' FROM opinions WHERE tracking_code = '${pub.json.tracking_code}'`), '松岭镇 鹦鹉 小区 鹦鹉 鹦鹉 小区 |');
  const h3 = await hot();
  assert.equal(count(h3.terms, 'term', '鹦鹉'), count(h2.terms, 'term', '鹦鹉') + 3, JSON.stringify(h3.terms));
  // ... the same terms and counts as segmenting every opinion at the read, as for the opinions
  // stored before the column (words NULL): today's, and the county's year with the demo's
  const yearAgo = new Date(Date.parse(today) - 365 * 86400e3).toISOString().slice(0, 10);
  const year = async () => {
    const r = await api(srv, 'GET', `/api/v1/opinions/hot?from=${yearAgo}&to=${today}`, { session: county });
    expectStatus(r, 200);
    return r.json.terms;
  };
  const y3 = await year();
  assert.ok(y3.length === 30 && y3[29].count > 10, JSON.stringify(y3));
  assert.ok(Number(sql('UPDATE opinions SET words = NULL; SELECT COUNT(*) FROM opinions WHERE words IS NULL')) > 1000);
  assert.deepEqual((await hot()).terms, h3.terms);
  assert.deepEqual(await year(), y3);
  // deputies read hot topics; handling units do not
  expectStatus(await api(srv, 'GET', '/api/v1/opinions/hot', { session: deputy }), 200);
  expectError(await api(srv, 'GET', '/api/v1/opinions/hot', { session: handler }), 403, 'forbidden');
  expectError(await api(srv, 'GET', `/api/v1/opinions/hot?from=${today}&to=2020-01-01`, { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/opinions/hot?from=yesterday', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/opinions/hot?region=329902', { session: county }), 403, 'out_of_scope');
});

test('recommendation: the category and unit of the most similar handled opinions of the township, with them as sources; nothing applied', async () => {
  const pigeons = '樱花苑小区楼顶有人违规搭建鸽子棚，养了上百只鸽子，鸽子粪便污染楼道和晾晒的衣服，鸽子噪声很大';
  const handled = async (body, category, h, where = st6) => {
    const o = await reg({ station_id: where.id, body });
    await act(county, o.id, 'classify', { category_id: cat[category] });
    await act(county, o.id, 'assign', { handler_id: h.id });
    return o;
  };
  const A = await handled(pigeons + '，一号楼。', '城市管理', Htown);
  const B = await handled(pigeons + '，二号楼也有。', '城市管理', Htown);
  const D = await handled('樱花苑小区有人养鸽子，鸽子棚的气味很大，粪便也多。', '生态绿化', H2);
  const E = await handled('松岭镇中学门口的斑马线油漆磨光了，学生过马路危险。', '公共交通', H1);
  const far = await handled(pigeons + '，三号楼。', '噪声扰民', H2, st9); // 白圩镇: another township
  const open = await at6(pigeons + '，四号楼。'); // not handled yet
  const N = await at6(pigeons + '，五号楼也是。');
  const r = await api(srv, 'GET', `/api/v1/opinions/${N.id}/recommendation`, { session: county });
  expectStatus(r, 200);
  const x = r.json;
  assert.deepEqual(Object.keys(x).sort(), ['category', 'handler', 'sources']);
  assert.equal(x.category.id, cat['城市管理'], r.text);
  assert.equal(x.category.name, '城市管理');
  assert.equal(x.handler.id, Htown.id, r.text);
  assert.equal(x.handler.name, '松岭镇村镇建设办公室');
  const ids = x.sources.map((s) => s.id);
  assert.ok(ids.includes(A.id) && ids.includes(B.id), r.text);
  for (const no of [E.id, far.id, open.id, N.id]) assert.ok(!ids.includes(no), `${no} is no source: ${r.text}`);
  assert.ok(x.sources.length <= 5);
  const sims = x.sources.map((s) => s.similarity);
  assert.deepEqual(sims, [...sims].sort((a, b) => b - a));
  assert.ok(sims.every((v) => v >= 0.2 && v <= 1));
  const a = x.sources.find((s) => s.id === A.id);
  assert.deepEqual(Object.keys(a).sort(), ['body', 'category_id', 'category_name', 'handler_id', 'handler_name', 'id',
    'similarity', 'state', 'tracking_code']);
  assert.equal(a.tracking_code, A.tracking_code);
  assert.equal(a.category_name, '城市管理');
  assert.equal(a.handler_name, '松岭镇村镇建设办公室');
  assert.equal(a.state, 'assigned');
  if (ids.includes(D.id)) assert.ok(x.sources.find((s) => s.id === D.id).similarity < a.similarity);
  // nothing applied: the opinion is as it was
  const n = await get(county, N.id);
  assert.equal(n.state, 'received');
  assert.equal(n.category_id, null);
  assert.equal(n.handler_id, null);
  // nothing similar handled: no recommendation, no sources
  const lone = await at6('想咨询一下今年冬季征兵体检的时间和报名地点。');
  const none = await api(srv, 'GET', `/api/v1/opinions/${lone.id}/recommendation`, { session: county });
  expectStatus(none, 200);
  assert.deepEqual(none.json, { category: null, handler: null, sources: [] });
  // the township's staff see the same; staff of another township do not see the opinion
  expectStatus(await api(srv, 'GET', `/api/v1/opinions/${N.id}/recommendation`, { session: unit }), 200);
  expectError(await api(srv, 'GET', `/api/v1/opinions/${far.id}/recommendation`, { session: unit }), 404, 'not_found');
  // only staff who classify: not a handling unit, a deputy or a station's staff
  for (const s of [handler, deputy, station])
    expectError(await api(srv, 'GET', `/api/v1/opinions/${N.id}/recommendation`, { session: s }), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/opinions/99999999/recommendation', { session: county }), 404, 'not_found');
});
