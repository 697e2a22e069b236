// Rectification (整改, api.md "Rectification"): a rectification made from a citizen's opinion with
// problems for two handling units, each unit's own tasks only, start → claimed done with evidence
// → verified by the congress staff (never by the unit: 403) → reopened → verified again; the
// deadline not before today (400 naming the field), the source read by the opinion's own rule,
// the yellow warning on the setting's boundary, chases through the units' chase count, the board
// across units with its export audited, and the denials by role and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

let srv, city, county, unit, handler, deputy, auditor, other;
let H, H2, opinion, foreignOpinion;
// the server's today (China time)
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const day = (n) => { const d = new Date(today() + 'T00:00:00Z'); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const get = async (s, path) => expectStatus(await api(srv, 'GET', path, { session: s }), 200);
const act = (s, id, body) => api(srv, 'POST', `/api/v1/rectifications/problems/${id}/actions`, { session: s, body });
const create = (s, body) => api(srv, 'POST', '/api/v1/rectifications', { session: s, body });
const PDF = Buffer.from('%PDF-1.4 整改佐证').toString('base64');

before(async () => {
  srv = await startServer();
  city = await login(srv, 'city');
  county = await login(srv, 'county');
  unit = await login(srv, 'unit');
  handler = await login(srv, 'handler');
  deputy = await login(srv, 'deputy');
  auditor = await login(srv, 'auditor');
  H = handler.user.handler_id;
  const units = await get(county, '/api/v1/handlers?region=329981&per_page=100');
  H2 = units.items.find((h) => h.id !== H && h.active).id;
  opinion = (await get(county, '/api/v1/opinions?region=329981')).items[0];
  foreignOpinion = (await get(city, '/api/v1/opinions?region=329902')).items[0];
  // an account of the second unit, to see that a unit reads only its own problems
  const sec = await login(srv, 'secadmin');
  expectStatus(await api(srv, 'POST', '/api/v1/accounts', { session: sec, body: { username: 'unit.two', display_name: '第二单位',
    role: 'handler', region_code: '329981', handler_id: H2, password: 'Renda@2024x' } }), 201);
  other = await login(srv, 'unit.two', 'Renda@2024x');
  expectStatus(await api(srv, 'POST', '/api/v1/session/password', { session: other,
    body: { old_password: 'Renda@2024x', new_password: 'Renda@2024y' } }), 204);
  other = await login(srv, 'unit.two', 'Renda@2024y');
});

after(async () => { if (srv) await srv.stop(); });

test('bad input: a deadline before today names the field; an unknown or unreadable source; no problems', async () => {
  const base = { source_kind: 'opinion', source_id: opinion.id, title: '整改事项', region_code: '329981' };
  let r = await create(county, { ...base, problems: [{ description: '问题', handler_id: H, deadline: day(10) },
    { description: '问题二', handler_id: H2, deadline: day(-1) }] });
  expectError(r, 400, 'deadline_past');
  assert.equal(r.json.error.field, 'problems[1].deadline');
  assert.match(r.json.error.message, /第2个问题的整改期限不能早于/);
  // today itself is accepted (the boundary)
  r = await create(county, { ...base, problems: [{ description: '问题', handler_id: H, deadline: today() }] });
  expectStatus(r, 201);
  r = await create(county, { ...base, problems: [{ description: '问题', handler_id: H, deadline: '2026-02-30' }] });
  expectError(r, 400, 'bad_date');
  assert.equal(r.json.error.field, 'problems[0].deadline');
  expectError(await create(county, { ...base, source_kind: 'motion', problems: [{ description: '问题', handler_id: H, deadline: day(5) }] }), 400, 'bad_source');
  // the other county's opinion is not the county staff's to read: the opinion's own rule
  r = await create(county, { ...base, source_id: foreignOpinion.id, problems: [{ description: '问题', handler_id: H, deadline: day(5) }] });
  expectError(r, 400, 'bad_source');
  assert.equal(r.json.error.field, 'source_id');
  expectError(await create(county, { ...base, problems: [] }), 400, 'missing_field');
  r = await create(county, { ...base, problems: [{ description: '问题', handler_id: 999999, deadline: day(5) }] });
  expectError(r, 400, 'bad_handler');
  assert.equal(r.json.error.field, 'problems[0].handler_id');
  // a region outside the actor's scope
  expectError(await create(county, { ...base, region_code: '329902', problems: [{ description: '问题', handler_id: H, deadline: day(5) }] }), 403, 'out_of_scope');
  // only the congress staff set a rectification
  expectError(await create(handler, { ...base, problems: [{ description: '问题', handler_id: H, deadline: day(5) }] }), 403, 'forbidden');
  expectError(await create(deputy, { ...base, problems: [{ description: '问题', handler_id: H, deadline: day(5) }] }), 403, 'forbidden');
});

test('a whole rectification: each unit its own tasks, claimed with evidence, verified by the staff only, reopened, verified again', async () => {
  let r = await create(county, { source_kind: 'opinion', source_id: opinion.id, title: '关于道路维修的整改',
    body: '请按期整改并报送佐证材料', region_code: '329981',
    problems: [{ description: '路面破损未修复', handler_id: H, deadline: day(30) },
      { description: '路灯不亮', handler_id: H2, deadline: day(40) }] });
  const rect = expectStatus(r, 201).rectification;
  assert.equal(rect.source_kind, 'opinion');
  assert.equal(rect.source_ref, opinion.tracking_code);
  assert.equal(rect.problems.length, 2);
  assert.deepEqual(rect.problems.map((p) => p.state), ['todo', 'todo']);
  const [p1, p2] = rect.problems;

  // the unit sees its own problem only, in the rectification and its task list
  const mine = (await get(handler, `/api/v1/rectifications/${rect.id}`)).rectification;
  assert.deepEqual(mine.problems.map((p) => p.id), [p1.id]);
  const tasks = await get(handler, '/api/v1/rectifications/problems?per_page=100');
  assert.ok(tasks.items.every((p) => p.handler_id === H));
  assert.ok(tasks.items.some((p) => p.id === p1.id));
  expectError(await api(srv, 'GET', `/api/v1/rectifications/problems/${p2.id}`, { session: handler }), 404, 'not_found');
  expectError(await act(handler, p2.id, { action: 'start' }), 404, 'not_found');
  // the township's staff do not see the county's rectification; a deputy reads none
  expectError(await api(srv, 'GET', `/api/v1/rectifications/${rect.id}`, { session: unit }), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/v1/rectifications', { session: deputy }), 403, 'forbidden');
  expectError(await api(srv, 'GET', '/api/v1/rectifications/board', { session: handler }), 403, 'forbidden');

  // the staff may not take the unit's steps, the unit takes them
  expectError(await act(county, p1.id, { action: 'start' }), 403, 'forbidden');
  r = await act(handler, p1.id, { action: 'start' });
  assert.equal(expectStatus(r, 200).problem.state, 'in_progress');
  expectError(await act(handler, p1.id, { action: 'claim' }), 400, 'missing_field');
  expectError(await act(handler, p1.id, { action: 'verify' }), 409, 'bad_state');
  r = await act(handler, p1.id, { action: 'claim', note: '已完成路面修复并验收合格',
    files: [{ name: '修复照片.pdf', data: PDF }] });
  const claimed = expectStatus(r, 200).problem;
  assert.equal(claimed.state, 'claimed');
  assert.equal(claimed.claimed_on, today());
  assert.equal(claimed.files.length, 1);
  // the evidence is served to the unit and the staff, not to another unit
  const f = await api(srv, 'GET', `/api/v1/rectifications/problems/${p1.id}/files/${claimed.files[0].id}`, { session: county });
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('content-type'), 'application/pdf');
  assert.equal(f.text, '%PDF-1.4 整改佐证');
  expectError(await api(srv, 'GET', `/api/v1/rectifications/problems/${p1.id}/files/${claimed.files[0].id}`, { session: other }), 404, 'not_found');

  // the unit never verifies its own rectification
  r = await act(handler, p1.id, { action: 'verify' });
  expectError(r, 403, 'self_verify');
  assert.match(r.json.error.message, /整改责任单位不能验收/);
  expectError(await act(handler, p1.id, { action: 'reopen', reason: '自己退回自己' }), 403, 'self_verify');
  assert.equal((await get(county, `/api/v1/rectifications/problems/${p1.id}`)).problem.state, 'claimed');

  r = await act(county, p1.id, { action: 'verify', note: '现场查看，已整改到位' });
  const verified = expectStatus(r, 200).problem;
  assert.equal(verified.state, 'verified');
  assert.equal(verified.verified_on, today());
  // verified: no more evidence
  expectError(await api(srv, 'POST', `/api/v1/rectifications/problems/${p1.id}/files`, { session: handler,
    body: { files: [{ name: 'x.pdf', data: PDF }] } }), 409, 'bad_state');

  // reopened: back in progress, counted, the unit told; a reason is required
  expectError(await act(county, p1.id, { action: 'reopen' }), 400, 'missing_field');
  r = await act(county, p1.id, { action: 'reopen', reason: '群众反映仍有坑洼，需重新整改' });
  const reopened = expectStatus(r, 200).problem;
  assert.equal(reopened.state, 'in_progress');
  assert.equal(reopened.reopened, 1);
  assert.equal(reopened.verified_on, null);
  expectStatus(await act(handler, p1.id, { action: 'claim', note: '已再次修复全部坑洼' }), 200);
  expectStatus(await act(county, p1.id, { action: 'verify' }), 200);
  const events = (await get(county, `/api/v1/rectifications/problems/${p1.id}`)).problem.events.map((e) => e.action);
  assert.deepEqual(events, ['start', 'claim', 'verify', 'reopen', 'claim', 'verify']);
  // every step is audited
  const audit = await get(auditor, `/api/v1/audit?action=rectify_problem.verify&object_id=${p1.id}`);
  assert.equal(audit.total, 2);

  // the board: the unit's counts and its share verified; the township's staff see none of it
  const board = await get(county, '/api/v1/rectifications/board?region=329981&per_page=100');
  const row = board.items.find((x) => x.handler_id === H);
  assert.ok(row.verified >= 1 && row.reopened >= 1, JSON.stringify(row));
  assert.equal(row.verified_rate, Math.round(row.verified * 1000 / row.total) / 10);
  assert.ok(board.summary.total >= 2);
  const unitBoard = await get(unit, '/api/v1/rectifications/board');
  assert.ok(!unitBoard.items.some((x) => x.handler_id === H && x.verified > 0));
  assert.equal(board.summary.units, board.total);
  // the board's counts (kept on every write, the demo's included) are those of the problems lists
  for (const u of board.items.slice(0, 6)) {
    const n = async (q) => (await get(county, `/api/v1/rectifications/problems?region=329981&handler=${u.handler_id}&per_page=1${q}`)).total;
    assert.deepEqual([await n(''), await n('&state=todo'), await n('&state=in_progress'), await n('&state=claimed'),
      await n('&state=verified'), await n('&due=overdue')],
    [u.total, u.todo, u.in_progress, u.claimed, u.verified, u.overdue], u.name);
  }
  // past the last page: no rows, the same count and totals
  const past = await get(county, '/api/v1/rectifications/board?region=329981&page=999');
  assert.deepEqual([past.items.length, past.total, past.summary], [0, board.total, board.summary]);
  // a year without rectifications: no units, totals of zero
  const none = await get(county, '/api/v1/rectifications/board?year=2001');
  assert.deepEqual([none.items.length, none.total, none.summary.total, none.summary.verified_rate], [0, 0, 0, 0]);
  expectError(await api(srv, 'GET', '/api/v1/rectifications/board?year=20x1', { session: county }), 400, 'bad_param');
  expectError(await api(srv, 'GET', '/api/v1/rectifications/board?region=329902', { session: county }), 403, 'out_of_scope');
  expectError(await api(srv, 'GET', '/api/v1/rectifications/board?sort=nonsense', { session: county }), 400, 'bad_sort');
  const sorted = await get(county, '/api/v1/rectifications/board?sort=-verified_rate&per_page=100');
  for (let i = 1; i < sorted.items.length; i++) assert.ok(sorted.items[i - 1].verified_rate >= sorted.items[i].verified_rate);
});

test('the board exported as a spreadsheet, audited', async () => {
  const r = await api(srv, 'GET', '/api/v1/rectifications/board?format=csv', { session: county });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  assert.match(r.text, /责任单位/);
  const x = await api(srv, 'GET', '/api/v1/rectifications/board?format=xlsx', { session: county });
  assert.equal(x.status, 200);
  const audit = await get(auditor, '/api/v1/audit?action=rectification.board_export');
  assert.ok(audit.total >= 2);
  expectError(await api(srv, 'GET', '/api/v1/rectifications/board?format=pdf', { session: county }), 400, 'bad_param');
});

test('the yellow warning on the setting rectify.warn_days: n days before warned, n+1 not', async () => {
  const s = await get(county, '/api/v1/settings?region=329981');
  const warn = s.items.find((i) => i.key === 'rectify.warn_days').value;
  const r = await create(county, { source_kind: 'opinion', source_id: opinion.id, title: '期限提醒', region_code: '329981',
    problems: [{ description: '恰在提醒线上', handler_id: H, deadline: day(warn) },
      { description: '提醒线外一天', handler_id: H, deadline: day(warn + 1) }] });
  const [a, b] = expectStatus(r, 201).rectification.problems;
  assert.equal(a.due, 'warn');
  assert.equal(b.due, '');
  const warned = await get(county, `/api/v1/rectifications/problems?due=warn&rectification=${a.rectification_id}`);
  assert.deepEqual(warned.items.map((p) => p.id), [a.id]);
  expectError(await api(srv, 'GET', '/api/v1/rectifications/problems?due=soon', { session: county }), 400, 'bad_param');
});

test('chases: refused while the deadline is far, then counted with the unit\'s chases', async () => {
  const s = await get(county, '/api/v1/settings?region=329981');
  const near = s.items.find((i) => i.key === 'chase.near_days').value;
  const r = await create(county, { source_kind: 'opinion', source_id: opinion.id, title: '催办测试', region_code: '329981',
    problems: [{ description: '期限尚远', handler_id: H, deadline: day(60) },
      { description: '今天到期', handler_id: H, deadline: today() }] });
  const [far, due] = expectStatus(r, 201).rectification.problems;
  expectError(await act(county, far.id, { action: 'chase' }), 409, 'not_due');
  expectError(await act(handler, due.id, { action: 'chase' }), 403, 'forbidden');
  const before = (await get(county, `/api/v1/handlers/${H}`)).handler.chases;
  expectStatus(await act(county, due.id, { action: 'chase', message: '请于今日内报送整改情况' }), 200);
  assert.equal((await get(county, `/api/v1/handlers/${H}`)).handler.chases, before + 1);
  assert.ok(near >= 0);
});

test('a supervision item\'s deliberation opinion is a source, read by the supervision items\' own rule', async () => {
  // an item of the county's own with a deliberation opinion (the demo's), and one of the other county
  const items = (await get(county, '/api/v1/supervision?region=329981&per_page=100')).items;
  let mine = null;
  for (const it of items) {
    const full = (await get(county, `/api/v1/supervision/${it.id}`)).item;
    if (full.opinions.length) { mine = full; break; }
  }
  assert.ok(mine, 'the demo has a deliberation opinion in the county');
  const opId = mine.opinions[0].id;
  const foreign = (await get(city, '/api/v1/supervision?region=329902&per_page=100')).items;
  let theirs = null;
  for (const it of foreign) {
    const full = (await get(city, `/api/v1/supervision/${it.id}`)).item;
    if (full.opinions.length) { theirs = full.opinions[0].id; break; }
  }
  assert.ok(theirs, 'the demo has a deliberation opinion in the other county');
  const body = { source_kind: 'supervision_opinion', title: '审议意见整改', region_code: '329981',
    problems: [{ description: '审议意见指出的问题', handler_id: H, deadline: day(20) }] };
  let r = await create(county, { ...body, source_id: opId });
  expectStatus(r, 201);
  assert.equal(r.json.rectification.source_kind, 'supervision_opinion');
  assert.equal(r.json.rectification.source_ref, mine.title);
  // the other county's item is not the county's to read; a deliberation opinion that does not exist
  r = await create(county, { ...body, source_id: theirs });
  expectError(r, 400, 'bad_source');
  assert.equal(r.json.error.field, 'source_id');
  expectError(await create(county, { ...body, source_id: 99999999 }), 400, 'bad_source');
  // the city reads both
  expectStatus(await create(city, { ...body, region_code: '329902', source_id: theirs,
    problems: [{ description: '问题', handler_id: (await get(city, '/api/v1/handlers?region=329902&per_page=1')).items[0].id, deadline: day(20) }] }), 201);
});
