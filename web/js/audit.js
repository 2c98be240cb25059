// audit.js - the data-protection officer's view of the hash-chained audit trail: verification of the
// chain, and the events filtered by action and object, page by page (oldest first, after_id).
import { h, replace, table, fmtTime } from './dom.js';
import { get, qs, problemView } from './api.js';

const PAGE = 100;

export function render(view, ctx) {
  const chain = h('div', { id: 'chain', 'aria-live': 'polite' });
  const verifyBtn = h('button', { type: 'button', class: 'primary', id: 'verify', onclick: verify }, 'Verify the chain');
  const events = h('div', { id: 'events' });
  const inp = (id, label, ph) => [h('label', { for: id }, label), h('input', { id, placeholder: ph || '', autocomplete: 'off' })];
  const form = h('form', { id: 'audit-form', class: 'card', onsubmit: (e) => { e.preventDefault(); load(0); } },
    h('h2', {}, 'Events'),
    h('div', { class: 'form-grid' }, inp('a-action', 'Action', 'e.g. crossing.create'), inp('a-type', 'Object type', 'e.g. traveller'),
      inp('a-id', 'Object id'), inp('a-after', 'After event id', '0')),
    h('button', { type: 'submit', class: 'primary' }, 'Show events'));
  replace(view, h('h1', {}, 'Audit log'),
    h('section', { class: 'card' }, h('h2', {}, 'Chain verification'),
      h('p', { class: 'muted' }, 'Each record carries the SHA-256 of its content and of the record before it; any change, insertion or deletion breaks the chain from that record on.'),
      verifyBtn, chain),
    ctx.can('audit.read') ? [form, events] : h('p', { class: 'muted' }, `Your role (${ctx.me.role}) may verify the chain but not read the events.`));

  async function verify() {
    replace(chain, h('p', { class: 'muted' }, 'Verifying…'));
    try {
      const r = await get('/api/v1/audit/verify');
      replace(chain, h('p', { class: `chain ${r.intact ? 'intact' : 'broken'}` },
        r.intact ? `✓ Intact: ${r.records} records.` : `✗ BROKEN (${r.status}): first bad record ${r.first_bad_id} of ${r.records}.`),
      h('p', { class: 'mono' }, `head ${r.head_hash || '—'}`));
    } catch (err) { replace(chain, problemView(err)); }
  }

  async function load(after) {
    const v = (id) => form.querySelector(`#${id}`).value.trim();
    const start = after || Number(v('a-after')) || 0;
    replace(events, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const r = await get(`/api/v1/audit${qs({ after_id: start || undefined, limit: PAGE, action: v('a-action'), object_type: v('a-type'), object_id: v('a-id') })}`);
      const list = r.events || [];
      const last = list.length ? list[list.length - 1].id : null;
      replace(events, h('section', { class: 'card' },
        table([
          { label: '#', get: (e) => String(e.id) },
          { label: 'Time', get: (e) => fmtTime(e.time) },
          { label: 'Actor', get: (e) => `${e.actor || '—'}${e.role ? ` (${e.role})` : ''}` },
          { label: 'Action', get: (e) => e.action },
          { label: 'Object', get: (e) => `${e.object_type || ''} ${e.object_id || ''}` },
          { label: 'Reason', get: (e) => e.reason || '' },
          { label: 'Outcome', get: (e) => h('span', { class: e.outcome === 'ok' ? null : 'bad' }, e.outcome || '') },
        ], list, { empty: 'No events.' }),
        list.length === PAGE ? h('button', { type: 'button', onclick: () => load(last) }, `Next ${PAGE} after #${last}`) : null));
    } catch (err) { replace(events, problemView(err)); }
  }
  verify();
  if (ctx.can('audit.read')) load(0);
}
