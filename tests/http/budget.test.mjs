// The township budget (api.md "Budgets"): a budget imported from the finance office's sheet
// (preview, then confirm; bad codes, amounts and totals named by row and column, nothing stored),
// the deputies' comments per line under review, approval only by a passed vote of the meeting
// engine, quarterly execution with its warnings on the settings' bounds, an adjustment beyond its
// share, the final accounts against the plan; and the refusals by role and scope.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

const TOWN = '329981101', OTHER = '329902', YEAR = 2031;
let srv, unit, county, city, deputy, station, handler, setting, budgetId;
before(async () => {
  srv = await startServer();
  [unit, county, city, deputy, station, handler] = await Promise.all(
    ['unit', 'county', 'city', 'deputy', 'station', 'handler'].map((u) => login(srv, u)));
  const r = await api(srv, 'GET', `/api/v1/settings?region=${TOWN}`, { session: unit });
  expectStatus(r, 200);
  setting = Object.fromEntries(r.json.items.map((i) => [i.key, i.value]));
});
after(async () => { await srv.stop(); });

const get = (s, path) => api(srv, 'GET', path, { session: s });
const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });
const upload = (s, path, csv) => api(srv, 'POST', path, { session: s, body: csv, headers: { 'Content-Type': 'text/csv' } });
const csvOf = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const yuan = (fen) => (fen / 100).toFixed(2);

// The budget: four lines of 10,000 yuan under 201 and a key project under 213.
const LINES = [
  ['201', '一般公共服务支出', '40000.00', '否'],
  ['20101', '人大事务', '40000.00', '否'],
  ['2010101', '行政运行', '10000.00', '否'],
  ['2010102', '一般行政管理事务', '10000.00', '否'],
  ['2010103', '机关服务', '10000.00', '否'],
  ['2010104', '人大会议', '10000.00', '否'],
  ['213', '农林水支出', '10000.00', '否'],
  ['21305', '巩固脱贫攻坚成果衔接乡村振兴', '10000.00', '否'],
  ['2130504', '农村基础设施建设', '10000.00', '是'],
];
const budgetCsv = (lines, total) => csvOf([['某镇2031年一般公共预算支出表'], ['科目编码', '科目名称', '金额（元）', '重点项目'],
  ...lines, ['', '合计', total]]);

// A vote of the township's session on the meeting engine: members signed in, a show-of-hands count.
async function openVote(title) {
  let r = await post(unit, '/api/v1/meetings', { kind: 'session', title, region_code: TOWN, term: 18,
    starts_on: '2031-03-01', place: '镇政府' });
  expectStatus(r, 201);
  const mid = r.json.meeting.id;
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' }), 200);
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  const ids = r.json.items.map((m) => m.deputy_id);
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/attendance/batch`, { action: 'sign_in', deputy_ids: ids }), 200);
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' }), 200);
  r = await post(unit, `/api/v1/meetings/${mid}/votes`, { title, mode: 'tally' });
  expectStatus(r, 201);
  const vid = r.json.vote.id;
  expectStatus(await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'open' }), 200);
  return { vid, n: ids.length };
}
async function closeVote({ vid, n }, pass) {
  expectStatus(await post(unit, `/api/v1/votes/${vid}/tally`, pass ? { for: n, against: 0, abstain: 0 }
    : { for: 0, against: n, abstain: 0 }), 200);
  const r = await post(unit, `/api/v1/votes/${vid}/actions`, { action: 'close' });
  expectStatus(r, 200);
  assert.equal(r.json.vote.passed, pass);
}

test('the templates download with the header the import reads', async () => {
  let r = await get(unit, '/api/v1/budgets/import/template?format=csv');
  expectStatus(r, 200);
  assert.match(r.text, /科目编码,科目名称,金额（元）,重点项目/);
  r = await get(unit, '/api/v1/budgets/import/template?format=csv&kind=execution');
  assert.match(r.text, /科目编码,科目名称,累计执行数（元）/);
  r = await get(unit, '/api/v1/budgets/import/template?format=xlsx');
  expectStatus(r, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);
});

test('a bad sheet: every bad cell named by row and column, and nothing stored', async () => {
  const before = (await get(city, '/api/v1/budgets?per_page=1')).json.total;
  const bad = csvOf([['标题'], ['科目编码', '科目名称', '金额（元）', '重点项目'],
    ['201', '一般公共服务支出', '100.00'],
    ['20101', '人大事务', '100.00'],
    ['2010101', '行政运行', '60.00'],
    ['2010102', '代表工作', '40.001'], // three decimals (row 6)
    ['20A', '乱码科目', '1'], // not digits (row 7)
    ['2130504', '农村基础设施建设', '-5'], // no parent, negative (row 8)
    ['205', '教育支出', '一百'], // not a number (row 9)
    ['206', '', '1'], // no name (row 10)
    ['', '合计', '999.00']]); // row 11: not the sum
  const r = await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=budget`, bad);
  expectStatus(r, 200);
  const p = r.json.preview;
  assert.equal(p.import_id, null);
  const at = (row, column) => p.errors.filter((x) => x.row === row && x.column === column);
  assert.equal(at(6, '金额').length, 1, JSON.stringify(p.errors));
  assert.match(at(7, '科目编码')[0].message, /3位（类）、5位（款）或7位（项）/);
  assert.match(at(8, '金额')[0].message, /不能为负数/);
  assert.match(at(8, '科目编码')[0].message, /上级科目“21305”不在表中/);
  assert.match(at(9, '金额')[0].message, /不是数字/);
  assert.equal(at(10, '科目名称').length, 1);
  // the parent 20101 is not the sum of its children because of row 6, which is already an error:
  // only the total's row is said once more
  assert.equal(at(11, '金额').length, 0); // the total is not checked against lines that are errors
  // a total that does not add up over good lines
  const r2 = await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=budget`,
    budgetCsv(LINES, '50000.01'));
  const e2 = r2.json.preview.errors;
  assert.equal(e2.length, 1);
  assert.deepEqual([e2[0].row, e2[0].column], [12, '金额']);
  assert.match(e2[0].message, /合计 50000.01 元不等于各类级科目之和 50000.00 元/);
  // a parent that is not the sum of its children
  const skew = LINES.map((l) => (l[0] === '20101' ? ['20101', '人大事务', '39999.99', '否'] : l));
  const e3 = (await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=budget`, budgetCsv(skew, '50000.00'))).json.preview.errors;
  assert.deepEqual(e3.map((x) => [x.row, x.column]).sort(), [[3, '金额'], [4, '金额']]);
  assert.equal((await get(city, '/api/v1/budgets?per_page=1')).json.total, before);
});

