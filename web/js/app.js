// app.js - start-up, session, menu and the hash router (#/inspect, #/second-line, #/flights/12, ...).
// Each screen module exports render(view, ctx) and may return a cleanup function (to drop key
// handlers when leaving the screen). ctx: {me, bcps, refusalCodes, can(permission), go(route),
// args (the address's parts after the screen: ['12'] for #/flights/12), query (URLSearchParams of
// #/screen?a=b)}.
import { h, replace } from './dom.js';
import { api, get, setCsrf, setUnauthenticatedHandler, problemView } from './api.js';
import * as inspect from './inspect.js';
import * as secondLine from './secondline.js';
import * as travellers from './travellers.js';
import * as watchlists from './watchlists.js';
import * as admin from './admin.js';
import * as audit from './audit.js';
import * as dashboard from './dashboard.js';
import * as flights from './flights.js';

// Menu order; a role sees the screens its permissions allow (GET /api/v1/me).
const ROUTES = [
  { path: 'inspect', label: 'Inspection', key: '1', mod: inspect, allow: (c) => c('inspection.create') },
  { path: 'second-line', label: 'Second line', key: '2', mod: secondLine, allow: (c) => c('referral.resolve') || c('disposition.create') },
  { path: 'travellers', label: 'Travellers', key: '3', mod: travellers, allow: (c) => c('traveller.read') },
  { path: 'watchlists', label: 'Watchlists', key: '4', mod: watchlists, allow: (c) => c('watchlist.upload') },
  { path: 'admin', label: 'Users & BCPs', key: '5', mod: admin, allow: (c) => c('user.admin') },
  { path: 'audit', label: 'Audit log', key: '6', mod: audit, allow: (c) => c('audit.read') || c('audit.verify') },
  { path: 'dashboard', label: 'Dashboard', key: '7', mod: dashboard, allow: (c) => c('stats.read') },
  { path: 'flights', label: 'Flights', key: '8', mod: flights, allow: (c) => c('flight.read') },
];

const view = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
let ctx = null;
let cleanup = null;
let signinNotice = null;

function can(perm) { return !!ctx && ctx.me.permissions.includes(perm); }

async function start() {
  setUnauthenticatedHandler(() => {
    if (ctx) { signinNotice = 'Your session has ended. Please sign in again.'; ctx = null; }
    showSignin();
  });
  try {
    const me = await api('GET', '/api/v1/me', undefined, { quiet401: true });
    await enter(me);
  } catch (e) {
    if (e.status === 401) showSignin();
    else replace(view, problemView(e));
  }
}

async function enter(me) {
  setCsrf(me.csrf_token);
  ctx = { me, bcps: [], refusalCodes: [], can, go, args: [], query: new URLSearchParams() };
  // Reference data most screens need; a role without the permission simply gets none.
  const [bcps, codes] = await Promise.allSettled([get('/api/v1/bcps'), get('/api/v1/refusal-codes')]);
  if (bcps.status === 'fulfilled') ctx.bcps = bcps.value.bcps || [];
  if (codes.status === 'fulfilled') ctx.refusalCodes = codes.value.refusal_codes || [];
  renderChrome();
  route();
}

function allowed() { return ROUTES.filter((r) => r.allow(can)); }

function renderChrome() {
  const rs = allowed();
  replace(nav, rs.map((r) => h('a', { href: `#/${r.path}`, dataset: { route: r.path }, title: `Alt+${r.key}` }, r.label)));
  replace(who, h('span', { class: 'user' }, ctx.me.username), ' ', h('span', { class: 'role' }, ctx.me.role), ' ',
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));
}

function go(path) { location.hash = `#/${path}`; }

