// ui.test.mjs - browser tests of the openbmis web UI, run by run.sh against a demo server.
// Playwright (playwright-core, no bundled browsers) drives Debian's Chromium headless. Each test gets
// a fresh browser context (its own cookies); any page error or Content-Security-Policy violation
// fails the test. Screenshots of the main screens go to $SHOTS at a fixed 1366x850 viewport.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const URL = process.env.BMIS_URL;
const SHOTS = process.env.SHOTS;
const TRY = readFileSync(process.env.BMIS_TRY, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const doc = (label) => TRY.find((t) => t.label === label);
const USERS = {
  officer: ['officer1', 'officer-demo-2026'], supervisor: ['supervisor', 'supervisor-demo-2026'],
  analyst: ['analyst', 'analyst-demo-2026'], administrator: ['admin', 'admin-demo-2026'], dpo: ['dpo', 'dpo-demo-2026'],
};
mkdirSync(SHOTS, { recursive: true });

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
class Fail extends Error {}
function expect(cond, msg) { if (!cond) throw new Fail(msg); }
function eq(got, want, msg) { if (got !== want) throw new Fail(`${msg}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`); }

let browser;
async function page() {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 850 }, locale: 'en-GB', timezoneId: 'UTC' });
  const p = await ctx.newPage();
  p.setDefaultTimeout(15000);
  p.problems = [];
  p.on('pageerror', (e) => p.problems.push(`page error: ${e.message}`));
  p.on('console', (m) => { if (/Content.Security.Policy|Refused to/i.test(m.text())) p.problems.push(`CSP: ${m.text()}`); });
  p.on('dialog', (d) => d.accept());
  return p;
}
async function signIn(p, role) {
  const [u, pw] = USERS[role];
  await p.goto(URL + '/');
  await p.fill('#username', u);
  await p.fill('#password', pw);
  await p.press('#password', 'Enter');
  await p.waitForSelector('#nav a');
}
const shot = (p, name) => p.screenshot({ path: join(SHOTS, `${name}.png`) });
const navLabels = (p) => p.$$eval('#nav a', (as) => as.map((a) => a.textContent));
// Type an MRZ as a reader does: the lines as fast keystrokes, each ended by Enter.
async function scan(p, mrz) {
  await p.waitForFunction(() => document.activeElement && document.activeElement.id === 'mrz');
  for (const line of mrz.split('\n')) {
    await p.keyboard.type(line, { delay: 0 });
    await p.keyboard.press('Enter');
  }
}
// The API as the signed-in page sees it (same cookie), for checks behind the UI.
const apiGet = (p, path) => p.evaluate(async (u) => { const r = await fetch(u); return { status: r.status, body: await r.json().catch(() => null) }; }, path);

