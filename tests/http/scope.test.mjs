// The role × route × scope test, generated from the binary's own route table (`renda routes`):
// every route is called by every role (and by nobody) with an object in the actor's scope and
// one outside it, and the status and the absence of the other county's data are checked against
// one table of expectations below. A route without an entry fails the test.
//
// Two counties of the demo city: 清河市 (329981, the actors' own, with township 329981101) and
// 东城区 (329902, foreign to every actor below the city). The administrators are county ones
// made from the command line, so that for every role but city_staff the other county is foreign.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, renda, startServer, api, login, PASSWORD } from './lib.mjs';

const A = '329981', A_TOWN = '329981101', B = '329902';
const ROLES = ['sysadmin', 'secadmin', 'auditor', 'city_staff', 'county_staff', 'unit_staff',
  'station_staff', 'deputy', 'handler', 'service', 'anonymous'];
// The account each role acts through.
const ACTOR = { sysadmin: 'c.admin', secadmin: 'c.sec', auditor: 'c.audit', city_staff: 'city',
  county_staff: 'county', unit_staff: 'unit', station_staff: 'station', deputy: 'deputy', handler: 'handler' };
// The integration's service account of county A acts through an API token with both scopes: it
// reads what county staff read (masked) and registers opinions; every other write is out of its
// token's scopes.
const SERVICE_WRITES = new Set(['POST /api/v1/opinions']);
const serviceAllowed = (key, x) => (key.startsWith('GET ') ? x.service ?? (x.allow || []).includes('county_staff')
  : SERVICE_WRITES.has(key));
// Roles whose scope covers both counties: the other county is theirs too.
const WHOLE_CITY = new Set(['city_staff']);

// Role sets, from role.c's permissions.
const STAFF = ['city_staff', 'county_staff', 'unit_staff'];
const REGION_READERS = ['sysadmin', 'secadmin', ...STAFF, 'station_staff', 'deputy', 'handler'];
const HANDLER_READERS = ['sysadmin', 'secadmin', ...STAFF];
const DEPUTY_READERS = [...STAFF, 'station_staff'];
const OPINION_READERS = [...STAFF, 'station_staff', 'deputy', 'handler'];
const OPINION_INTAKE = [...STAFF, 'station_staff', 'deputy'];
const SUGGESTION_READERS = [...STAFF, 'deputy', 'handler'];
const MEETING_READERS = [...STAFF, 'station_staff'];
const EVERYONE = ROLES.filter((r) => r !== 'anonymous' && r !== 'service');
// livelihood projects (project.c): staff by region, a deputy its region's from the candidate list
// on, a handling unit the projects it implements; not the integrations'
const PROJECT_READERS = [...STAFF, 'deputy', 'handler'];
const YEAR = new Date().getFullYear();

