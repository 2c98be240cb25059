// secondline.js - the supervisor's queue: open referrals and watchlist hits not yet disposed of.
// Selecting one shows the traveller beside the watchlist entry, field by field, and the decision:
// resolve a referral (admit or refuse, notes required) or mark a hit verified false or true
// (reason required; a verified false hit is not raised again for this traveller).
import { h, replace, table, fields, fmtTime, pct } from './dom.js';
import { api, get, qs, problemView } from './api.js';
import { historyView } from './inspect.js';

export function render(view, ctx) {
  const refBox = h('div', { id: 'referrals' }, h('p', { class: 'muted' }, 'Loading…'));
  const hitBox = h('div', { id: 'hits' }, h('p', { class: 'muted' }, 'Loading…'));
  const detail = h('section', { id: 'detail', class: 'card', tabindex: -1, 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Choose a referral or a hit from the queue (Tab to a row, Enter).'));
  const done = h('div', { id: 'sl-done', 'aria-live': 'polite' });
  replace(view, h('h1', {}, 'Second line'), done,
    h('div', { class: 'split' },
      h('div', {}, h('section', { class: 'card' }, h('h2', {}, 'Open referrals'), refBox),
        h('section', { class: 'card' }, h('h2', {}, 'Hits awaiting a disposition'), hitBox)),
      detail));

  let hits = [];
  const bcp = (id) => { const b = ctx.bcps.find((x) => x.id === id); return b ? b.code : `BCP ${id}`; };
  const travellerCache = new Map();
  async function traveller(id) {
    if (!travellerCache.has(id)) travellerCache.set(id, get(`/api/v1/travellers/${id}`));
    return travellerCache.get(id);
  }

  async function load() {
    const [refs, hs] = await Promise.allSettled([get('/api/v1/referrals'), get(`/api/v1/hits${qs({ status: 'pending', limit: 100 })}`)]);
    if (refs.status === 'fulfilled') {
      const list = (refs.value.referrals || []).filter((r) => r.status === 'open');
      replace(refBox, table([
        { label: '#', get: (r) => String(r.id) },
        { label: 'Opened', get: (r) => fmtTime(r.opened) },
        { label: 'BCP', get: (r) => bcp(r.bcp_id) },
        { label: 'Reason', get: (r) => r.reason || '' },
      ], list, { empty: 'No open referrals.', onRow: (r, tr) => { select(tr); showReferral(r); } }));
    } else replace(refBox, problemView(refs.reason));
    if (hs.status === 'fulfilled') {
      hits = hs.value.hits || [];
      replace(hitBox, table([
        { label: 'Time', get: (x) => fmtTime(x.time) },
        { label: 'Traveller', get: (x) => `${x.surname || ''}, ${x.given_names || ''}` },
        { label: 'List', get: (x) => `${x.list} ${x.entry_id}` },
        { label: 'Score', get: (x) => pct(x.score) },
      ], hits, { empty: 'No hits awaiting a disposition.', onRow: (x, tr) => { select(tr); showHit(x); } }));
    } else {
      hits = [];
      replace(hitBox, problemView(hs.reason, { notFoundText: 'this server does not record hits yet, so there is no hit queue; referrals still work.' }));
    }
  }

  function select(tr) {
    for (const r of view.querySelectorAll('tr.selected')) r.classList.remove('selected');
    tr.classList.add('selected');
  }

  async function showReferral(ref) {
    replace(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const t = await traveller(ref.traveller_id);
      const related = hits.filter((x) => x.traveller_id === ref.traveller_id);
      const notes = h('textarea', { id: 'resolve-notes', class: 'notes', 'aria-required': 'true' });
      const outcome = radios('outcome', [['admitted', 'Admit'], ['refused', 'Refuse']], 'admitted');
      const codes = codePicker(ctx);
      codes.hidden = true;
      outcome.addEventListener('change', () => { codes.hidden = outcome.querySelector('input:checked').value !== 'refused'; });
      const msg = h('div', { 'aria-live': 'assertive' });
      const form = h('form', { id: 'resolve-form', onsubmit: async (e) => {
        e.preventDefault();
        const out = outcome.querySelector('input:checked').value;
        const body = { outcome: out, notes: notes.value.trim() };
        if (out === 'refused') body.refusal_codes = [...codes.querySelectorAll('input:checked')].map((b) => b.value);
        if (!body.notes) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'The notes are required: say what was checked and why.')); notes.focus(); return; }
        try {
          const r = await api('POST', `/api/v1/referrals/${ref.id}/resolve`, body);
          replace(done, h('div', { class: 'notice', role: 'status' }, `Referral ${ref.id} resolved: ${r.referral ? r.referral.outcome : out}.`));
          replace(detail, h('p', { class: 'muted' }, 'Choose the next referral or hit.'));
          load();
        } catch (err) { replace(msg, problemView(err)); }
      } },
      h('h3', {}, 'Decision'), outcome, codes,
      h('label', { for: 'resolve-notes' }, 'Notes (required)'), notes, msg,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Resolve referral')));
      replace(detail,
        h('h2', {}, `Referral ${ref.id}: ${t.traveller.surname}, ${t.traveller.given_names || ''}`),
        fields([['Reason', ref.reason], ['Opened', `${fmtTime(ref.opened)} at ${bcp(ref.bcp_id)}`], ['Crossing', String(ref.crossing_id)]]),
        related.length ? related.map((x) => comparison(t, x)) : h('p', { class: 'muted' }, 'No recorded watchlist hit for this traveller.'),
        h('h3', {}, 'Crossings'), historyView(t.crossings, ctx),
        form);
      detail.focus();
    } catch (err) { replace(detail, problemView(err)); }
  }

  async function showHit(x) {
    replace(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const t = await traveller(x.traveller_id);
      const reason = h('textarea', { id: 'disposition-reason', class: 'notes', 'aria-required': 'true' });
      const decision = radios('disposition', [['false_hit', 'Verified false hit (not this person)'], ['true_hit', 'True hit (confirmed)']], 'false_hit');
      const msg = h('div', { 'aria-live': 'assertive' });
      const form = h('form', { id: 'disposition-form', onsubmit: async (e) => {
        e.preventDefault();
        const body = { traveller_key: x.traveller_key, watchlist_id: x.watchlist_id, entry_id: x.entry_id,
          decision: decision.querySelector('input:checked').value, reason: reason.value.trim() };
        if (!body.reason) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'The reason is required.')); reason.focus(); return; }
        try {
          await api('POST', '/api/v1/dispositions', body);
          replace(done, h('div', { class: 'notice', role: 'status' }, `Hit ${x.list} ${x.entry_id} for ${x.surname}: marked ${body.decision === 'false_hit' ? 'a verified false hit' : 'a true hit'}.`));
          replace(detail, h('p', { class: 'muted' }, 'Choose the next referral or hit.'));
          load();
        } catch (err) { replace(msg, problemView(err)); }
      } },
      h('h3', {}, 'Disposition'), decision,
      h('label', { for: 'disposition-reason' }, 'Reason (required)'), reason, msg,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Record disposition')));
      replace(detail, h('h2', {}, `Hit: ${x.surname}, ${x.given_names || ''}`), comparison(t, x), h('h3', {}, 'Crossings'), historyView(t.crossings, ctx), form);
      detail.focus();
    } catch (err) { replace(detail, problemView(err)); }
  }

  // Traveller and listed entry side by side; the entry is fetched from the lists loaded in the server.
  function comparison(t, x) {
    const box = h('div', { class: 'compare-wrap' }, h('p', { class: 'muted' }, `Loading ${x.list} ${x.entry_id}…`));
    get(`/api/v1/watchlists/${encodeURIComponent(x.list)}/entries/${encodeURIComponent(x.entry_id)}`).then((r) => {
      const e = r.entry || {};
      const tr = t.traveller;
      const docs = (t.documents || []).map((d) => `${d.type} ${d.number} ${d.issuing_state}`);
      const edocs = (e.documents || []).map((d) => `${d.type || ''} ${d.number || ''} ${d.country || ''}`.trim());
      const rows = [
        ['Name', `${tr.surname}, ${tr.given_names || ''}`, (e.names || []).join(' / ')],
        ['Date of birth', tr.birth_date, (e.birth_dates || []).join(', ')],
        ['Nationality', tr.nationality, (e.nationalities || []).join(', ')],
        ['Sex', tr.sex, e.sex],
        ['Documents', docs.join('; '), edocs.join('; ')],
      ];
      const same = (a, b) => a && b && String(b).toUpperCase().includes(String(a).toUpperCase());
      replace(box, h('div', { class: 'card compare-card' },
        h('h3', {}, `${x.list} ${x.entry_id}${e.category ? ` · ${e.category}` : ''}${x.score != null ? ` · score ${pct(x.score)}` : ''}`),
        h('table', { class: 'grid cmp' },
          h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, 'Traveller'), h('th', {}, 'Watchlist entry'))),
          h('tbody', {}, rows.map(([k, a, b]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, a || '—'),
            h('td', { class: !a || !b ? null : same(a, b) ? 'same' : 'diff' }, b || '—'))))),
        e.notes ? h('p', {}, h('strong', {}, 'Notes: '), e.notes) : null));
    }).catch((err) => replace(box, problemView(err, { notFoundText: `the watchlist entry ${x.list} ${x.entry_id} cannot be shown by this server (the entry endpoint is missing or the entry is no longer listed).` })));
    return box;
  }

  load();
}

function radios(name, options, checked) {
  return h('fieldset', { class: 'radios' }, h('legend', { class: 'sr-only' }, name),
    options.map(([v, label]) => h('label', { class: 'radio' }, h('input', { type: 'radio', name, value: v, checked: v === checked }), ` ${label} `)));
}

export function codePicker(ctx) {
  return h('fieldset', { class: 'codes', id: 'resolve-codes' }, h('legend', {}, 'Annex V reasons'),
    ctx.refusalCodes.map((c) => h('label', { class: 'code' }, h('input', { type: 'checkbox', value: c.code }), h('kbd', {}, c.code), ' ', c.description)));
}
