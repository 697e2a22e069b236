// Livelihood projects (民生实事项目, api.md "Livelihood projects"): a township's year — collection
// from a citizen's opinion, a deputy and the government; screening with a reason code; the
// candidate list's warning at the project.candidate_ratio_pct boundary; the vote at a session on
// the election engine (paper ballots counted by two tellers) and its result; publication; the
// plan with its milestones and budget (bad ones refused naming the field); the handling unit's
// progress report with a photo; a deputy's visit; the mid-year review; the archive by year and
// the public page. The denials: roles, another county, steps out of order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, expectError, expectStatus } from './lib.mjs';

const TOWN = '329981101', OTHER = '329902';
let srv, city, county, unit, deputy, handler, station;
const post = (s, path, body) => api(srv, 'POST', path, { session: s, body });
const get = (s, path) => api(srv, 'GET', path, { session: s });
const act = (s, id, body) => post(s, `/api/v1/projects/${id}/actions`, body);
// a JPEG's first bytes and a few more: enough for the photo check
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]).toString('base64');

before(async () => {
  srv = await startServer();
  [city, county, unit, deputy, handler, station] = await Promise.all(
    ['city', 'county', 'unit', 'deputy', 'handler', 'station'].map((u) => login(srv, u)));
});
after(async () => { await srv.stop(); });

const ids = {};

test('collection: from an opinion the actor may read, a deputy and the government; bad sources refused', async () => {
  const mine = (await get(unit, `/api/v1/opinions?region=${TOWN}&per_page=1`)).json.items[0];
  const foreign = (await get(city, `/api/v1/opinions?region=${OTHER}&per_page=1`)).json.items[0];
  const dep = (await get(unit, `/api/v1/deputies?region=${TOWN}&per_page=1`)).json.items[0];
  const base = { region_code: TOWN, year: 2030 };
  // an opinion out of the actor's sight cannot be linked, and says nothing of it
  let r = await post(unit, '/api/v1/projects', { ...base, title: '外域意见项目', source: 'opinion', opinion_id: foreign.id });
  expectError(r, 400, 'bad_opinion');
  assert.equal(r.json.error.field, 'opinion_id');
  r = await post(unit, '/api/v1/projects', { ...base, title: '无来源意见', source: 'opinion' });
  expectError(r, 400, 'missing_field');
  r = await post(unit, '/api/v1/projects', { ...base, title: '来源不明', source: 'nobody' });
  expectError(r, 400, 'bad_value');
  assert.equal(r.json.error.field, 'source');
  // another county's region: out of the township staff's scope
  r = await post(unit, '/api/v1/projects', { ...base, region_code: OTHER, title: '外域项目', source: 'government' });
  assert.equal(r.status, 403);
  // the roles that may not collect
  for (const s of [deputy, handler, station]) {
    r = await post(s, '/api/v1/projects', { ...base, title: '无权征集', source: 'government' });
    expectError(r, 403, 'forbidden');
  }
  r = await post(unit, '/api/v1/projects', { ...base, title: '中心小学门口红绿灯改造', source: 'opinion', opinion_id: mine.id, summary: '群众反映接送孩子过马路危险' });
  expectStatus(r, 201);
  assert.equal(r.json.project.state, 'collected');
  assert.equal(r.json.project.opinion_id, mine.id);
  assert.equal(r.json.project.opinion_code, mine.tracking_code);
  ids.light = r.json.project.id;
  r = await post(unit, '/api/v1/projects', { ...base, title: '镇区污水管网延伸', source: 'deputy', deputy_id: dep.id });
  expectStatus(r, 201);
  ids.sewer = r.json.project.id;
  for (const [k, title] of [['road', '村道硬化提升'], ['elder', '老年食堂建设'], ['casino', '建设游乐城']]) {
    r = await post(unit, '/api/v1/projects', { ...base, title, source: 'government', proposer: '镇政府' });
    expectStatus(r, 201);
    ids[k] = r.json.project.id;
  }
  // a project of the other county, for the denials below
  r = await post(city, '/api/v1/projects', { region_code: OTHER, year: 2030, title: '外域广场', source: 'government' });
  expectStatus(r, 201);
  ids.foreign = r.json.project.id;
});