test('import: staff of the township confirm once; others are refused', async () => {
  const path = `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=budget`;
  expectError(await upload(deputy, path, budgetCsv(LINES, '50000.00')), 403, 'forbidden');
  expectError(await upload(station, path, budgetCsv(LINES, '50000.00')), 403, 'forbidden');
  expectError(await upload(county, `/api/v1/budgets/import?region=${OTHER}&year=${YEAR}&kind=budget`,
    budgetCsv(LINES, '50000.00')), 403, 'out_of_scope');
  expectError(await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=adjustment`,
    budgetCsv(LINES, '50000.00')), 409, 'no_budget');
  let r = await upload(county, path, budgetCsv(LINES, '50000.00'));
  expectStatus(r, 200);
  const p = r.json.preview;
  assert.equal(p.errors.length, 0);
  assert.equal(p.total, 9);
  assert.equal(p.total_fen, 5000000);
  // only the account that previewed confirms it
  expectError(await post(unit, `/api/v1/budgets/import/${p.import_id}/confirm`), 404, 'not_found');
  r = await post(county, `/api/v1/budgets/import/${p.import_id}/confirm`);
  expectStatus(r, 200);
  budgetId = r.json.budget.id;
  assert.equal(r.json.budget.state, 'draft');
  assert.equal(r.json.budget.total_fen, 5000000);
  assert.equal(r.json.budget.line_count, 9);
  expectError(await post(county, `/api/v1/budgets/import/${p.import_id}/confirm`), 409, 'already_imported');
  // a second budget of the year is refused
  expectError(await upload(county, path, budgetCsv(LINES, '50000.00')), 409, 'exists');
  // the draft is the staff's: the deputy does not see it yet
  expectError(await get(deputy, `/api/v1/budgets/${budgetId}`), 404, 'not_found');
  r = await get(unit, `/api/v1/budgets/${budgetId}`);
  expectStatus(r, 200);
  assert.equal(r.json.budget.lines.find((l) => l.code === '2130504').key, true);
  assert.equal(r.json.budget.lines.find((l) => l.code === '2010101').amount_fen, 1000000);
  assert.deepEqual(['201', '20101', '2010101'].map((c) => r.json.budget.lines.find((l) => l.code === c).level), [1, 2, 3]);
});

test('review: deputies comment per line; approval only by a passed vote of the session', async () => {
  expectError(await post(deputy, `/api/v1/budgets/${budgetId}/actions`, { action: 'submit' }), 403, 'forbidden');
  let r = await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'submit' });
  expectStatus(r, 200);
  assert.equal(r.json.budget.state, 'review');
  // the deputy of the township comments; staff and other roles may not
  r = await post(deputy, `/api/v1/budgets/${budgetId}/comments`, { code: '2130504', body: '农村道路建设资金应明确到村' });
  expectStatus(r, 201);
  assert.equal(r.json.comment.code, '2130504');
  expectError(await post(deputy, `/api/v1/budgets/${budgetId}/comments`, { code: '2999999', body: '没有这个科目' }), 400, 'bad_code');
  expectError(await post(unit, `/api/v1/budgets/${budgetId}/comments`, { code: '2130504', body: '工作人员' }), 403, 'forbidden');
  expectError(await post(handler, `/api/v1/budgets/${budgetId}/comments`, { code: '2130504', body: '承办单位' }), 403, 'forbidden');
  r = await get(unit, `/api/v1/budgets/${budgetId}/comments?code=2130504`);
  expectStatus(r, 200);
  assert.equal(r.json.items.length, 1);
  assert.equal(r.json.items[0].body, '农村道路建设资金应明确到村');
  r = await get(deputy, `/api/v1/budgets/${budgetId}`);
  assert.equal(r.json.budget.lines.find((l) => l.code === '2130504').comments, 1);
  // the deputy does not see another congress's documents, nor comment on them
  const next = (await get(city, '/api/v1/budgets?region=329981102&per_page=1')).json.items[0];
  expectError(await get(deputy, `/api/v1/budgets/${next.id}`), 404, 'not_found');
  expectError(await post(deputy, `/api/v1/budgets/${next.id}/comments`, { code: '201', body: '外镇的预算' }), 404, 'not_found');

  // approval needs the vote: none linked, then one of another congress, then open, then failed
  expectError(await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'approve' }), 409, 'no_vote');
  const cityMeeting = (await post(city, '/api/v1/meetings', { kind: 'session', title: '外区会议', region_code: OTHER,
    level: 'county', term: 18, starts_on: '2031-03-01', place: '区政府' })).json.meeting;
  const foreign = (await post(city, `/api/v1/meetings/${cityMeeting.id}/votes`, { title: '外区表决' })).json.vote;
  expectError(await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'link_vote', vote_id: foreign.id }), 400, 'bad_vote');
  const failing = await openVote('关于2031年预算的决议（一）');
  r = await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'link_vote', vote_id: failing.vid });
  expectStatus(r, 200);
  assert.equal(r.json.budget.vote_id, failing.vid);
  expectError(await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'approve' }), 409, 'vote_open');
  await closeVote(failing, false);
  expectError(await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'approve' }), 409, 'not_passed');
  const passing = await openVote('关于2031年预算的决议（二）');
  expectStatus(await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'link_vote', vote_id: passing.vid }), 200);
  await closeVote(passing, true);
  expectError(await post(station, `/api/v1/budgets/${budgetId}/actions`, { action: 'approve' }), 403, 'forbidden');
  r = await post(unit, `/api/v1/budgets/${budgetId}/actions`, { action: 'approve' });
  expectStatus(r, 200);
  assert.equal(r.json.budget.state, 'approved');
  r = await get(unit, `/api/v1/budgets/${budgetId}`);
  assert.equal(r.json.budget.vote.passed, true);
  // after the session no more comments
  expectError(await post(deputy, `/api/v1/budgets/${budgetId}/comments`, { code: '2130504', body: '会后意见' }), 409, 'bad_state');
});

// Execution to the end of the second quarter: the plan so far is half of each line.
function execCsv(spent) {
  const sum = (codes) => codes.reduce((s, c) => s + (spent[c] || 0), 0);
  const leaf = ['2010101', '2010102', '2010103', '2010104'];
  const rows = [['201', '一般公共服务支出', yuan(sum(leaf))], ['20101', '人大事务', yuan(sum(leaf))],
    ...leaf.map((c) => [c, c, yuan(spent[c])]),
    ['213', '农林水支出', yuan(spent['2130504'])], ['21305', '乡村振兴', yuan(spent['2130504'])],
    ['2130504', '农村基础设施建设', yuan(spent['2130504'])]];
  return csvOf([['执行情况'], ['科目编码', '科目名称', '累计执行数（元）'], ...rows,
    ['', '合计', yuan(sum(leaf) + spent['2130504'])]]);
}

test('execution: warnings on the bounds of the settings, and the key project unspent', async () => {
  const low = setting['budget.exec_low_pct'], high = setting['budget.exec_high_pct'], keyq = setting['budget.key_unspent_quarter'];
  assert.deepEqual([low, high], [80, 120]); // the defaults
  const plan = 1000000 * 2 / 4; // half a line of 10,000 yuan, in fen
  const spent = {
    2010101: plan * low / 100, // on the lower bound: no warning
    2010102: plan * low / 100 - 1, // a fen below: behind
    2010103: plan * high / 100, // on the upper bound: no warning
    2010104: plan * high / 100 + 1, // a fen above: ahead
    2130504: 0,
  };
  const path = `/api/v1/budgets/${budgetId}/execution?quarter=2`;
  expectError(await upload(deputy, path, execCsv(spent)), 403, 'forbidden');
  expectError(await upload(unit, `/api/v1/budgets/${budgetId}/execution?quarter=5`, execCsv(spent)), 400, 'bad_quarter');
  // a code that is not a line of the budget, named by its row
  let r = await upload(unit, path, execCsv(spent).replace('2010104,2010104', '2010105,2010105'));
  expectStatus(r, 200);
  assert.ok(r.json.preview.errors.some((x) => x.row === 8 && x.column === '科目编码' && /不在本年度预算中/.test(x.message)),
    JSON.stringify(r.json.preview.errors));
  assert.equal(r.json.preview.import_id, null);
  r = await upload(unit, path, execCsv(spent));
  expectStatus(r, 200);
  assert.deepEqual(r.json.preview.errors, []);
  r = await post(unit, `/api/v1/budgets/import/${r.json.preview.import_id}/confirm`);
  expectStatus(r, 200);
  assert.equal(r.json.budget.exec_quarter, 2);
  r = await get(unit, `/api/v1/budgets/${budgetId}`);
  const lines = Object.fromEntries(r.json.budget.lines.map((l) => [l.code, l]));
  const kinds = (c) => lines[c].warnings.filter((w) => w.quarter === 2).map((w) => w.kind).sort();
  assert.deepEqual(kinds('2010101'), []);
  assert.deepEqual(kinds('2010102'), ['low']);
  assert.deepEqual(kinds('2010103'), []);
  assert.deepEqual(kinds('2010104'), ['high']);
  assert.deepEqual(kinds('2130504'), 2 >= keyq ? ['key_unspent', 'low'] : ['low']);
  assert.equal(lines['2010102'].spent_fen[1], plan * low / 100 - 1);
  assert.equal(lines['2010102'].spent_fen[2], null);
  assert.equal(r.json.budget.warnings, 2 >= keyq ? 4 : 3);
  // the chart: the time-proportional plan and the spending per quarter
  assert.equal(r.json.budget.chart[1].plan_fen, 2500000);
  assert.equal(r.json.budget.chart[1].spent_fen, Object.values(spent).reduce((a, b) => a + b, 0));
  assert.equal(r.json.budget.chart[2].spent_fen, null);
  // the city's view counts them
  r = await get(county, `/api/v1/budgets?region=${TOWN}&year=${YEAR}`);
  expectStatus(r, 200);
  assert.equal(r.json.items[0].warnings, 2 >= keyq ? 4 : 3);
  assert.ok(r.json.summary.warnings >= 3);
});

test('an adjustment: lines moved beyond the share warned; approved by vote, it becomes the plan', async () => {
  const share = setting['budget.adjust_share_pct'];
  const at = (pct) => yuan(1000000 + 1000000 * pct / 100);
  const a1 = at(share), a2 = yuan(1000000 + 1000000 * share / 100 + 1);
  const sum = (1000000 + 1000000 * share / 100) + (1000000 + 1000000 * share / 100 + 1) + 2000000;
  const lines = LINES.map((l) => (l[0] === '2010101' ? [l[0], l[1], a1, '否'] : l[0] === '2010102' ? [l[0], l[1], a2, '否']
    : l[0] === '201' || l[0] === '20101' ? [l[0], l[1], yuan(sum), '否'] : l));
  let r = await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=adjustment`, budgetCsv(lines, yuan(sum + 1000000)));
  expectStatus(r, 200);
  assert.deepEqual(r.json.preview.errors, []);
  r = await post(county, `/api/v1/budgets/import/${r.json.preview.import_id}/confirm`);
  expectStatus(r, 200);
  const adj = r.json.budget;
  assert.equal(adj.kind, 'adjustment');
  assert.equal(adj.seq, 1);
  r = await get(unit, `/api/v1/budgets/${adj.id}`);
  const byCode = Object.fromEntries(r.json.budget.lines.map((l) => [l.code, l]));
  assert.deepEqual(byCode['2010101'].warnings, []); // exactly the share: not warned
  assert.deepEqual(byCode['2010102'].warnings.map((w) => w.kind), ['adjust']); // a fen beyond it
  assert.equal(byCode['2010102'].plan_fen, 1000000);
  // put to the session's vote and approved: the budget's plan is the adjusted one
  expectStatus(await post(unit, `/api/v1/budgets/${adj.id}/actions`, { action: 'submit' }), 200);
  const v = await openVote('关于2031年预算调整方案的决议');
  expectStatus(await post(unit, `/api/v1/budgets/${adj.id}/actions`, { action: 'link_vote', vote_id: v.vid }), 200);
  await closeVote(v, true);
  expectStatus(await post(unit, `/api/v1/budgets/${adj.id}/actions`, { action: 'approve' }), 200);
  r = await get(unit, `/api/v1/budgets/${budgetId}`);
  const b = Object.fromEntries(r.json.budget.lines.map((l) => [l.code, l]));
  assert.equal(b['2010102'].plan_fen, 1000000 + 1000000 * share / 100 + 1);
  assert.equal(r.json.budget.documents.length, 2);
});