// Advance passenger information: a carrier (api-client, Bearer token) posts a PAXLST written here,
// so the flight tests know what they assert. Flight ZZ4711 arrives an hour from now (local time,
// as EDIFACT times are), so it is listed by default. On board: a clean passenger, the try set's
// national-alert traveller, a namesake of that traveller (same name and birth date, another
// passport: the hit the supervisor marks false without touching the real one) and the holder of
// the lost/stolen document. Posted once, by the first test that needs it.
const FLIGHT = 'ZZ4711';
let posted = null;
const mrzParts = (t) => { const l = t.mrz.split('\n'); return { state: l[0].slice(2, 5), nat: l[1].slice(10, 13), sex: l[1][20] }; };
function paxlst() {
  const pad = (n) => String(n).padStart(2, '0');
  const edi = (d) => `${pad(d.getFullYear() % 100)}${pad(d.getMonth() + 1)}${pad(d.getDate())}${pad(d.getHours())}${pad(d.getMinutes())}`;
  const now = Date.now();
  const dep = edi(new Date(now - 3 * 3600e3));
  const arr = edi(new Date(now + 3600e3));
  const person = (p) => [`NAD+FL+++${p.surname}:${p.given}`, `ATT+2++${p.sex}`, `DTM+329:${p.birth.replace(/-/g, '').slice(2)}`,
    `NAT+2+${p.nat}`, 'LOC+178+FRA', 'LOC+179+XYZ', 'RFF+AVF:E2EPNR', `RFF+SEA:${p.seat}`, `DOC+P:110:111+${p.doc}`, 'DTM+36:310101', `LOC+91+${p.state}`];
  const fromTry = (t, seat) => ({ surname: t.surname, given: t.given_names, birth: t.birth_date, doc: t.document_number, seat, ...mrzParts(t) });
  const na = fromTry(doc('national-alert'), '12C');
  const persons = [
    { surname: 'WEISSLINGER', given: 'KLARA', sex: 'F', birth: '1988-04-12', nat: 'DEU', state: 'DEU', doc: 'C4F9K2L71', seat: '3A' },
    na,
    { ...na, doc: 'U90817263', seat: '31F' },
    fromTry(doc('lost-stolen-document'), '7A'),
  ];
  const segs = ['UNH+E2E1+PAXLST:D:05B:UN:IATA+ZZ4711E2E+01:F', 'BGM+745', 'NAD+MS+++OPENBMIS E2E', `TDT+20+${FLIGHT}+++ZZ`,
    'LOC+125+FRA', `DTM+189:${dep}:201`, 'LOC+87+XYZ', `DTM+232:${arr}:201`, ...persons.flatMap(person), `CNT+42:${persons.length}`];
  segs.push(`UNT+${segs.length + 1}+E2E1`);
  return { text: `UNA:+.? 'UNB+UNOA:4+ZZAIR+BMISGOV+${dep.slice(0, 6)}:${dep.slice(6)}+E2E1'${segs.join("'")}'UNZ+1+E2E1'`, na, namesake: persons[2] };
}
async function apiToken(role) {
  const [username, password] = role === 'api-client' ? ['api-client', 'api-client-demo-2026'] : USERS[role];
  const r = await fetch(`${URL}/api/v1/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password, kind: 'api' }) });
  expect(r.status === 201 || r.status === 200, `API sign-in of ${username}: ${r.status}`);
  return (await r.json()).token;
}
async function postFlight() {
  if (posted) return posted;
  const m = paxlst();
  const token = await apiToken('api-client');
  const r = await fetch(`${URL}/api/v1/api-messages`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/edifact' }, body: m.text });
  const body = await r.json();
  eq(r.status, 201, `PAXLST posted: ${JSON.stringify(body).slice(0, 300)}`);
  eq(body.summary.persons, 4, 'persons on the list');
  eq(body.summary.with_hits, 3, `persons with hits (${body.persons.map((p) => `${p.surname} ${p.hits.length}`).join(', ')})`);
  posted = { ...m, id: body.messages[0].flight.id, persons: body.persons };
  return posted;
}

test('sign-in: wrong password is refused with a clear message', async () => {
  const p = await page();
  await p.goto(URL + '/');
  await p.waitForSelector('#username');
  await shot(p, 'signin');
  await p.fill('#username', 'officer2');
  await p.fill('#password', 'not-the-password');
  await p.press('#password', 'Enter');
  const msg = await p.textContent('#signin-msg [role=alert]');
  expect(/Sign-in refused/.test(msg) && /Wrong user name or password/.test(msg) && /locked for 15 minutes/.test(msg), `message: ${msg}`);
  eq(await p.evaluate(() => document.activeElement.id), 'password', 'focus back on the password');
  return p;
});

test('sign-in as each role shows the screens its permissions allow', async () => {
  const want = {
    officer: { has: ['Inspection', 'Travellers', 'Flights'], not: ['Second line', 'Audit log', 'Watchlists', 'Users & BCPs', 'Dashboard'] },
    supervisor: { has: ['Inspection', 'Second line', 'Watchlists', 'Dashboard', 'Flights'], not: ['Audit log', 'Users & BCPs'] },
    analyst: { has: ['Travellers', 'Dashboard', 'Flights'], not: ['Inspection', 'Second line', 'Audit log'] },
    administrator: { has: ['Watchlists', 'Users & BCPs', 'Audit log', 'Dashboard'], not: ['Inspection', 'Travellers', 'Flights'] },
    dpo: { has: ['Audit log', 'Travellers', 'Dashboard'], not: ['Inspection', 'Watchlists', 'Users & BCPs', 'Flights'] },
  };
  let p;
  for (const [role, w] of Object.entries(want)) {
    p = await page();
    await signIn(p, role);
    const labels = await navLabels(p);
    for (const l of w.has) expect(labels.includes(l), `${role} should see ${l}: ${labels}`);
    for (const l of w.not) expect(!labels.includes(l), `${role} should not see ${l}: ${labels}`);
    eq(await p.textContent('#who .role'), role, 'role shown');
    if (p.problems.length) return p;
    if (role !== 'dpo') await p.context().close();
  }
  // Sign out ends the session: the sign-in form again, and the API answers 401.
  await p.click('text=Sign out');
  await p.waitForSelector('#username');
  eq((await apiGet(p, '/api/v1/me')).status, 401, 'me after sign-out');
  return p;
});

test('flights: the analyst sees a carrier\'s passenger list, hits first', async () => {
  const f = await postFlight();
  const p = await page();
  await signIn(p, 'analyst');
  await p.click('#nav a:text-is("Flights")');
  const row = p.locator('#f-list tbody tr', { hasText: FLIGHT });
  await row.waitFor();
  expect(await row.evaluate((tr) => tr.classList.contains('row-hit')), 'a flight with hits is marked');
  const cells = await row.locator('td').allTextContents();
  expect(cells[0].includes('HITS') && cells[1] === 'FRA → XYZ', `flight and route: ${cells}`);
  eq(cells[4], '4', 'persons');
  eq(cells[5], '3', 'persons with hits');
  await shot(p, 'flights');
  await row.click();
  await p.waitForSelector('#fl-hits .person-card');
  expect((await p.textContent('#fl-title')).includes(FLIGHT), 'flight view title');
  expect((await p.textContent('#fl-parts')).includes('complete: 1 part'), 'parts complete');
  expect((await p.textContent('#fl-retention')).startsWith('deleted after 20'), 'retention date');
  // Hits first: three cards, then the clean passenger in the table below.
  const cards = await p.locator('#fl-hits .person-card').allTextContents();
  eq(cards.length, 3, 'persons with hits');
  const na = doc('national-alert');
  const ls = doc('lost-stolen-document');
  const card = (d) => cards.find((c) => c.includes(d)) || '';
  expect(card(na.document_number).includes('national') && card(na.document_number).includes(na.entry_id), `national-alert card: ${card(na.document_number)}`);
  expect(card(ls.document_number).includes(ls.entry_id) && card(ls.document_number).includes('MATCHES the listed document'), `lost/stolen card: ${card(ls.document_number)}`);
  const order = await p.$$eval('#fl-persons .person-card, #fl-others tbody tr', (els) => els.map((e) => e.textContent));
  expect(order.length === 4 && order[3].includes('WEISSLINGER') && order[3].includes('OK TO BOARD'), `hits first, the clean passenger last: ${order.map((t) => t.slice(0, 40))}`);
  eq(await p.locator('#fl-hits .mark-false').count(), 0, 'no disposition buttons for an analyst');
  await shot(p, 'flight');
  // The filter (document number) and "only persons with hits".
  await p.fill('#fl-filter', na.document_number);
  await p.waitForFunction(() => document.querySelectorAll('#fl-hits .person-card').length === 1);
  expect((await p.textContent('#fl-hits')).includes(na.entry_id), 'filtered to the traveller');
  await p.fill('#fl-filter', '');
  await p.check('#fl-only-hits');
  await p.waitForFunction(() => !document.querySelector('#fl-others'));
  eq(await p.locator('#fl-hits .person-card').count(), 3, 'only persons with hits');
  expect(f.id > 0, 'flight id');
  return p;
});

test('flights: the officer\'s inspection shows the pre-screening before arrival', async () => {
  await postFlight();
  const p = await page();
  await signIn(p, 'officer');
  await scan(p, doc('national-alert').mrz);
  await p.waitForSelector('.alert-panel');
  const pre = await p.textContent('#prescreened');
  expect(pre.includes('Pre-screened before arrival') && pre.includes(`flight ${FLIGHT} FRA → XYZ`) && pre.includes('seat 12C') &&
    pre.includes('NO BOARD') && /\b[1-9]\d* hits?\b/.test(pre), `pre-screened panel: ${pre}`);
  await shot(p, 'inspection-prescreened');
  await p.keyboard.press('Escape');
  // A document typed by hand that no carrier sent: no panel at all.
  await p.keyboard.press('F2');
  await p.fill('#m-surname', 'PRAZAK');
  await p.fill('#m-given', 'TOMAS');
  await p.fill('#m-birth', '1984-03-05');
  await p.fill('#m-nat', 'CZE');
  await p.fill('#m-number', '40000077');
  await p.fill('#m-state', 'CZE');
  await p.press('#m-state', 'Enter');
  await p.waitForSelector('#result .who-line');
  eq(await p.locator('#prescreened').count(), 0, 'no panel for a traveller on no passenger list');
  return p;
});

test('flights: the supervisor marks a flight hit a false hit (reason required)', async () => {
  const f = await postFlight();
  const p = await page();
  await signIn(p, 'supervisor');
  await p.goto(`${URL}/#/flights/${f.id}`);
  const namesake = p.locator('#fl-hits .person-card', { hasText: f.namesake.doc });
  await namesake.locator('.mark-false').first().click();
  await p.waitForSelector('#fl-disposition-form');
  await p.click('#fl-disposition-form button[type=submit]');
  await p.waitForSelector('#fl-disposition-form .problem');
  expect((await p.textContent('#fl-disposition-form .problem')).includes('reason is required'), 'reason required');
  await p.fill('#fl-disposition-reason', 'namesake: another passport, verified with the issuing state');
  await p.click('#fl-disposition-form button[type=submit]');
  await p.waitForSelector('#fl-done .notice');
  expect((await p.textContent('#fl-done')).includes('verified false hit'), await p.textContent('#fl-done'));
  await namesake.locator('.disp.false_hit').waitFor();
  // The disposition belongs to the namesake only: the listed traveller's hit still waits for one.
  const real = p.locator('#fl-hits .person-card', { hasText: doc('national-alert').document_number });
  eq(await real.locator('.mark-false').count(), 1, 'the real traveller\'s hit is untouched');
  const api = await apiGet(p, `/api/v1/flights/${f.id}`);
  const hit = api.body.person_list.find((x) => x.document_number === f.namesake.doc).hits[0];
  eq(hit.disposition, 'false_hit', 'disposition stored');
  return p;
});