test('screening: a reason code per rejected candidate; deputies see the list from the candidates on', async () => {
  let r = await act(unit, ids.casino, { action: 'reject' });
  expectError(r, 400, 'missing_field');
  r = await act(unit, ids.casino, { action: 'reject', reason: 'taste' });
  expectError(r, 400, 'bad_value');
  assert.equal(r.json.error.field, 'reason');
  r = await act(deputy, ids.road, { action: 'shortlist' });
  expectError(r, 404, 'not_found'); // a deputy does not see a collected candidate
  r = await act(unit, ids.casino, { action: 'reject', reason: 'legality', note: '不属于政府民生实事范围' });
  expectStatus(r, 200);
  assert.equal(r.json.project.state, 'rejected');
  assert.equal(r.json.project.reason_name, '不符合法律政策');
  for (const k of ['light', 'sewer', 'road']) {
    r = await act(unit, ids[k], { action: 'shortlist' });
    expectStatus(r, 200);
    assert.equal(r.json.project.state, 'shortlisted');
  }
  // the vote's steps are the vote's: not an action of their own
  r = await act(unit, ids.elder, { action: 'ballot' });
  expectError(r, 409, 'bad_state');
  r = await act(unit, ids.road, { action: 'ballot' });
  expectError(r, 409, 'by_vote');
  r = await get(deputy, `/api/v1/projects?year=2030`);
  expectStatus(r, 200);
  const seen = r.json.items.map((p) => p.id);
  assert.ok(seen.includes(ids.road) && !seen.includes(ids.casino) && !seen.includes(ids.elder));
  r = await get(deputy, `/api/v1/projects/${ids.road}`);
  expectStatus(r, 200);
});

test('the candidate list: warned below project.candidate_ratio_pct percent of the number to choose', async () => {
  const setPct = async (v) => expectStatus(await api(srv, 'PUT', `/api/v1/settings?region=${TOWN}`,
    { session: county, body: { 'project.candidate_ratio_pct': v } }), 200);
  const list = async (choose) => {
    const r = await get(unit, `/api/v1/projects/candidates?region=${TOWN}&year=2030&choose=${choose}`);
    expectStatus(r, 200);
    return r.json;
  };
  let c = await list(2);
  assert.equal(c.count, 3);
  assert.equal(c.ratio_pct, 120);
  assert.equal(c.warning, null);
  // 3 candidates for 2: exactly 150% is enough, 151% is not
  await setPct(150);
  c = await list(2);
  assert.equal(c.ratio_pct, 150);
  assert.equal(c.warning, null);
  await setPct(151);
  c = await list(2);
  assert.equal(c.needed, 4);
  assert.match(c.warning, /少于票决项目数 2 个的 151%/);
  await setPct(120);
  c = await list(3);
  assert.match(c.warning, /120%/);
  let r = await get(station, `/api/v1/projects/candidates?region=${TOWN}&year=2030&choose=2`);
  expectError(r, 403, 'forbidden');
  r = await get(county, `/api/v1/projects/candidates?region=${OTHER}&year=2030&choose=2`);
  assert.equal(r.status, 403);
});

test('the vote at a session on the election engine: the elected become the year\'s projects', async () => {
  let r = await post(unit, '/api/v1/meetings', { kind: 'session', title: '镇人代会（民生实事票决）', region_code: TOWN,
    term: 18, starts_on: '2026-02-10', place: '镇政府大会议室' });
  expectStatus(r, 201);
  const mid = r.json.meeting.id;
  // the vote before the result: refused by the roles and out of order
  r = await post(deputy, '/api/v1/projects/votes', { meeting_id: mid, year: 2030, seats: 2 });
  expectError(r, 403, 'forbidden');
  r = await post(unit, '/api/v1/projects/votes', { meeting_id: mid, year: 2029, seats: 2 });
  expectError(r, 409, 'no_candidates');
  r = await post(unit, '/api/v1/projects/votes', { meeting_id: mid, year: 2030, seats: 2 });
  expectStatus(r, 201);
  assert.equal(r.json.projects, 3);
  const el = r.json.election;
  assert.equal(el.office_kind, 'project');
  const rid = el.rounds[0].id;
  const cand = Object.fromEntries(el.rounds[0].candidates.map((c) => [c.name, String(c.id)]));
  r = await get(unit, `/api/v1/projects/${ids.road}`);
  assert.equal(r.json.project.state, 'voting');
  assert.equal(r.json.project.election_id, el.id);
  r = await post(unit, `/api/v1/projects/votes/${el.id}/result`, {});
  expectError(r, 409, 'not_counted');
  // the session: every member signed in, the round opened, paper ballots by two tellers
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open_signin' }), 200);
  r = await get(unit, `/api/v1/meetings/${mid}/attendance`);
  const members = r.json.items.map((m) => m.deputy_id);
  for (const id of members)
    expectStatus(await post(unit, `/api/v1/meetings/${mid}/attendance`, { action: 'sign_in', deputy_id: id }), 200);
  expectStatus(await post(unit, `/api/v1/meetings/${mid}/actions`, { action: 'open' }), 200);
  expectStatus(await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'open' }), 200);
  expectStatus(await post(unit, `/api/v1/rounds/${rid}/paper-issued`, { deputy_ids: members }), 200);
  const n = members.length;
  const entry = { returned: n, invalid: 0, candidates: {
    [cand['中心小学门口红绿灯改造']]: { for: n }, [cand['镇区污水管网延伸']]: { for: n - 1 }, [cand['村道硬化提升']]: { for: 1 } } };
  expectStatus(await post(unit, `/api/v1/rounds/${rid}/paper`, entry), 200);
  expectStatus(await post(county, `/api/v1/rounds/${rid}/paper`, entry), 200);
  expectStatus(await post(unit, `/api/v1/rounds/${rid}/actions`, { action: 'count' }), 200);
  r = await post(deputy, `/api/v1/projects/votes/${el.id}/result`, {});
  expectError(r, 403, 'forbidden');
  r = await post(unit, `/api/v1/projects/votes/${el.id}/result`, {});
  expectStatus(r, 200);
  assert.equal(r.json.chosen, 2);
  r = await get(unit, `/api/v1/projects/${ids.light}`);
  assert.equal(r.json.project.state, 'chosen');
  assert.equal(r.json.project.votes, n);
  r = await get(unit, `/api/v1/projects/${ids.road}`);
  assert.equal(r.json.project.state, 'not_chosen');
  assert.equal(r.json.project.votes, 1);
  r = await post(unit, `/api/v1/projects/votes/${el.id}/result`, {});
  expectError(r, 409, 'bad_state');
});