// The expectations, keyed by "METHOD pattern". Fields:
//   allow: the roles that may use the route on an object in their scope (others: 403 or 404)
//   obj:   the kind of object the path's first parameter names (its in-scope and foreign ids come
//          from the fixtures); none for a collection
//   ok:    the statuses an allowed call may answer (default 200 for GET; for writes, whatever
//          is not a denial: the test sends an empty or invalid body)
//   region: the list takes ?region=, and the other county's code gets 403 out_of_scope
//   query: a query string added to every call (exports as CSV, so the check can read them)
//   public: no login; every caller gets the same answer
//   safe:  'denied-only' for writes that would really change the in-scope object (deletes):
//          only the roles that are refused are tried on it
//   bodyFirst: the write reads its body before it checks the role and the scope, so that an empty
//          body is refused with 400 before the denial: a fault, the denial is then not observable
//          here (a denial is still accepted; an answer with data is not). No route has it now:
//          every write checks who and which item before what (tx_visible, meeting_check).
//   [accounts] marks entries of the account and token routes, [screen] the public meeting screen:
//   other work changes those rules, update them here with it.
const GETOK = { ok: [200] };
const WRITE = { ok: [200, 201, 204, 400, 409] };
const EXPECT = {
  'GET /api/v1/health': { public: true },
  'POST /api/v1/session': { public: true, ok: [400] },
  'GET /api/v1/session': { allow: EVERYONE },
  'DELETE /api/v1/session': { allow: EVERYONE, skip: 'logs the actor out' },
  'POST /api/v1/session/password': { allow: EVERYONE, ...WRITE },

  'GET /api/v1/regions': { allow: REGION_READERS },
  'POST /api/v1/regions': { allow: ['sysadmin'], ...WRITE },
  'GET /api/v1/regions/:code': { allow: REGION_READERS, obj: 'region', out: 403 },
  'PATCH /api/v1/regions/:code': { allow: ['sysadmin'], obj: 'region', out: 403, ...WRITE },
  'DELETE /api/v1/regions/:code': { allow: ['sysadmin'], obj: 'region', out: 403, safe: 'denied-only' },
  'PUT /api/v1/regions/:code/unit': { allow: ['sysadmin'], obj: 'region', out: 403, ...WRITE },

  'GET /api/v1/handlers': { allow: HANDLER_READERS, region: true },
  'POST /api/v1/handlers': { allow: ['sysadmin', ...STAFF], ...WRITE },
  'GET /api/v1/handlers/:id': { allow: HANDLER_READERS, obj: 'handler' },
  'PATCH /api/v1/handlers/:id': { allow: ['sysadmin', ...STAFF], obj: 'handler', ...WRITE },
  'DELETE /api/v1/handlers/:id': { allow: ['sysadmin', ...STAFF], obj: 'handler', safe: 'denied-only' },

  // [accounts]
  'GET /api/v1/accounts': { allow: ['secadmin'], region: true },
  'POST /api/v1/accounts': { allow: ['secadmin'], ...WRITE },
  'GET /api/v1/accounts/:id': { allow: ['secadmin'], obj: 'account' },
  'PATCH /api/v1/accounts/:id': { allow: ['secadmin'], obj: 'account', ...WRITE },
  'POST /api/v1/accounts/:id/lock': { allow: ['secadmin'], obj: 'account', ...WRITE },
  'POST /api/v1/accounts/:id/unlock': { allow: ['secadmin'], obj: 'account', ...WRITE },
  'POST /api/v1/accounts/:id/password': { allow: ['secadmin'], obj: 'account', ...WRITE },
  'GET /api/v1/tokens': { allow: ['secadmin'] },
  'GET /api/v1/tokens/scopes': { allow: EVERYONE }, // the scopes' names and labels
  'POST /api/v1/tokens': { allow: ['secadmin'], ...WRITE },
  'DELETE /api/v1/tokens/:id': { allow: ['secadmin'], obj: 'token', safe: 'denied-only' },

  // The audit trail: the entries of the accounts of the auditor's subtree (audit.c).
  'GET /api/v1/audit': { allow: ['auditor'], region: true },
  'GET /api/v1/audit/export': { allow: ['auditor'], region: true, query: 'format=csv' },

  'GET /api/v1/deputies/export': { allow: DEPUTY_READERS, region: true, query: 'format=csv' },
  'GET /api/v1/deputies/stats/export': { allow: DEPUTY_READERS, region: true, query: 'format=csv' },
  // A blank form: nothing of anyone's in it.
  'GET /api/v1/deputies/import/template': { allow: EVERYONE },
  'POST /api/v1/deputies/import': { allow: STAFF, ...WRITE },
  'POST /api/v1/deputies/import/:id/confirm': { allow: STAFF, obj: 'none', ok: [404, 400, 409] },
  'GET /api/v1/deputies': { allow: DEPUTY_READERS, region: true },
  'POST /api/v1/deputies': { allow: STAFF, ...WRITE },
  'GET /api/v1/deputies/stats': { allow: DEPUTY_READERS, region: true },
  'GET /api/v1/deputies/:id': { allow: [...DEPUTY_READERS, 'deputy'], obj: 'deputy' }, // a deputy: its own record
  'GET /api/v1/me/record': { allow: ['deputy'] }, // a deputy's own attendance and duty days, nobody else's
  'PATCH /api/v1/deputies/:id': { allow: STAFF, obj: 'deputy', ...WRITE },
  'POST /api/v1/deputies/:id/mandates': { allow: STAFF, obj: 'deputy', ...WRITE },
  'POST /api/v1/mandates/:id/events': { allow: STAFF, obj: 'mandate', ...WRITE },
  'GET /api/v1/rosters': { allow: DEPUTY_READERS, region: 'congress', query: `congress=${A_TOWN}&level=township` },

  'GET /api/v1/groups': { allow: DEPUTY_READERS, region: true },
  'POST /api/v1/groups': { allow: STAFF, ...WRITE },
  'GET /api/v1/groups/:id': { allow: [...DEPUTY_READERS, 'deputy'], obj: 'group' }, // a deputy: its own group
  'PATCH /api/v1/groups/:id': { allow: STAFF, obj: 'group', ...WRITE },
  'DELETE /api/v1/groups/:id': { allow: STAFF, obj: 'group', safe: 'denied-only' },
  'PUT /api/v1/groups/:id/members': { allow: STAFF, obj: 'group', ...WRITE },

  'GET /api/v1/stations': { allow: [...DEPUTY_READERS, 'secadmin'], region: true },
  'POST /api/v1/stations': { allow: [...STAFF, 'station_staff'], ...WRITE },
  'GET /api/v1/stations/:id': { allow: DEPUTY_READERS, obj: 'station' },
  'PATCH /api/v1/stations/:id': { allow: [...STAFF, 'station_staff'], obj: 'station', ...WRITE },
  'DELETE /api/v1/stations/:id': { allow: [...STAFF, 'station_staff'], obj: 'station', safe: 'denied-only' },
  'PUT /api/v1/stations/:id/deputies': { allow: [...STAFF, 'station_staff'], obj: 'station', ...WRITE },
  'POST /api/v1/stations/:id/rules': { allow: [...STAFF, 'station_staff'], obj: 'station', ...WRITE },
  'DELETE /api/v1/stations/:id/rules/:rule': { allow: [...STAFF, 'station_staff'], obj: 'station', safe: 'denied-only' },
  'GET /api/v1/stations/:id/calendar': { allow: DEPUTY_READERS, obj: 'station' },
  'PUT /api/v1/stations/:id/duty/:date': { allow: [...STAFF, 'station_staff'], obj: 'station', ...WRITE },
  'GET /api/v1/stations/:id/qr.svg': { allow: DEPUTY_READERS, obj: 'station' },
  'GET /api/v1/stations/:id/qr.png': { allow: DEPUTY_READERS, obj: 'station' },
  'GET /api/v1/public/stations/:code': { public: true, obj: 'station_code', ok: [200] },

  'POST /api/v1/public/opinions': { public: true, ok: [400, 429] },
  'GET /api/v1/public/opinions/:code': { public: true, obj: 'opinion_code', ok: [400, 403, 404, 429] },
  'POST /api/v1/public/opinions/:code/rating': { public: true, obj: 'opinion_code', ok: [400, 403, 404, 429] },
  'GET /api/v1/public/categories': { public: true },
  'GET /api/v1/opinions': { allow: OPINION_READERS, region: true },
  'POST /api/v1/opinions': { allow: OPINION_INTAKE, ...WRITE },
  'GET /api/v1/opinions/board': { allow: [...STAFF, 'station_staff'], region: true },
  'GET /api/v1/opinions/hot': { allow: [...STAFF, 'station_staff', 'deputy'], region: true }, // counts by category
  'GET /api/v1/opinions/:id': { allow: OPINION_READERS, obj: 'opinion' },
  'POST /api/v1/opinions/:id/actions': { allow: OPINION_READERS, obj: 'opinion', ...WRITE },
  'POST /api/v1/opinions/batch': { allow: STAFF, ...WRITE },
  'GET /api/v1/opinions/:id/similar': { allow: OPINION_READERS, obj: 'opinion' },
  'GET /api/v1/opinions/:id/recommendation': { allow: STAFF, obj: 'opinion', service: false }, // staff classifying
  'GET /api/v1/opinions/:id/photos/:n': { allow: OPINION_READERS, obj: 'opinion', ok: [200, 404] },
  'POST /api/v1/opinions/:id/extensions': { allow: ['handler'], obj: 'opinion', ...WRITE },
  'POST /api/v1/extensions/:id/decision': { allow: STAFF, obj: 'none', ok: [404, 400, 409] },
  'GET /api/v1/notifications': { allow: EVERYONE },

  'GET /api/v1/public/suggestions': { public: true },
  'GET /api/v1/public/suggestions/:id': { public: true, obj: 'none', ok: [404] },
  'GET /api/v1/public/suggestions/:id/files/:fid': { public: true, obj: 'none', ok: [404] },
  'GET /api/v1/suggestions': { allow: SUGGESTION_READERS, region: true },
  'POST /api/v1/suggestions': { allow: [...STAFF, 'deputy'], ...WRITE },
  'GET /api/v1/suggestions/board': { allow: [...STAFF, 'handler'], region: true }, // a handling unit: its own row
  'GET /api/v1/suggestions/report/handlers': { allow: [...STAFF, 'handler'], region: true }, // a handling unit: its own row
  'GET /api/v1/suggestions/report/deputies': { allow: STAFF, region: true },
  'GET /api/v1/suggestions/compilation': { allow: STAFF, region: true, query: 'session=' + encodeURIComponent('松岭镇第5次人民代表大会'), ok: [200, 404] },
  'GET /api/v1/suggestions/sessions': { allow: [...STAFF, 'deputy'], region: true }, // labels and counts of its congress
  'GET /api/v1/suggestions/peers': { allow: ['deputy'] },
  'GET /api/v1/suggestions/:id': { allow: SUGGESTION_READERS, obj: 'suggestion' },
  // Only the lead deputy, or the staff who registered it for the deputy, edits a draft: staff
  // get 403 on someone else's (the object in their scope is not theirs).
  'PUT /api/v1/suggestions/:id': { allow: [...STAFF, 'deputy'], obj: 'suggestion', ok: [...WRITE.ok, 403] },
  'POST /api/v1/suggestions/:id/actions': { allow: SUGGESTION_READERS, obj: 'suggestion', ...WRITE },
  'POST /api/v1/suggestions/batch': { allow: STAFF, ...WRITE },
  'POST /api/v1/suggestions/:id/cosign': { allow: ['deputy'], obj: 'suggestion', ...WRITE },
  'POST /api/v1/suggestions/:id/rating': { allow: ['deputy'], obj: 'suggestion', ...WRITE },
  'GET /api/v1/suggestions/:id/files/:fid': { allow: SUGGESTION_READERS, obj: 'suggestion', ok: [404] },
  'GET /api/v1/motions': { allow: SUGGESTION_READERS, region: true },
  'POST /api/v1/motions': { allow: [...STAFF, 'deputy'], ...WRITE },
  'GET /api/v1/motions/:id': { allow: SUGGESTION_READERS, obj: 'motion' },
  'PUT /api/v1/motions/:id': { allow: [...STAFF, 'deputy'], obj: 'motion', ...WRITE },
  'POST /api/v1/motions/:id/actions': { allow: SUGGESTION_READERS, obj: 'motion', ...WRITE },
  'POST /api/v1/motions/:id/cosign': { allow: ['deputy'], obj: 'motion', ...WRITE },

  'GET /api/v1/meeting-kinds': { allow: EVERYONE },
  'GET /api/v1/meetings': { allow: [...MEETING_READERS, 'deputy'], region: true },
  'POST /api/v1/meetings': { allow: STAFF, ...WRITE },
  'POST /api/v1/meetings/signin': { allow: EVERYONE, ...WRITE },
  // A deputy sees the meetings it is a member of (attendance.c).
  'GET /api/v1/meetings/:id': { allow: [...MEETING_READERS, 'deputy'], obj: 'meeting' },
  'PATCH /api/v1/meetings/:id': { allow: STAFF, obj: 'meeting', ...WRITE },
  'POST /api/v1/meetings/:id/actions': { allow: STAFF, obj: 'meeting', ...WRITE },
  'POST /api/v1/meetings/:id/items': { allow: STAFF, obj: 'meeting', ...WRITE },
  'GET /api/v1/meetings/:id/attendance': { allow: [...MEETING_READERS, 'deputy'], obj: 'meeting' },
  // a deputy member signs in or asks leave for itself (attendance.c's meeting_attend)
  'POST /api/v1/meetings/:id/attendance': { allow: [...STAFF, 'deputy'], obj: 'meeting', ...WRITE },
  'POST /api/v1/meetings/:id/attendance/batch': { allow: STAFF, obj: 'meeting', ...WRITE },
  'POST /api/v1/meetings/:id/votes': { allow: STAFF, obj: 'meeting', ...WRITE },
  'POST /api/v1/meetings/:id/elections': { allow: STAFF, obj: 'meeting', ...WRITE },
  'GET /api/v1/meetings/:id/record': { allow: [...MEETING_READERS, 'deputy'], obj: 'meeting' },
  'GET /api/v1/meetings/:id/export': { allow: [...MEETING_READERS, 'deputy'], obj: 'meeting', query: 'format=csv' },
  'GET /api/v1/meetings/:id/events': { allow: MEETING_READERS, obj: 'meeting', skip: 'an event stream' },
  'GET /api/v1/votes/:id': { allow: [...MEETING_READERS, 'deputy'], obj: 'vote' },
  'POST /api/v1/votes/:id/actions': { allow: STAFF, obj: 'vote', ...WRITE },
  'POST /api/v1/votes/:id/ballots': { allow: ['deputy'], obj: 'vote', ...WRITE },
  'POST /api/v1/votes/:id/tally': { allow: STAFF, obj: 'vote', ...WRITE },
  'GET /api/v1/elections/:id': { allow: [...MEETING_READERS, 'deputy'], obj: 'election' },
  'POST /api/v1/rounds/:id/candidates': { allow: STAFF, obj: 'round', ...WRITE },
  'POST /api/v1/rounds/:id/actions': { allow: STAFF, obj: 'round', ...WRITE },
  'POST /api/v1/rounds/:id/ballots': { allow: ['deputy'], obj: 'round', ...WRITE },
  'POST /api/v1/rounds/:id/paper-issued': { allow: STAFF, obj: 'round', ...WRITE },
  'POST /api/v1/rounds/:id/paper': { allow: STAFF, obj: 'round', ...WRITE },
  // [screen]
  'GET /api/v1/public/screens/:token': { public: true, obj: 'screen', ok: [200] },
  'GET /api/v1/public/screens/:token/events': { public: true, obj: 'screen', skip: 'an event stream' },

  // bookings at stations (booking.c): the citizen's side is public and limited per address (429
  // once this test's calls from one address pass the limit); the staff's side is the stations'
  'GET /api/v1/public/stations/:code/slots': { public: true, obj: 'station_code', ok: [200] },
  'POST /api/v1/public/stations/:code/bookings': { public: true, obj: 'station_code', ok: [400, 429] },
  'POST /api/v1/public/bookings/:code/cancel': { public: true, obj: 'none', ok: [404, 429] },
  // (not the integrations': the citizens' bookings are the stations' own work)
  'GET /api/v1/stations/:id/bookings': { allow: [...STAFF, 'station_staff'], obj: 'station', service: false },
  'GET /api/v1/bookings/:id/personal': { allow: [...STAFF, 'station_staff'], obj: 'booking', service: false },
  'POST /api/v1/bookings/:id/actions': { allow: [...STAFF, 'station_staff'], obj: 'booking', ...WRITE },
  // supervision (supervision.c): staff by region; a handling unit the items it is the body of
  // (and reports on them); a deputy the items it takes part in (read only)
  'GET /api/v1/supervision': { allow: [...STAFF, 'deputy', 'handler'], region: true },
  'POST /api/v1/supervision': { allow: STAFF, ...WRITE },
  'GET /api/v1/supervision/:id': { allow: [...STAFF, 'deputy', 'handler'], obj: 'supervision' },
  'PATCH /api/v1/supervision/:id': { allow: STAFF, obj: 'supervision', ...WRITE },
  'POST /api/v1/supervision/:id/actions': { allow: [...STAFF, 'handler'], obj: 'supervision', ...WRITE },

  // rectification (rectify.c): the congress staff's within their subtree, a handling unit's own
  // problems; verification is the staff's alone (the step refuses the unit: rectify.test.mjs)
  'GET /api/v1/rectifications': { allow: [...STAFF, 'handler'], region: true, service: false },
  'POST /api/v1/rectifications': { allow: STAFF, ...WRITE },
  'GET /api/v1/rectifications/board': { allow: STAFF, region: true, service: false },
  'GET /api/v1/rectifications/problems': { allow: [...STAFF, 'handler'], region: true, service: false },
  'GET /api/v1/rectifications/problems/:id': { allow: [...STAFF, 'handler'], obj: 'problem', service: false },
  'POST /api/v1/rectifications/problems/:id/actions': { allow: [...STAFF, 'handler'], obj: 'problem', ...WRITE },
  'POST /api/v1/rectifications/problems/:id/files': { allow: [...STAFF, 'handler'], obj: 'problem', ...WRITE },
  // file 1 is the in-scope problem's; on the other county's problem it is not there (404)
  'GET /api/v1/rectifications/problems/:id/files/:fid': { allow: [...STAFF, 'handler'], obj: 'problem',
    ok: [200, 404], service: false },
  'GET /api/v1/rectifications/:id': { allow: [...STAFF, 'handler'], obj: 'rectification', service: false },

  // the township budget (budget.c): staff of the subtree; deputies read their own congress's
  // documents past the draft and comment on their lines
  'GET /api/v1/budgets/import/template': { allow: EVERYONE },
  'POST /api/v1/budgets/import': { allow: STAFF, ...WRITE },
  'POST /api/v1/budgets/import/:id/confirm': { allow: STAFF, obj: 'none', ok: [404, 400, 409] },
  'GET /api/v1/budgets': { allow: [...STAFF, 'deputy'], region: true, service: false },
  'GET /api/v1/budgets/:id': { allow: [...STAFF, 'deputy'], obj: 'budget', service: false },
  'POST /api/v1/budgets/:id/execution': { allow: STAFF, obj: 'budget', ...WRITE },
  'POST /api/v1/budgets/:id/actions': { allow: STAFF, obj: 'budget', ...WRITE },
  'GET /api/v1/budgets/:id/comments': { allow: [...STAFF, 'deputy'], obj: 'budget', service: false },
  'POST /api/v1/budgets/:id/comments': { allow: ['deputy'], obj: 'budget', ...WRITE },

  'GET /api/v1/labels': { allow: EVERYONE },
  // the home page: each module counts and finds within the role's own reading rules
  'GET /api/v1/todo': { allow: EVERYONE },
  'GET /api/v1/search': { allow: EVERYONE, query: 'q=' + encodeURIComponent('会议') },
  'GET /api/v1/settings': { allow: EVERYONE, region: true }, // the rules' numbers, nobody's data
  // the auth.* settings are the security administrator's (settings.c)
  'PUT /api/v1/settings': { allow: ['sysadmin', 'secadmin', 'city_staff', 'county_staff'], ...WRITE },
  'GET /api/v1/holidays': { allow: EVERYONE },
  'PUT /api/v1/holidays': { allow: ['sysadmin', 'city_staff'], ...WRITE }, // settings.c's holidays_put

  // livelihood projects (project.c): the public page is a look-up limited per address (429)
  'GET /api/v1/public/projects': { public: true, query: `region=${A_TOWN}&year=${YEAR}`, ok: [200, 429] },
  'GET /api/v1/projects': { allow: PROJECT_READERS, region: true, service: false },
  'POST /api/v1/projects': { allow: STAFF, ...WRITE },
  'GET /api/v1/projects/labels': { allow: EVERYONE }, // the states' and reasons' names
  'GET /api/v1/projects/candidates': { allow: PROJECT_READERS, region: true, service: false,
    query: `region=${A_TOWN}&year=${YEAR}&choose=2` },
  'POST /api/v1/projects/votes': { allow: STAFF, ...WRITE },
  'POST /api/v1/projects/votes/:id/result': { allow: STAFF, obj: 'none', ok: [404] },
  'GET /api/v1/projects/:id': { allow: PROJECT_READERS, obj: 'project', service: false },
  'POST /api/v1/projects/:id/actions': { allow: PROJECT_READERS, obj: 'project', ...WRITE },
  'GET /api/v1/projects/:id/photos/:n': { allow: PROJECT_READERS, obj: 'project', ok: [404], service: false },
};
void GETOK;