test('primary inspection: reader input, a hit, refusal with code H by keyboard', async () => {
  const p = await page();
  await signIn(p, 'officer');
  await p.waitForSelector('#mrz');
  const d = doc('national-alert');
  const resp = p.waitForResponse((r) => r.url().endsWith('/api/v1/inspections'));
  await scan(p, d.mrz);
  const insp = await (await resp).json();
  await p.waitForSelector('.alert-panel[role=alert]');
  const alert = await p.textContent('.alert-panel');
  expect(alert.includes('WATCHLIST HIT') && alert.includes(d.entry_id) && /national list/i.test(alert), `alert panel: ${alert}`);
  expect(/birth_date exact/.test(alert), 'the reasons are shown');
  expect((await p.title()).startsWith('HIT'), `title: ${await p.title()}`);
  expect(await p.evaluate(() => document.body.classList.contains('hit')), 'the page turns red');
  expect((await p.textContent('#result')).includes('MRZ valid'), 'document check shown');
  expect((await p.textContent('#result')).includes('Remaining days'), 'stay shown');
  await shot(p, 'inspection-hit');
  await p.keyboard.press('r');
  await p.waitForSelector('#refuse-form');
  await p.keyboard.press('Enter'); // no reason ticked: refused by the UI
  await p.waitForSelector('#refuse-form .problem');
  await p.keyboard.press('h');
  expect(await p.isChecked('#refuse-form input[data-code=H]'), 'H ticked by its letter');
  await shot(p, 'inspection-refuse');
  await p.keyboard.press('Enter');
  await p.waitForSelector('.last .done.refused');
  const last = await p.textContent('.last');
  expect(last.includes('Refused (H)') && last.includes(d.surname), `last decision: ${last}`);
  eq(await p.evaluate(() => document.activeElement.id), 'mrz', 'focus back on the MRZ field');
  expect(!(await p.evaluate(() => document.body.classList.contains('hit'))), 'red cleared for the next traveller');
  const hist = await apiGet(p, `/api/v1/travellers/${insp.traveller.id}`);
  eq(hist.body.crossings[0].decision, 'refused', 'refusal stored');
  eq(hist.body.crossings[0].refusal_codes.join(), 'H', 'refusal code stored');

  // A clean passport admitted with A; then a three-line identity card.
  await scan(p, doc('clean').mrz);
  await p.waitForSelector('.clear-panel');
  await shot(p, 'inspection-clean');
  await p.keyboard.press('a');
  await p.waitForSelector('.last .done.admitted');
  await scan(p, doc('clean-id-card').mrz);
  await p.waitForSelector('.clear-panel');
  expect((await p.textContent('#result')).includes('(TD1)'), 'TD1 recognised');
  await p.keyboard.press('Escape');
  await p.waitForSelector('#mrz:visible');
  eq(await p.evaluate(() => document.activeElement.id), 'mrz', 'Esc: next traveller');
  // An overstayer: the stay panel says so.
  await scan(p, doc('overstayer').mrz);
  await p.waitForSelector('.verdict.bad');
  await shot(p, 'inspection-overstayer');
  await p.keyboard.press('n');
  // Manual entry (F2) of a typed document.
  await p.keyboard.press('F2');
  await p.fill('#m-surname', 'NOVAK');
  await p.fill('#m-given', 'JANA');
  await p.fill('#m-birth', '1990-01-02');
  await p.fill('#m-nat', 'CZE');
  await p.fill('#m-number', '40000001');
  await p.fill('#m-state', 'CZE');
  await p.press('#m-state', 'Enter');
  await p.waitForSelector('#result .who-line');
  expect((await p.textContent('#result')).includes('Typed by hand'), 'typed document');
  return p;
});