test('publication, the plan (milestones in order, budget not negative), progress with a photo, a visit, the mid-year review', async () => {
  let r = await act(unit, ids.light, { action: 'plan', handler_id: handler.user.handler_id, budget: 1, milestones: [{ title: '开工', due_on: '2026-03-01' }] });
  expectError(r, 409, 'bad_state'); // not published yet
  r = await get(null, `/api/v1/public/projects?region=${TOWN}&year=2030`);
  expectStatus(r, 200);
  assert.equal(r.json.items.length, 0);
  for (const k of ['light', 'sewer']) {
    r = await act(unit, ids[k], { action: 'publish' });
    expectStatus(r, 200);
    assert.equal(r.json.project.state, 'published');
  }
  const plan = { action: 'plan', handler_id: handler.user.handler_id, budget: 850000, plan: '分两期实施',
    milestones: [{ title: '完成设计', due_on: '2026-03-31' }, { title: '开工建设', due_on: '2026-05-10' }, { title: '竣工验收', due_on: '2026-10-31' }] };
  r = await act(county, ids.light, { ...plan, milestones: [plan.milestones[0], plan.milestones[2], plan.milestones[1]] });
  expectError(r, 400, 'bad_order');
  assert.equal(r.json.error.field, 'milestones[2].due_on');
  r = await act(county, ids.light, { ...plan, milestones: [{ title: '开工', due_on: '2026-02-30' }] });
  expectError(r, 400, 'bad_date');
  assert.equal(r.json.error.field, 'milestones[0].due_on');
  r = await act(county, ids.light, { ...plan, budget: -1 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'budget');
  r = await act(county, ids.light, { ...plan, budget: '八十五万' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'budget');
  r = await act(handler, ids.light, plan);
  expectError(r, 404, 'not_found'); // not yet the unit's project: it does not see it
  r = await act(county, ids.light, plan);
  expectStatus(r, 200);
  assert.equal(r.json.project.state, 'implementing');
  assert.equal(r.json.project.budget, 850000);
  assert.deepEqual(r.json.project.milestones.map((m) => m.due_on), ['2026-03-31', '2026-05-10', '2026-10-31']);
  // the responsible unit reports; nobody else may
  r = await act(unit, ids.light, { action: 'report', body: '设计已完成，正在招标', progress: 20 });
  expectError(r, 403, 'forbidden');
  r = await act(handler, ids.light, { action: 'report', body: '设计已完成', progress: 101 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'progress');
  r = await act(handler, ids.light, { action: 'report', body: '设计已完成', progress: 20, photos: ['bm90IGEgcGhvdG8='] });
  expectError(r, 400, 'bad_photo');
  r = await act(handler, ids.light, { action: 'report', body: '设计已完成，正在招标', progress: 20, photos: [JPEG] });
  expectStatus(r, 200);
  assert.equal(r.json.project.progress, 20);
  assert.equal(r.json.project.reports[0].photos, 1);
  // the handler sees its own projects only
  r = await get(handler, '/api/v1/projects?year=2030');
  assert.deepEqual(r.json.items.map((p) => p.id), [ids.light]);
  r = await get(handler, `/api/v1/projects/${ids.sewer}`);
  expectError(r, 404, 'not_found');
  // the photo, served within the project's scope
  r = await api(srv, 'GET', `/api/v1/projects/${ids.light}/photos/1`, { session: handler });
  expectStatus(r, 200);
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  r = await api(srv, 'GET', `/api/v1/projects/${ids.light}/photos/2`, { session: unit });
  expectError(r, 404, 'not_found');
  r = await api(srv, 'GET', `/api/v1/projects/${ids.light}/photos/1`, { session: station });
  expectError(r, 403, 'forbidden');
  // a deputy's visit; staff may not record one as a deputy
  r = await act(unit, ids.light, { action: 'visit', body: '代表视察了施工现场' });
  expectError(r, 403, 'forbidden');
  r = await act(deputy, ids.light, { action: 'visit', body: '代表视察了施工现场，建议加快进度', photos: [JPEG] });
  expectStatus(r, 200);
  assert.equal(r.json.project.reports.filter((x) => x.kind === 'visit').length, 1);
  // the mid-year review
  r = await act(deputy, ids.light, { action: 'review', review: '进度符合计划' });
  expectError(r, 403, 'forbidden');
  r = await act(unit, ids.light, { action: 'review', review: '年中评估：进度符合计划，资金到位' });
  expectStatus(r, 200);
  assert.match(r.json.project.review, /年中评估/);
  assert.deepEqual(r.json.project.events.map((e) => e.action),
    ['create', 'shortlist', 'ballot', 'result', 'publish', 'plan', 'report', 'visit', 'review']);
});

test('the public page: published projects only, public fields only; the archive by year; another county\'s project unseen', async () => {
  let r = await get(null, `/api/v1/public/projects?region=${TOWN}&year=2030`);
  expectStatus(r, 200);
  assert.deepEqual(r.json.items.map((p) => p.title).sort(), ['中心小学门口红绿灯改造', '镇区污水管网延伸'].sort());
  const light = r.json.items.find((p) => p.id === ids.light);
  assert.equal(light.progress, 20);
  assert.equal(light.milestones.length, 3);
  assert.equal(light.latest_report.body, '设计已完成，正在招标');
  for (const k of ['opinion_id', 'opinion_code', 'deputy_id', 'deputy_name', 'proposer', 'reason', 'votes'])
    assert.ok(!(k in light), k);
  assert.ok(!r.text.includes('代表视察')); // the visits are not on the public page
  r = await get(null, `/api/v1/public/projects?region=${TOWN}`);
  expectError(r, 400, 'bad_param');
  r = await get(null, `/api/v1/public/projects?region=999999&year=2030`);
  expectError(r, 404, 'not_found');
  // the archive by year
  r = await get(unit, '/api/v1/projects?year=2029');
  assert.equal(r.json.items.filter((p) => Object.values(ids).includes(p.id)).length, 0);
  r = await get(unit, '/api/v1/projects?year=2030&state=implementing');
  assert.deepEqual(r.json.items.map((p) => p.id), [ids.light]);
  r = await get(unit, '/api/v1/projects?state=nonsense');
  expectError(r, 400, 'bad_param');
  // another county's project: not in the county's list, 404 by id, 403 by region filter
  r = await get(county, '/api/v1/projects?year=2030&per_page=100');
  assert.ok(!r.json.items.some((p) => p.id === ids.foreign));
  r = await get(county, `/api/v1/projects/${ids.foreign}`);
  expectError(r, 404, 'not_found');
  r = await act(county, ids.foreign, { action: 'shortlist' });
  expectError(r, 404, 'not_found');
  r = await get(county, `/api/v1/projects?region=${OTHER}`);
  assert.equal(r.status, 403);
  r = await get(station, '/api/v1/projects');
  expectError(r, 403, 'forbidden');
  r = await get(null, '/api/v1/projects');
  assert.equal(r.status, 401);
  // the city sees both
  r = await get(city, `/api/v1/projects/${ids.foreign}`);
  expectStatus(r, 200);
  // completion
  r = await act(unit, ids.light, { action: 'complete' });
  expectStatus(r, 200);
  assert.equal(r.json.project.state, 'done');
  assert.equal(r.json.project.progress, 100);
  r = await act(handler, ids.light, { action: 'report', body: '已完工交付使用', progress: 100 });
  expectError(r, 409, 'bad_state');
  // the audit trail names the steps
  r = await get(unit, '/api/v1/labels');
  assert.equal(r.json.audit.actions['project.review'], '年中评估');
  assert.equal(r.json.audit.actions['project.create'], '征集民生实事项目');
  r = await get(handler, '/api/v1/projects/labels');
  assert.equal(r.json.reasons.money, '资金不能保障');
  assert.equal(r.json.states.not_chosen, '票决未通过');
});