function route() {
  if (!ctx) return;
  const [where, query] = location.hash.replace(/^#\/?/, '').split('?');
  const [path, ...args] = (where || '').split('/');
  ctx.args = args.filter(Boolean);
  ctx.query = new URLSearchParams(query || '');
  const rs = allowed();
  const r = ROUTES.find((x) => x.path === path);
  if (cleanup) { try { cleanup(); } catch { /* a screen's cleanup never blocks navigation */ } cleanup = null; }
  document.body.classList.remove('hit');
  document.title = 'openbmis';
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.route === path);
  if (!r || !rs.includes(r)) {
    if (rs.length === 0) { replace(view, h('p', {}, 'Your role has no screens in this interface.')); return; }
    if (r) {
      // A known screen the role may not use: say so rather than silently redirect.
      replace(view, h('div', { class: 'problem', role: 'alert' }, h('strong', {}, 'Not permitted: '),
        `the ${r.label} screen needs a permission your role (${ctx.me.role}) does not have.`));
      return;
    }
    go(rs[0].path);
    return;
  }
  replace(view);
  view.className = `screen-${r.path}`;
  document.title = `${r.label} · openbmis`;
  const c = r.mod.render(view, ctx);
  if (typeof c === 'function') cleanup = c;
  else if (c && typeof c.then === 'function') c.then((f) => { if (typeof f === 'function') cleanup = f; }).catch((e) => view.append(problemView(e)));
}

// Alt+1..8 switch screens from anywhere.
document.addEventListener('keydown', (e) => {
  if (!ctx || !e.altKey || e.ctrlKey || e.metaKey) return;
  const r = allowed().find((x) => x.key === e.key);
  if (r) { e.preventDefault(); go(r.path); }
});

async function signOut() {
  try { await api('DELETE', '/api/v1/sessions/current'); } catch { /* signed out either way */ }
  ctx = null;
  setCsrf(null);
  location.hash = '';
  signinNotice = 'You have signed out.';
  showSignin();
}

// Sign-in. The server answers every refusal alike (unknown user, wrong password, locked or disabled
// account: 401, so that nobody can probe which accounts exist); the UI explains the lockout rule and
// warns once this browser has seen enough failures for the account to be locked.
const LOCK_AFTER = 5;
const failures = new Map();

function showSignin() {
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  replace(nav);
  replace(who);
  document.body.classList.remove('hit');
  document.title = 'Sign in · openbmis';
  view.className = 'screen-signin';
  const msg = h('div', { id: 'signin-msg', 'aria-live': 'assertive' });
  if (signinNotice) { msg.append(h('p', { class: 'notice' }, signinNotice)); signinNotice = null; }
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { class: 'signin card', onsubmit: async (e) => {
    e.preventDefault();
    btn.disabled = true;
    replace(msg);
    try {
      const s = await api('POST', '/api/v1/sessions', { username: user.value.trim(), password: pass.value, kind: 'browser' }, { quiet401: true });
      failures.delete(user.value.trim());
      pass.value = '';
      const me = await get('/api/v1/me');
      me.csrf_token = me.csrf_token || s.csrf_token;
      await enter(me);
    } catch (err) {
      btn.disabled = false;
      pass.value = '';
      pass.focus();
      if (err.status === 401) {
        const n = (failures.get(user.value.trim()) || 0) + 1;
        failures.set(user.value.trim(), n);
        replace(msg, h('div', { class: 'problem', role: 'alert' },
          h('strong', {}, 'Sign-in refused. '),
          n >= LOCK_AFTER
            ? `This account is now locked for 15 minutes after ${LOCK_AFTER} failed attempts (or the user name is wrong, or the account is disabled). Wait 15 minutes or ask a supervisor; further attempts will not succeed until then.`
            : `Wrong user name or password (or the account is locked or disabled). After ${LOCK_AFTER} failed attempts an account is locked for 15 minutes${n > 1 ? `: ${LOCK_AFTER - n} attempt${LOCK_AFTER - n === 1 ? '' : 's'} left` : ''}.`));
      } else {
        replace(msg, problemView(err));
      }
    }
  } },
  h('h1', {}, 'Sign in'),
  h('label', { for: 'username' }, 'User name'), user,
  h('label', { for: 'password' }, 'Password'), pass,
  btn, msg);
  replace(view, form);
  user.focus();
}

window.addEventListener('hashchange', route);
start();