let srv, routes;
const S = {}; // role → session
const IN = {}; // role → kind → id in the actor's scope
const OUT = {}; // kind → id in the other county
const MARKERS = []; // strings only the other county's data carries
const MINE = {}; // handler, deputy → the codes of the opinions and suggestions they may read

async function ok(r, what) {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  routes = JSON.parse(renda(['routes']));
  const db = freshDb();
  renda(['demo', '--db', db.url, '--size', 'small', '--seed', '1']);
  for (const [u, role, region] of [['c.admin', 'sysadmin', A], ['c.sec', 'secadmin', A], ['c.audit', 'auditor', A],
    ['b.staff', 'county_staff', B], ['a.victim', 'station_staff', A_TOWN]])
    renda(['user', 'add', '--db', db.url, '--username', u, '--role', role, '--region', region], PASSWORD + '\n');
  srv = await startServer({ dbUrl: db.url, demo: false });
  for (const role of ROLES.filter((r) => r !== 'anonymous' && r !== 'service')) {
    let s = await login(srv, ACTOR[role]);
    if (s.user.must_change_password) {
      await ok(await api(srv, 'POST', '/api/v1/session/password', { session: s,
        body: { old_password: PASSWORD, new_password: PASSWORD + 'x' } }), 'password ' + role);
      s = await login(srv, ACTOR[role], PASSWORD + 'x');
    }
    S[role] = s;
  }
  {
    const svc = await ok(await api(srv, 'POST', '/api/v1/accounts', { session: S.secadmin,
      body: { username: 'a.svc', display_name: '对接平台', role: 'service', region_code: A } }), 'service account');
    const t = await ok(await api(srv, 'POST', '/api/v1/tokens', { session: S.secadmin,
      body: { account_id: svc.account.id, name: '范围测试', scopes: ['read', 'opinion_intake'] } }), 'token');
    S.service = { token: t.secret };
  }
  const city = S.city_staff;
  const get = async (s, path) => ok(await api(srv, 'GET', path, { session: s }), path);
  const post = async (s, path, body) => ok(await api(srv, 'POST', path, { session: s, body }), path);
  const first = async (s, path) => (await get(s, path)).items[0];

  // The other county's objects, some made here for it.
  const bOpinion = await first(city, `/api/v1/opinions?region=${B}`);
  const bStation = await first(city, `/api/v1/stations?region=${B}`);
  const bHandler = await first(city, `/api/v1/handlers?region=${B}`);
  const bDeputy = await first(city, `/api/v1/deputies?region=${B}`);
  const bDeputyFull = (await get(city, `/api/v1/deputies/${bDeputy.id}`)).deputy;
  const citySec = await login(srv, 'secadmin');
  const bAccount = (await get(citySec, '/api/v1/accounts?q=b.staff')).items[0];
  const bMeeting = (await post(city, '/api/v1/meetings', { kind: 'session', title: '东城区外域会议', region_code: B,
    level: 'county', term: 18, starts_on: '2026-06-10', place: '外域会场' })).meeting;
  const bVote = (await post(city, `/api/v1/meetings/${bMeeting.id}/votes`, { title: '外域决议', recorded: true })).vote;
  const bElection = (await post(city, `/api/v1/meetings/${bMeeting.id}/elections`, { office: '外域副区长', office_kind: 'vice', seats: 1 })).election;
  const bGroup = (await post(city, '/api/v1/groups', { region_code: B, name: '外域代表小组' })).group;
  const bSugg = (await post(city, '/api/v1/suggestions', { deputy_id: bDeputy.id, title: '关于外域道路的建议',
    body: '外域道路需要维修，建议尽快安排。' })).suggestion;
  const bMotion = (await post(city, '/api/v1/motions', { deputy_id: bDeputy.id, title: '关于外域河道的议案',
    body: '外域河道需要保护，建议制定办法。' })).suggestion;
  // a booking at a station of each county, on a reception day added for it
  const booking = async (st) => {
    const today = (await get(city, `/api/v1/stations/${st.id}/calendar`)).from;
    const d = new Date(today + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + 3);
    const date = d.toISOString().slice(0, 10);
    await post(city, `/api/v1/stations/${st.id}/rules`, { kind: 'once', date, start_time: '06:00', end_time: '07:00' });
    const b = await post(null, `/api/v1/public/stations/${st.public_code}/bookings`,
      { date, start_time: '06:00', name: '范围', phone: '13900009999', consent: true });
    return (await get(city, `/api/v1/stations/${st.id}/bookings?date=${date}`)).items.find((x) => x.code === b.booking.code).id;
  };
  // a rectification of an opinion in each county: the other county's to its own unit, this
  // township's to the handler account's unit, with an evidence file (file 1) on this one's problem
  const rectify = async (region, opinion, handlerId, title) => {
    const d = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
    return (await post(city, '/api/v1/rectifications', { source_kind: 'opinion', source_id: opinion, title,
      region_code: region, problems: [{ description: '问题一：整改不到位', handler_id: handlerId, deadline: d }] })).rectification;
  };
  const aRect = await rectify(A_TOWN, (await first(city, `/api/v1/opinions?region=${A_TOWN}`)).id,
    S.handler.user.handler_id, '本镇整改事项');
  await post(city, `/api/v1/rectifications/problems/${aRect.problems[0].id}/files`,
    { files: [{ name: '佐证.pdf', data: Buffer.from('%PDF-1.4 test').toString('base64') }] });
  const bRect = await rectify(B, bOpinion.id, bHandler.id, '外域整改事项');
  const aStation0 = await first(city, `/api/v1/stations?region=${A_TOWN}`);
  const bBooking = await booking(bStation), aBooking = await booking(aStation0);
  Object.assign(OUT, {
    region: B, booking: bBooking, opinion: bOpinion.id, opinion_code: bOpinion.tracking_code, station: bStation.id,
    station_code: bStation.public_code, handler: bHandler.id, deputy: bDeputy.id,
    mandate: bDeputyFull.mandates[0].id, account: bAccount.id, meeting: bMeeting.id, vote: bVote.id,
    election: bElection.id, round: bElection.rounds[0].id, screen: bMeeting.screen_token, group: bGroup.id,
    suggestion: bSugg.id, motion: bMotion.id, token: 999999, none: 999999,
    supervision: (await first(city, `/api/v1/supervision?region=${B}`)).id,
    project: (await first(city, `/api/v1/projects?region=${B}`)).id,
    rectification: bRect.id, problem: bRect.problems[0].id,
    budget: (await first(city, `/api/v1/budgets?region=${B}`)).id,
  });
  MARKERS.push('"' + B, '/' + B + '/', '东城区', '外域', 'b.staff', bOpinion.tracking_code, bStation.name, bHandler.name,
    bSugg.code, bMotion.code);

  // This county's objects: the township's, then each role's own where it has its own.
  const unit = S.unit_staff;
  const aMeeting = (await post(unit, '/api/v1/meetings', { kind: 'session', title: '本镇会议', region_code: A_TOWN,
    term: 18, starts_on: '2026-06-10', place: '镇政府' })).meeting;
  const aVote = (await post(unit, `/api/v1/meetings/${aMeeting.id}/votes`, { title: '本镇决议', recorded: true })).vote;
  const aElection = (await post(unit, `/api/v1/meetings/${aMeeting.id}/elections`, { office: '副镇长', office_kind: 'vice', seats: 1 })).election;
  const aDeputy = (await get(city, `/api/v1/deputies/${S.deputy.user.deputy_id || (await first(city, `/api/v1/deputies?region=${A_TOWN}`)).id}`)).deputy;
  const aStation = await first(city, `/api/v1/stations?region=${A_TOWN}`);
  const dflt = {
    region: A_TOWN, opinion: (await first(city, `/api/v1/opinions?region=${A_TOWN}`)).id,
    opinion_code: (await first(city, `/api/v1/opinions?region=${A_TOWN}`)).tracking_code,
    station: aStation.id, station_code: aStation.public_code, booking: aBooking,
    handler: (await first(city, `/api/v1/handlers?region=${A}`)).id, deputy: aDeputy.id, mandate: aDeputy.mandates[0].id,
    account: (await get(citySec, '/api/v1/accounts?q=a.victim')).items[0].id,
    meeting: aMeeting.id, vote: aVote.id, election: aElection.id, round: aElection.rounds[0].id,
    screen: aMeeting.screen_token, group: (await first(city, `/api/v1/groups?region=${A_TOWN}`)).id,
    suggestion: (await first(city, `/api/v1/suggestions?region=${A_TOWN}`)).id,
    motion: (await first(unit, `/api/v1/motions?region=${A_TOWN}`) || {}).id,
    supervision: (await first(city, `/api/v1/supervision?region=${A_TOWN}`)).id,
    project: (await first(city, `/api/v1/projects?region=${A_TOWN}`)).id,
    rectification: aRect.id, problem: aRect.problems[0].id,
    budget: (await first(city, `/api/v1/budgets?region=${A_TOWN}`)).id,
    token: 999999, none: 999999,
  };
  for (const role of ROLES) {
    IN[role] = { ...dflt };
    if (role === 'anonymous') continue;
    for (const [kind, path] of [['opinion', '/api/v1/opinions'], ['suggestion', '/api/v1/suggestions'],
      ['motion', '/api/v1/motions'], ['station', '/api/v1/stations'], ['meeting', '/api/v1/meetings'],
      ['handler', '/api/v1/handlers'], ['group', '/api/v1/groups'], ['supervision', '/api/v1/supervision'],
      ['project', '/api/v1/projects']]) {
      const r = await api(srv, 'GET', path + '?per_page=1', role === 'service' ? { token: S.service.token } : { session: S[role] });
      if (r.status === 200 && r.json.items.length) IN[role][kind] = r.json.items[0].id;
    }
  }

  // Two reports of the same thing in the deputy's township: one at a station it serves, one at a
  // station it does not: the second is similar to the first, and not the deputy's to read.
  const depId = S.deputy.user.deputy_id;
  let served, other;
  for (const st of (await get(S.county_staff, `/api/v1/stations?region=${A_TOWN}&per_page=100`)).items) {
    const d = (await get(S.county_staff, `/api/v1/stations/${st.id}`)).station;
    if (d.deputies.some((x) => x.id === depId)) served ??= st.id; else other ??= st.id;
  }
  const same = '松岭镇中心小学门口的红绿灯坏了三天，早晚接送孩子的家长和学生过马路很危险，请尽快修好';
  await post(S.county_staff, '/api/v1/opinions', { station_id: other, body: same, channel: 'visit' });
  await post(S.deputy, '/api/v1/opinions', { station_id: served, body: same + '。', channel: 'visit' });

  // What a handling unit and a deputy may see is decided by whom they act for: every opinion's
  // tracking code and every suggestion's code they may read, from their own lists.
  for (const role of ['handler', 'deputy']) {
    const codes = new Set();
    for (const [path, field] of [['/api/v1/opinions', 'tracking_code'], ['/api/v1/suggestions', 'code'], ['/api/v1/motions', 'code']])
      for (let page = 1; ; page++) {
        const r = await get(S[role], `${path}?per_page=100&page=${page}`);
        for (const it of r.items) codes.add(it[field]);
        if (page * 100 >= r.total) break;
      }
    MINE[role] = codes;
  }
});

