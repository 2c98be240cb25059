// admin.js - users (create, change role, disable/enable: disabling ends the user's sessions) and
// border crossing points (list, add). Administrators only (user.admin).
import { h, replace, table, fmtTime } from './dom.js';
import { api, get, problemView } from './api.js';

const ROLES = ['officer', 'supervisor', 'analyst', 'administrator', 'dpo', 'api_client'];

export function render(view, ctx) {
  const users = h('div', { id: 'users' }, h('p', { class: 'muted' }, 'Loading…'));
  const bcps = h('div', { id: 'bcps' });
  const umsg = h('div', { id: 'user-msg', 'aria-live': 'assertive' });
  const bmsg = h('div', { id: 'bcp-msg', 'aria-live': 'assertive' });
  const inp = (id, label, attrs = {}) => [h('label', { for: id }, label), h('input', { id, autocomplete: 'off', ...attrs })];
  const roleSel = (id, value) => h('select', { id }, ROLES.map((r) => h('option', { value: r, selected: r === value }, r)));

  const userForm = h('form', { id: 'user-form', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const v = (id) => userForm.querySelector(`#${id}`).value;
    try {
      const r = await api('POST', '/api/v1/users', { username: v('u-name').trim(), role: v('u-role'), password: v('u-pass') });
      replace(umsg, h('div', { class: 'notice', role: 'status' }, `User ${r.user ? r.user.username : v('u-name')} created.`));
      userForm.reset();
      loadUsers();
    } catch (err) { replace(umsg, problemView(err)); }
  } },
  h('h2', {}, 'Add a user'),
  h('div', { class: 'form-grid' }, inp('u-name', 'User name'), h('label', { for: 'u-role' }, 'Role'), roleSel('u-role', 'officer'),
    inp('u-pass', 'Initial password', { type: 'password', autocomplete: 'new-password' })),
  h('button', { type: 'submit', class: 'primary' }, 'Create user'), umsg);

  const bcpForm = h('form', { id: 'bcp-form', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const v = (id) => bcpForm.querySelector(`#${id}`).value.trim();
    try {
      const r = await api('POST', '/api/v1/bcps', { code: v('b-code').toUpperCase(), name: v('b-name'), country: v('b-country').toUpperCase(), kind: v('b-kind') });
      replace(bmsg, h('div', { class: 'notice', role: 'status' }, `BCP ${r.bcp ? r.bcp.code : v('b-code')} added.`));
      bcpForm.reset();
      loadBcps();
    } catch (err) { replace(bmsg, problemView(err, { notFoundText: 'this server cannot add border crossing points from the web yet (use bmis on the server).' })); }
  } },
  h('h2', {}, 'Add a border crossing point'),
  h('div', { class: 'form-grid' }, inp('b-code', 'Code', { placeholder: 'UTO-XYZ' }), inp('b-name', 'Name'), inp('b-country', 'Country', { maxlength: 3 }),
    h('label', { for: 'b-kind' }, 'Kind'), h('select', { id: 'b-kind' }, ['air', 'land', 'sea', 'rail'].map((k) => h('option', { value: k }, k)))),
  h('button', { type: 'submit', class: 'primary' }, 'Add BCP'), bmsg);

  replace(view, h('h1', {}, 'Users and border crossing points'),
    h('section', { class: 'card' }, h('h2', {}, 'Users'), users), userForm,
    h('section', { class: 'card' }, h('h2', {}, 'Border crossing points'), bcps), bcpForm);

  async function patchUser(u, body, what) {
    try {
      await api('PATCH', `/api/v1/users/${u.id}`, body);
      replace(umsg, h('div', { class: 'notice', role: 'status' }, `${u.username}: ${what}.`));
      loadUsers();
    } catch (err) { replace(umsg, problemView(err, { notFoundText: 'this server cannot change users from the web yet (use bmis user on the server).' })); }
  }

  async function loadUsers() {
    try {
      const r = await get('/api/v1/users');
      replace(users, table([
        { label: 'User', get: (u) => u.username },
        { label: 'Role', get: (u) => {
          const s = roleSel(`role-${u.id}`, u.role);
          s.setAttribute('aria-label', `Role of ${u.username}`);
          s.disabled = u.id === ctx.me.user_id;
          s.addEventListener('change', () => patchUser(u, { role: s.value }, `role changed to ${s.value}`));
          return s;
        } },
        { label: 'Status', get: (u) => (u.disabled ? h('span', { class: 'bad' }, 'disabled') : u.locked_until ? h('span', { class: 'bad' }, `locked until ${fmtTime(u.locked_until)}`) : 'active') },
        { label: 'Last sign-in', get: (u) => fmtTime(u.last_signin) },
        { label: '', get: (u) => (u.id === ctx.me.user_id ? h('span', { class: 'muted' }, 'you') : h('button', { type: 'button', dataset: { user: u.username },
          onclick: () => patchUser(u, { disabled: !u.disabled }, u.disabled ? 'enabled' : 'disabled, sessions ended') }, u.disabled ? 'Enable' : 'Disable')) },
      ], r.users));
    } catch (err) { replace(users, problemView(err)); }
  }
  async function loadBcps() {
    try {
      const r = await get('/api/v1/bcps');
      replace(bcps, table([
        { label: 'Code', get: (b) => b.code }, { label: 'Name', get: (b) => b.name }, { label: 'Country', get: (b) => b.country },
        { label: 'Kind', get: (b) => b.kind }, { label: 'Active', get: (b) => (b.active === false ? 'no' : 'yes') },
      ], r.bcps));
    } catch (err) { replace(bcps, problemView(err)); }
  }
  loadUsers();
  loadBcps();
}
