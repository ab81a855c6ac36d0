// Drives every route of the JSON API through Stoplight Prism (a validating
// proxy in front of a real server; tests/suites/openapi.sh starts both) with
// good and bad requests. Prism reports what breaks docs/openapi.json in the
// sl-violations header of each answer: any violation of a response, any 5xx,
// or any violation of a request meant to be good fails the check.
// Usage: node openapi_drive.mjs PRISM_URL DB_URL CASES_JSONL
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [base, db, casesFile] = process.argv.slice(2);
const ck = 'build/casekeeper';
let passed = 0, failed = 0;
const today = new Date().toISOString().slice(0, 10);
const addDays = (d, n) => new Date(Date.parse(d) + n * 86400000).toISOString().slice(0, 10);

function cli(...args) {
  return execFileSync(ck, [...args, '--db', db], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

// The organisation and a case to work on, from the generated files.
const org = readFileSync(casesFile.replace(/cases-\d+\.jsonl$/, 'organisation.jsonl'), 'utf8').trim().split('\n').map(JSON.parse);
const cases = readFileSync(casesFile, 'utf8').trim().split('\n').map(JSON.parse);
const teamOf = (code) => org.find((r) => r.kind === 'team' && r.code === code);
const staff = org.filter((r) => r.kind === 'staff' && r.status === 'in_post');
const kase = cases.find((c) => c.team && c.events.length && staff.filter((s) => s.team === c.team && s.grade === 'PO').length >= 2);
const team = teamOf(kase.team), pdu = team.pdu;
const region = org.find((r) => r.kind === 'pdu' && r.code === pdu).region;
const inPdu = (grade) => staff.find((s) => s.grade === grade && teamOf(s.team).pdu === pdu);
const [po, po2] = staff.filter((s) => s.team === kase.team && s.grade === 'PO');
const vloStaff = staff.find((s) => s.grade === 'VLO' && org.find((r) => r.kind === 'pdu' && r.code === teamOf(s.team).pdu).region === region);

// Accounts and tokens, one per role the routes need.
const tokens = {};
function account(name, role, code, scopes) {
  cli('user', 'add', name, '--role', role, ...(code ? ['--staff', code] : []), '--no-password');
  tokens[name] = cli('token', 'add', '--user', name, '--scope', scopes);
}
account('oa.admin', 'admin', null, 'user:admin');
account('oa.po', 'practitioner', po.code, 'case:read,case:write,check:write');
account('oa.hop', 'head_of_pdu', inPdu('head_of_pdu').code, 'case:read,allocate,workforce:read,inspection:read,inspection:write,qa');
account('oa.co', 'court_officer', inPdu('court_officer').code, 'case:read,case:create');
account('oa.vlo', 'vlo', vloStaff.code, 'case:read,victim:read,victim:write');
account('oa.qa', 'qa', null, 'case:read,qa');
const password = 'openapi suite passphrase';
execFileSync(ck, ['user', 'add', 'oa.signin', '--role', 'qa', '--password-stdin', '--db', db], { input: password + '\n', stdio: ['pipe', 'pipe', 'pipe'] });

async function call(name, who, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (who) headers.Authorization = 'Bearer ' + (tokens[who] || who);
  let body = opts.body;
  if (body !== undefined && typeof body !== 'string') body = JSON.stringify(body);
  if (body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(base + path, { method, headers, body, redirect: 'manual' });
  } catch (e) {
    failed++;
    console.log(`not ok ${name}: no answer (${e.message})`);
    return { status: 0 };
  }
  const text = await res.text();
  const violations = JSON.parse(res.headers.get('sl-violations') || '[]');
  const problems = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  for (const v of violations) {
    const where = v.location.join('.');
    if (v.location[0] === 'response' || !opts.bad) problems.push(`${where}: ${v.message}`);
  }
  const expect = [].concat(opts.expect || []);
  if (expect.length && !expect.includes(res.status)) problems.push(`status ${res.status}, expected ${expect.join(' or ')}`);
  if (problems.length) {
    failed++;
    console.log(`not ok ${name} (${method} ${path.split('?')[0]} ${res.status}): ${problems.join('; ')}`);
    if (process.env.CK_OPENAPI_VERBOSE) console.log(text.slice(0, 2000));
  } else {
    passed++;
    console.log(`ok ${name} (${res.status})`);
  }
  let json = null;
  try { json = JSON.parse(text); } catch { /* CSV, HTML, empty */ }
  return { status: res.status, json, headers: res.headers };
}

const crn = kase.crn, E = kase.events[0].id, C = '/api/v1/cases/' + crn;

// Service, session and accounts.
await call('health', null, 'GET', '/health', { expect: 200 });
await call('the document', null, 'GET', '/api/v1/openapi.json', { expect: 200 });
await call('sign in, wrong password', null, 'POST', '/api/v1/session', { body: { username: 'oa.signin', password: 'not it at all' }, expect: 401 });
await call('sign in, no password', null, 'POST', '/api/v1/session', { body: { username: 'oa.signin' }, expect: 400, bad: true });
const signin = await call('sign in', null, 'POST', '/api/v1/session', { body: { username: 'oa.signin', password }, expect: 200 });
const cookie = (signin.headers?.get('set-cookie') || '').split(';')[0];
await call('the session, by cookie', null, 'GET', '/api/v1/session', { headers: { Cookie: cookie }, expect: 200 });
await call('the session, by token', 'oa.po', 'GET', '/api/v1/session', { expect: 200 });
await call('sign out without the CSRF token', null, 'DELETE', '/api/v1/session', { headers: { Cookie: cookie }, expect: 403 });
await call('sign out', 'oa.qa', 'DELETE', '/api/v1/session', { expect: 204 });
await call('accounts', 'oa.admin', 'GET', '/api/v1/users', { expect: 200 });
await call('accounts, not an admin', 'oa.po', 'GET', '/api/v1/users', { expect: 403 });
await call('accounts, no caller', null, 'GET', '/api/v1/users', { expect: 401, bad: true });

// Cases.
await call('search', 'oa.po', 'GET', '/api/v1/cases?q=' + crn.slice(0, 3) + '&limit=5&offset=0', { expect: 200 });
await call('search, limit out of range', 'oa.po', 'GET', '/api/v1/cases?limit=0', { expect: 400, bad: true });
const got = await call('a case', 'oa.po', 'GET', C, { expect: 200 });
const etag = got.headers?.get('etag');
await call('a case, no such CRN', 'oa.po', 'GET', '/api/v1/cases/Z999999', { expect: 404 });
await call('replace, no If-Match', 'oa.po', 'PUT', C, { body: got.json, expect: 428, bad: true });
await call('replace, weak tag', 'oa.po', 'PUT', C, { body: got.json, headers: { 'If-Match': 'W/' + etag }, expect: 400 });
await call('replace, CRN differs', 'oa.po', 'PUT', C, { body: { ...got.json, crn: 'Z999998' }, headers: { 'If-Match': etag }, expect: 400 });
await call('replace', 'oa.po', 'PUT', C, { body: got.json, headers: { 'If-Match': etag }, expect: 200 });
await call('replace, stale', 'oa.po', 'PUT', C, { body: got.json, headers: { 'If-Match': etag }, expect: 412 });
await call('replace, unknown key', 'oa.po', 'PUT', C, { body: { ...got.json, nickname: 'x' }, headers: { 'If-Match': '*' }, expect: 400, bad: true });
await call('create, CRN exists', 'oa.co', 'POST', '/api/v1/cases', { body: kase, expect: 409 });
const fresh = { crn: 'Z900001', team: kase.team, person: { forename: 'Oa', surname: 'Suite' }, events: [{ id: 'E1', offences: [{ id: 'O1', category: 'theft', main: true }],
  sentence: { type: 'community_order', date: addDays(today, -30), end_date: addDays(today, 335) } }] };
await call('create', 'oa.co', 'POST', '/api/v1/cases', { body: fresh, expect: 201 });
await call('create, not JSON', 'oa.co', 'POST', '/api/v1/cases', { body: 'crn=Z1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, expect: 415, bad: true });
await call('create, bad vocabulary', 'oa.co', 'POST', '/api/v1/cases', { body: { ...fresh, crn: 'Z900002', person: { gender: 'Q' } }, expect: 400, bad: true });
await call('create, not a writer', 'oa.po', 'POST', '/api/v1/cases', { body: { ...fresh, crn: 'Z900003' }, expect: 403 });
await call('obligations', 'oa.po', 'GET', C + '/obligations?all=true&as_of=' + today, { expect: 200 });
await call('obligations, bad date', 'oa.po', 'GET', C + '/obligations?as_of=yesterday', { expect: 400, bad: true });
await call('activity log', 'oa.po', 'GET', C + '/contacts?q=appointment&hide_system=true&limit=10', { expect: 200 });
await call('activity log, filtered', 'oa.po', 'GET', C + `/contacts?from=${addDays(today, -365)}&to=${today}&compliance=failures&category=Appointments`, { expect: [200, 400] });
await call('activity log, bad type', 'oa.po', 'GET', C + '/contacts?type=NOPE', { expect: 400 });
await call('activity log, to before from', 'oa.po', 'GET', C + `/contacts?from=${today}&to=${addDays(today, -1)}`, { expect: 400 });

// Records: one of each list, then the same id again (409).
const recs = [
  ['contacts', 'oa.po', { id: 'OA1', event: E, date: addDays(today, 7), type: 'COAP', national_standard: true, appointment: true }],
  ['registrations', 'oa.po', { id: 'OAG1', type: 'ADVP', date: today, next_review: addDays(today, 90) }],
  ['registration_decisions', 'oa.po', { id: 'OARD1', type: 'NOTMAPPA', date: today, reason: 'No qualifying offence' }],
  ['checks', 'oa.po', { id: 'OAK1', kind: 'police_da', requested: today }],
  ['assessments', 'oa.po', { id: 'OAAS1', kind: 'sentence_plan', completed: today }],
  ['changes', 'oa.po', { id: 'OACH1', date: today, kind: 'arrest', note: 'Arrested on suspicion' }],
  ['decisions', 'oa.po', { id: 'OAD1', rule: 'DA_FLAG_DECISION', subject: 'check:OAK1', date: today, reason: 'Nothing relevant' }],
  ['enforcement', 'oa.po', { id: 'OAEN1', event: E, date: today, action: 'no_further_action', reason: 'Acceptable absence' }],
  ['breaches', 'oa.po', { id: 'OAB1', event: E, initiated: today }],
  ['recalls', 'oa.po', { id: 'OAR1', event: E, date: today }],
  ['allocations', 'oa.hop', { id: 'OAAL1', from: today, staff_code: po.code, grade: 'PO' }],
  ['victims', 'oa.vlo', { id: 'OAV1', event: E, referred: today, scheme: 'statutory', name: 'Alex Sample' }],
];
for (const [list, who, rec] of recs) {
  await call('add to ' + list, who, 'POST', `${C}/${list}`, { body: rec, expect: [201, 400, 409] });
  await call('add to ' + list + ', id exists', who, 'POST', `${C}/${list}`, { body: rec, expect: [400, 409] });
  await call('add to ' + list + ', unknown key', who, 'POST', `${C}/${list}`, { body: { ...rec, nonsense: 1 }, expect: 400, bad: true });
}
await call('add a contact, stale If-Match', 'oa.po', 'POST', C + '/contacts', { body: { id: 'OA2', event: E, date: today, type: 'COAP' }, headers: { 'If-Match': '"1"' }, expect: 412 });
await call('add a victim, not victim liaison', 'oa.po', 'POST', C + '/victims', { body: { id: 'OAV2', event: E }, expect: 403 });
await call('record an outcome', 'oa.po', 'PATCH', C + '/contacts/OA1', { body: { outcome: 'ATTC', outcome_on: addDays(today, 7) }, headers: { 'Content-Type': 'application/merge-patch+json' }, expect: [200, 400] });
await call('change a contact, no such id', 'oa.po', 'PATCH', C + '/contacts/NOPE', { body: { notes: 'x' }, expect: 404 });
await call('change a contact, its id', 'oa.po', 'PATCH', C + '/contacts/OA1', { body: { id: 'OA9' }, expect: 400 });
await call('record a check reply', 'oa.po', 'PATCH', C + '/checks/OAK1', { body: { received: today, relevant_information: false }, expect: 200 });
await call('review a registration', 'oa.po', 'POST', C + '/registrations/OAG1/reviews', { body: { date: today, next_review: addDays(today, 90) }, expect: 201 });
await call('review, next before date', 'oa.po', 'POST', C + '/registrations/OAG1/reviews', { body: { date: today, next_review: addDays(today, -1) }, expect: 400 });
await call('worklist by staff', 'oa.po', 'GET', '/api/v1/worklist?staff=' + po.code, { expect: 200 });
await call('worklist by team', 'oa.po', 'GET', `/api/v1/worklist?team=${kase.team}&status=overdue,open,met_late,met&limit=500`, { expect: 200 });
await call('worklist by PDU', 'oa.hop', 'GET', `/api/v1/worklist?pdu=${pdu}&as_of=${today}`, { expect: 200 });
await call('worklist, no unit', 'oa.po', 'GET', '/api/v1/worklist', { expect: 400 });
await call('worklist, no caller', null, 'GET', '/api/v1/worklist?staff=' + po.code, { expect: 401, bad: true });
await call('events from the start', 'oa.po', 'GET', '/api/v1/events?limit=20', { expect: 200 });
await call('events after an id', 'oa.hop', 'GET', '/api/v1/events?after=5&limit=1000', { expect: 200 });
await call('events, limit too big', 'oa.po', 'GET', '/api/v1/events?limit=5000', { expect: 400, bad: true });
await call('events, no caller', null, 'GET', '/api/v1/events', { expect: 401, bad: true });
await call('events as an administrator: account events, a subject in place of a CRN', 'oa.admin', 'GET', '/api/v1/events?limit=1000', { expect: 200 });

// Managing the service.
const M = '/api/v1/manage';
await call('workforce by PDU', 'oa.hop', 'GET', `${M}/workforce?pdu=${pdu}`, { expect: 200 });
await call('workforce as CSV', 'oa.hop', 'GET', `${M}/workforce?pdu=${pdu}&format=csv`, { expect: 200 });
await call('workforce, no unit', 'oa.hop', 'GET', `${M}/workforce`, { expect: 400 });
await call('workforce, not a manager', 'oa.po', 'GET', `${M}/workforce?pdu=${pdu}`, { expect: 403 });
await call('a practitioner', 'oa.hop', 'GET', `${M}/workforce/staff/${po.code}?as_of=${today}`, { expect: 200 });
await call('a practitioner, no such code', 'oa.hop', 'GET', `${M}/workforce/staff/NOPE`, { expect: [403, 404] });
await call('allocation board', 'oa.hop', 'GET', `${M}/allocations?pdu=${pdu}&candidates=3`, { expect: 200 });
await call('allocation board, a team', 'oa.hop', 'GET', `${M}/allocations?pdu=${pdu}&team=${kase.team}`, { expect: 200 });
await call('allocation board, no PDU', 'oa.hop', 'GET', `${M}/allocations`, { expect: 400, bad: true });
await call('allocate', 'oa.hop', 'POST', `${M}/allocations`, { body: { crn: 'Z900001', staff_code: po.code, reason: 'Fits the caseload' }, expect: [201, 409] });
await call('allocate, unknown key', 'oa.hop', 'POST', `${M}/allocations`, { body: { crn, staff: po.code }, expect: 400, bad: true });
await call('reallocate a caseload', 'oa.hop', 'POST', `${M}/staff/${po2.code}/reallocate`, { body: { to: po.code }, expect: [200, 409] });
await call('reallocate, no such staff', 'oa.hop', 'POST', `${M}/staff/NOPE/reallocate`, { body: {}, expect: [403, 404, 409] });
await call('leaving', 'oa.hop', 'POST', `${M}/staff/${po2.code}/leaving`, { body: { kind: 'long_term_absence', date: today }, expect: 200 });
await call('leaving, in the future', 'oa.hop', 'POST', `${M}/staff/${po2.code}/leaving`, { body: { kind: 'left', date: addDays(today, 3) }, expect: 400 });
await call('inspection', 'oa.hop', 'GET', `${M}/inspection?pdu=${pdu}`, { expect: 200 });
await call('inspection of a region, outside the PDU', 'oa.hop', 'GET', `${M}/inspection?region=${region}&from=${addDays(today, -200)}&to=${addDays(today, -1)}`, { expect: 403 });
await call('inspection as CSV', 'oa.hop', 'GET', `${M}/inspection?pdu=${pdu}`, { headers: { Accept: 'text/csv' }, expect: 200 });
await call('inspection, bad format', 'oa.hop', 'GET', `${M}/inspection?pdu=${pdu}&format=xml`, { expect: 400, bad: true });
await call('failing cases', 'oa.hop', 'GET', `${M}/inspection/failures?pdu=${pdu}&key_question=A1`, { expect: 200 });
await call('failing cases, bad key question', 'oa.hop', 'GET', `${M}/inspection/failures?pdu=${pdu}&key_question=Z9`, { expect: 400, bad: true });
await call('inspection history', 'oa.hop', 'GET', `${M}/inspection/history?pdu=${pdu}&months=3`, { expect: 200 });
await call('rate a standard', 'oa.hop', 'POST', `${M}/inspection/organisational`, { body: { pdu, standard: 'leadership', rating: 'good', evidence: 'Staff survey', entered_by: 'oa.hop' }, expect: 201 });
await call('rate a standard, bad rating', 'oa.hop', 'POST', `${M}/inspection/organisational`, { body: { pdu, standard: 'leadership', rating: 'fine', evidence: 'x', entered_by: 'x' }, expect: 400, bad: true });
const sample = await call('draw a sample', 'oa.qa', 'POST', `${M}/qa/samples`, { body: { pdu, per_team: 2, from: addDays(today, -365), to: today, seed: 7, drawn_by: 'oa.qa' }, expect: 201 });
const sid = sample.json?.sample_id;
await call('samples', 'oa.qa', 'GET', `${M}/qa/samples?pdu=${pdu}`, { expect: 200 });
await call('a sample', 'oa.qa', 'GET', `${M}/qa/samples/${sid}`, { expect: 200 });
await call('a sample, not a number', 'oa.qa', 'GET', `${M}/qa/samples/abc`, { expect: 404 });
const sampled = sample.json?.cases?.[0]?.crn || crn;
await call('answer', 'oa.qa', 'POST', `${M}/qa/samples/${sid}/answers`, { body: { crn: sampled, question: 'assessment', sufficient: false, note: 'No plan', answered_by: 'oa.qa' }, expect: 201 });
await call('answer, case not sampled', 'oa.qa', 'POST', `${M}/qa/samples/${sid}/answers`, { body: { crn: 'Z999999', question: 'planning', sufficient: true, answered_by: 'oa.qa' }, expect: 404 });
await call('disagreements', 'oa.qa', 'GET', `${M}/qa/samples/${sid}/disagreements`, { expect: 200 });

// GOV.UK Notify's receipts (the server has a callback token: CK_OPENAPI_NOTIFY).
const notify = process.env.CK_OPENAPI_NOTIFY;
await call('delivery receipt, wrong token', 'wrong-token', 'POST', '/notify/callback', { body: { id: 'n1', status: 'delivered' }, expect: 401 });
await call('delivery receipt, unknown notification', notify, 'POST', '/notify/callback', { body: { id: 'n1', reference: 'x', status: 'delivered' }, expect: [204, 404] });
await call('delivery receipt, no status', notify, 'POST', '/notify/callback', { body: { id: 'n1' }, expect: 400, bad: true });

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