after(async () => { if (srv) await srv.stop(); });

function fill(pattern, ids) {
  return pattern.replace(/:([a-z]+)/g, (m, name) => {
    if (name === 'n' || name === 'fid' || name === 'rule') return '1';
    if (name === 'date') return '2026-06-10';
    return encodeURIComponent(String(ids));
  });
}

function leaks(role, text) {
  const found = MARKERS.filter((m) => m && text.includes(m));
  if (MINE[role])
    for (const m of text.matchAll(/"(?:tracking_code|code)":"([0-9A-Z]{12}|(?:JY|YA)\d{4}-\d{6})"/g))
      if (!MINE[role].has(m[1])) found.push(m[1]);
  return found;
}

test('every route of the binary has a scope expectation', () => {
  const missing = routes.filter((r) => !EXPECT[`${r.method} ${r.pattern}`]).map((r) => `${r.method} ${r.pattern}`);
  assert.deepEqual(missing.map((k) => `no scope expectation for ${k}`), []);
  const stale = Object.keys(EXPECT).filter((k) => !routes.some((r) => `${r.method} ${r.pattern}` === k));
  assert.deepEqual(stale.map((k) => `expectation for a route that does not exist: ${k}`), []);
});

test('every role × route × scope: the status, and no data of the other county', async () => {
  const failures = [];
  let calls = 0;
  const call = async (role, rt, path, body) => {
    calls++;
    const opts = role === 'anonymous' ? {} : role === 'service' ? { token: S.service.token } : { session: S[role] };
    if (rt.body || rt.body_optional) opts.body = body ?? {};
    if (rt.raw) opts.body = 'x', opts.headers = { 'Content-Type': 'text/csv' };
    return api(srv, rt.method, path, opts);
  };
  for (const rt of routes) {
    const key = `${rt.method} ${rt.pattern}`;
    const x = EXPECT[key];
    if (!x || x.skip) continue;
    const okStatuses = x.ok || (rt.method === 'GET' ? [200] : [200, 201, 204, 400, 409]);
    const q = x.query ? '?' + x.query : '';
    for (const role of ROLES) {
      const allowed = x.public || (role === 'service' ? serviceAllowed(key, x) : (x.allow || []).includes(role));
      const whole = WHOLE_CITY.has(role);
      const check = (r, what, want, open = false) => {
        if (!want.includes(r.status)) failures.push(`${role} ${key} ${what}: ${r.status}, expected ${want.join('/')}: ${r.text.slice(0, 200)}`);
        const found = whole || open || x.public ? [] : leaks(role, r.text);
        if (found.length) failures.push(`${role} ${key} ${what}: the other county's ${found.join(', ')} in ${r.text.slice(0, 300)}`);
      };
      const denied = role === 'anonymous' && !x.public ? [401] : x.bodyFirst ? [400, 403, 404] : [403, 404];
      if (!x.obj) {
        if (rt.method !== 'GET' && !x.public && !allowed && role !== 'anonymous') {
          check(await call(role, rt, rt.pattern), 'collection', x.bodyFirst ? [400, 403] : [403]);
          continue;
        }
        check(await call(role, rt, rt.pattern + q), 'collection', allowed ? okStatuses : denied);
        if (x.region && allowed && !whole) {
          const param = x.region === true ? 'region' : x.region;
          const rest = (x.query || '').split('&').filter((kv) => kv && !kv.startsWith(param + '=')).join('&');
          const r = await call(role, rt, `${rt.pattern}?${rest ? rest + '&' : ''}${param}=${B}`);
          check(r, 'foreign region filter', [403]);
          if (r.status === 403 && r.json?.error?.code !== 'out_of_scope')
            failures.push(`${role} ${key} foreign region filter: ${r.json?.error?.code}, expected out_of_scope`);
        }
        continue;
      }
      const mine = IN[role][x.obj];
      if (mine !== undefined && !(x.safe === 'denied-only' && allowed)) {
        const want = allowed ? okStatuses : denied;
        check(await call(role, rt, fill(rt.pattern, mine) + q), 'in scope', want);
      }
      const theirs = OUT[x.obj];
      if (x.public) {
        check(await call(role, rt, fill(rt.pattern, theirs) + q), 'other county', okStatuses, true);
        continue;
      }
      // the other county is a whole-city role's own: a delete would really remove it
      if (x.safe === 'denied-only' && allowed && whole) continue;
      const want = role === 'anonymous' ? [401] : allowed && whole ? okStatuses
        : allowed ? (x.bodyFirst ? [400, x.out || 404] : [x.out || 404]) : denied;
      check(await call(role, rt, fill(rt.pattern, theirs) + q), 'other county', want);
    }
  }
  assert.ok(calls > 500, `only ${calls} calls`);
  if (process.env.SCOPE_OUT) (await import("node:fs")).writeFileSync(process.env.SCOPE_OUT, failures.join("\n") + "\n");
  assert.deepEqual(failures, []);
});