test('final accounts compared with the plan in force; lists by scope and role', async () => {
  let r = await upload(county, `/api/v1/budgets/import?region=${TOWN}&year=${YEAR}&kind=final`, budgetCsv(LINES, '50000.00'));
  r = await post(county, `/api/v1/budgets/import/${r.json.preview.import_id}/confirm`);
  expectStatus(r, 200);
  r = await get(unit, `/api/v1/budgets/${r.json.budget.id}`);
  const line = r.json.budget.lines.find((l) => l.code === '2010102');
  assert.equal(line.amount_fen, 1000000);
  assert.equal(line.plan_fen, 1000000 + 1000000 * setting['budget.adjust_share_pct'] / 100 + 1);
  // lists: the deputy sees only its congress's documents past the draft; others are refused
  r = await get(deputy, '/api/v1/budgets?per_page=100');
  expectStatus(r, 200);
  assert.ok(r.json.items.length > 0);
  assert.ok(r.json.items.every((x) => x.region_code === TOWN && x.state !== 'draft'));
  expectError(await get(deputy, `/api/v1/budgets?region=${OTHER}`), 403, 'out_of_scope');
  expectError(await get(handler, '/api/v1/budgets'), 403, 'forbidden');
  expectError(await get(station, '/api/v1/budgets'), 403, 'forbidden');
  expectError(await get(county, `/api/v1/budgets?region=${OTHER}`), 403, 'out_of_scope');
  const foreign = (await get(city, `/api/v1/budgets?region=${OTHER}&per_page=1`)).json.items[0];
  expectError(await get(county, `/api/v1/budgets/${foreign.id}`), 404, 'not_found');
  expectError(await get(county, `/api/v1/budgets/${foreign.id}/comments`), 404, 'not_found');
  expectError(await post(county, `/api/v1/budgets/${foreign.id}/actions`, { action: 'submit' }), 404, 'not_found');
  r = await get(county, '/api/v1/budgets?per_page=100');
  assert.ok(r.json.items.every((x) => x.region_code.startsWith('329981')));
  r = await get(city, `/api/v1/budgets?year=${YEAR}`);
  assert.equal(r.json.total, 3);
});

test('an execution file confirmed three times at once is imported once', async () => {
  const spent = { 2010101: 600000, 2010102: 600000, 2010103: 600000, 2010104: 600000, 2130504: 100 };
  const r = await upload(unit, `/api/v1/budgets/${budgetId}/execution?quarter=3`, execCsv(spent));
  expectStatus(r, 200);
  const id = r.json.preview.import_id;
  const rs = await Promise.all([1, 2, 3].map(() => post(unit, `/api/v1/budgets/import/${id}/confirm`)));
  assert.equal(rs.filter((x) => x.status === 200).length, 1);
  for (const x of rs.filter((y) => y.status !== 200)) expectError(x, 409, 'already_imported');
  const b = (await get(unit, `/api/v1/budgets/${budgetId}`)).json.budget;
  assert.equal(b.exec_quarter, 3);
  assert.equal(b.lines.find((l) => l.code === '2130504').spent_fen[2], 100);
  // the key project has started: no key warning at the third quarter's end
  assert.ok(!b.lines.find((l) => l.code === '2130504').warnings.some((w) => w.quarter === 3 && w.kind === 'key_unspent'));
});