test('second line: a referral from the booth resolved by the supervisor with a reason', async () => {
  const o = await page();
  await signIn(o, 'officer');
  const d = doc('lost-stolen-document');
  await scan(o, d.mrz);
  await o.waitForSelector('.alert-panel');
  expect((await o.textContent('.alert-panel')).includes('MATCHES the listed document'), 'document match shown');
  await o.keyboard.press('s');
  await o.waitForSelector('#refer-reason');
  expect((await o.inputValue('#refer-reason')).includes(d.entry_id), 'reason prefilled with the hit');
  await o.keyboard.press('Enter');
  await o.waitForSelector('.last .done.referred');
  const m = /referral (\d+)/.exec(await o.textContent('.last'));
  expect(m, 'referral id shown');
  const rid = m[1];
  if (o.problems.length) return o;
  await o.context().close();

  const p = await page();
  await signIn(p, 'supervisor');
  await p.goto(URL + '/#/second-line');
  const row = p.locator('#referrals tr', { has: p.locator(`td:first-child:text-is("${rid}")`) });
  await row.waitFor();
  await row.focus();
  await p.keyboard.press('Enter');
  await p.waitForSelector('#resolve-form');
  await p.waitForFunction(() => !document.querySelector('#detail .compare-wrap .muted'), null, { timeout: 5000 }).catch(() => {});
  await shot(p, 'second-line');
  await p.check('#resolve-form input[value=refused]');
  await p.check('#resolve-codes input[value=A]');
  await p.click('#resolve-form button[type=submit]');
  await p.waitForSelector('#resolve-form .problem');
  expect((await p.textContent('#resolve-form .problem')).includes('notes are required'), 'notes required');
  await p.fill('#resolve-notes', 'passport reported stolen by the issuing state; confirmed by the SLTD unit');
  await p.click('#resolve-form button[type=submit]');
  await p.waitForSelector('#sl-done .notice');
  const done = await p.textContent('#sl-done');
  expect(done.includes(`Referral ${rid} resolved: refused`), `resolution: ${done}`);
  const refs = await apiGet(p, '/api/v1/referrals');
  expect(!refs.body.referrals.some((r) => String(r.id) === rid && r.status === 'open'), 'referral no longer open');

  // The hit queue (when the server records hits): mark one a verified false hit.
  const hitsApi = await apiGet(p, '/api/v1/hits?status=pending');
  if (hitsApi.status === 200 && hitsApi.body.hits.length) {
    const first = p.locator('#hits tbody tr').first();
    await first.click();
    await p.waitForSelector('#disposition-form');
    await p.fill('#disposition-reason', 'namesake: different date of birth and place of birth');
    await p.click('#disposition-form button[type=submit]');
    /* The referral's notice is still there: wait for the disposition's own. */
    const recorded = await p
      .waitForFunction(() => (document.querySelector('#sl-done') || {}).textContent.includes('verified false hit'),
        null, { timeout: 10000 })
      .then(() => true, () => false);
    expect(recorded, `disposition recorded: ${await p.textContent('#sl-done')}`);
  } else {
    await p.waitForSelector('#hits .problem.unavailable, #hits .empty');
  }
  return p;
});