// The leak this test was written for: the similar items of an opinion listed other handling
// units' opinions to a handling unit, and other stations' to a deputy.
test('similar opinions: only those the actor may read, for a handling unit and a deputy', async () => {
  for (const role of ['handler', 'deputy']) {
    const mine = (await api(srv, 'GET', '/api/v1/opinions?per_page=100', { session: S[role] })).json.items;
    let probed = 0;
    for (const o of mine) {
      const staff = await api(srv, 'GET', `/api/v1/opinions/${o.id}/similar`, { session: S.county_staff });
      assert.equal(staff.status, 200, staff.text);
      const foreign = staff.json.items.filter((x) => !MINE[role].has(x.tracking_code));
      if (!foreign.length) continue;
      probed++;
      const r = await api(srv, 'GET', `/api/v1/opinions/${o.id}/similar`, { session: S[role] });
      assert.equal(r.status, 200, r.text);
      for (const x of r.json.items) assert.ok(MINE[role].has(x.tracking_code), `${role} sees ${x.tracking_code}`);
      for (const x of foreign) assert.ok(!r.text.includes(x.tracking_code), `${role} sees ${x.tracking_code}`);
      for (const x of foreign) {
        // and the direct read of each is refused, the same rule
        const d = await api(srv, 'GET', `/api/v1/opinions/${x.id}`, { session: S[role] });
        assert.equal(d.status, 404, d.text);
      }
      if (probed >= 3) break;
    }
    assert.ok(probed > 0, `no opinion of the ${role} has similar ones it may not read: the fixture proves nothing`);
  }
});