test('watchlists: an upload with a bad row is refused with its line; a good file loads', async () => {
  const p = await page();
  await signIn(p, 'administrator');
  await p.goto(URL + '/#/watchlists');
  await p.waitForSelector('#wl-form');
  const good = '{"id":"E2E-1","kind":"person","names":["Zebulon QUIXOTE-TESTPERSON"],"birth_dates":["1950-01-01"]}\n';
  const bad = good + '{"id":"E2E-2","kind":"person","names":"not a list"}\n';
  await p.fill('#wl-name', 'e2e');
  await p.selectOption('#wl-kind', 'other');
  await p.fill('#wl-version', 'e2e-1');
  await p.setInputFiles('#wl-file', { name: 'e2e.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(bad) });
  await p.click('#wl-form button[type=submit]');
  await p.waitForSelector('#wl-msg .problem');
  const msg = await p.textContent('#wl-msg');
  expect(msg.includes('line 2') && msg.includes('names') && msg.includes('unchanged'), `problem: ${msg}`);
  await shot(p, 'watchlists-bad-row');
  await p.setInputFiles('#wl-file', { name: 'e2e.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(good) });
  await p.click('#wl-form button[type=submit]');
  await p.waitForSelector('#wl-msg .notice');
  expect((await p.textContent('#wl-msg')).includes('e2e version e2e-1, 1 entries'), await p.textContent('#wl-msg'));
  return p;
});

test('permissions: screens and API calls outside the role are refused', async () => {
  const p = await page();
  await signIn(p, 'officer');
  await p.goto(URL + '/#/audit');
  await p.waitForSelector('#view .problem');
  expect((await p.textContent('#view .problem')).includes('Not permitted'), 'audit screen refused to an officer');
  await shot(p, 'permission-refused');
  eq((await apiGet(p, '/api/v1/audit')).status, 403, 'officer reads audit');
  // The UI sends the CSRF token; a change without it is refused.
  const noCsrf = await p.evaluate(async (mrz) => (await fetch('/api/v1/inspections', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ mrz, bcp_id: 1, direction: 'entry' }) })).status, doc('clean').mrz);
  eq(noCsrf, 403, 'change without CSRF token');
  const a = await page();
  await signIn(a, 'analyst');
  await a.goto(URL + '/#/inspect');
  await a.waitForSelector('#view .problem');
  expect((await a.textContent('#view .problem')).includes('Not permitted'), 'inspection refused to an analyst');
  expect(!a.problems.length, a.problems.join('; '));
  await a.context().close();
  return p;
});

test('dashboard: crossings and hits drawn with Chart.js', async () => {
  const p = await page();
  await signIn(p, 'analyst');
  await p.goto(URL + '/#/dashboard');
  await p.waitForSelector('#dash-form');
  await p.fill('#d-from', '2026-04-01');
  await p.fill('#d-to', '2026-06-30');
  await p.click('#dash-form button[type=submit]');
  await p.waitForSelector('#dash-body .tiles, #dash-body .problem');
  const stats = await apiGet(p, '/api/v1/stats/crossings?from=2026-04-01&to=2026-06-30');
  if (stats.status === 200) {
    await p.waitForSelector('#dash-body canvas');
    const n = await p.$$eval('#dash-body canvas', (cs) => cs.length);
    expect(n >= 7, `charts drawn: ${n}`);
    expect(await p.evaluate(() => typeof window.Chart === 'function'), 'Chart.js loaded from vendor/');
  } else {
    expect((await p.textContent('#dash-body')).includes('does not provide crossing statistics'), 'clear message without statistics');
  }
  await shot(p, 'dashboard');
  return p;
});

test('travellers: search and history (analyst)', async () => {
  const p = await page();
  await signIn(p, 'analyst');
  await p.goto(URL + '/#/travellers');
  const d = doc('refused-before');
  await p.fill('#t-surname', d.surname);
  await p.fill('#t-given', d.given_names);
  await p.press('#t-given', 'Enter');
  await p.waitForSelector('#t-results tbody tr');
  await p.focus('#t-results tbody tr');
  await p.keyboard.press('Enter');
  await p.waitForSelector('#t-detail .decision.refused');
  await shot(p, 'travellers');
  return p;
});

test('audit log: chain verified and events listed (dpo)', async () => {
  const p = await page();
  await signIn(p, 'dpo');
  await p.goto(URL + '/#/audit');
  await p.waitForSelector('#chain .chain.intact');
  await p.waitForSelector('#events tbody tr');
  await p.fill('#a-action', 'crossing.create');
  await p.click('#audit-form button[type=submit]');
  await p.waitForFunction(() => [...document.querySelectorAll('#events tbody tr td:nth-child(4)')].every((td) => td.textContent === 'crossing.create'));
  await shot(p, 'audit');
  return p;
});

test('users and BCPs: the administrator adds a user', async () => {
  const p = await page();
  await signIn(p, 'administrator');
  await p.goto(URL + '/#/admin');
  await p.waitForSelector('#users tbody tr');
  await p.fill('#u-name', 'officer9');
  await p.selectOption('#u-role', 'officer');
  await p.fill('#u-pass', 'e2e-officer-password-2026');
  await p.click('#user-form button[type=submit]');
  await p.waitForSelector('#user-msg .notice');
  await p.waitForSelector('#users td:text-is("officer9")');
  await shot(p, 'admin');
  return p;
});

browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
let passed = 0;
let failed = 0;
for (const t of tests) {
  let p = null;
  const t0 = Date.now();
  try {
    p = await t.fn();
    if (p && p.problems.length) throw new Fail(p.problems.join('; '));
    passed++;
    console.log(`ok   ${t.name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}: ${e instanceof Fail ? e.message : e.stack || e}`);
  }
  if (p) await p.context().close().catch(() => {});
}
for (const c of browser.contexts()) await c.close().catch(() => {});
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
