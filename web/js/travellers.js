// travellers.js - search and history. Every search and every traveller opened is recorded in the
// audit trail by the server (who looked at whom, when), which the screen says.
import { h, replace, table, fields } from './dom.js';
import { get, qs, problemView } from './api.js';
import { historyView } from './inspect.js';

export function render(view, ctx) {
  const inp = (id, label, attrs = {}) => [h('label', { for: id }, label), h('input', { id, autocomplete: 'off', ...attrs })];
  const results = h('div', { id: 't-results' });
  const detail = h('section', { id: 't-detail', tabindex: -1 });
  const form = h('form', { id: 't-form', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const v = (id) => form.querySelector(`#${id}`).value.trim();
    const q = { surname: v('t-surname').toUpperCase(), given_names: v('t-given').toUpperCase(), birth_date: v('t-birth'), document_number: v('t-doc').toUpperCase() };
    if (!Object.values(q).some(Boolean)) { replace(results, h('div', { class: 'problem', role: 'alert' }, 'Give at least one search term.')); return; }
    replace(results, h('p', { class: 'muted' }, 'Searching…'));
    replace(detail);
    try {
      const r = await get(`/api/v1/travellers${qs(q)}`);
      replace(results, h('section', { class: 'card' }, h('h2', {}, `${(r.travellers || []).length} found`), table([
        { label: 'Surname', get: (t) => t.surname },
        { label: 'Given names', get: (t) => t.given_names || '' },
        { label: 'Born', get: (t) => t.birth_date || '' },
        { label: 'Sex', get: (t) => t.sex || '' },
        { label: 'Nationality', get: (t) => t.nationality || '' },
      ], r.travellers, { empty: 'No traveller matches.', onRow: (t, tr) => { for (const x of results.querySelectorAll('tr.selected')) x.classList.remove('selected'); tr.classList.add('selected'); open(t.id); } })));
    } catch (err) { replace(results, problemView(err)); }
  } },
  h('h2', {}, 'Search'),
  h('div', { class: 'form-grid' }, inp('t-surname', 'Surname'), inp('t-given', 'Given names'), inp('t-birth', 'Date of birth', { placeholder: 'YYYY-MM-DD' }), inp('t-doc', 'Document number')),
  h('button', { type: 'submit', class: 'primary' }, 'Search'),
  h('p', { class: 'muted small' }, 'Searches and every traveller opened are recorded in the audit trail with your name.'));

  async function open(id) {
    replace(detail, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const r = await get(`/api/v1/travellers/${id}`);
      const t = r.traveller;
      replace(detail, h('section', { class: 'card' },
        h('h2', {}, `${t.surname}, ${t.given_names || ''}`),
        fields([['Born', t.birth_date], ['Sex', t.sex], ['Nationality', t.nationality], ['Traveller id', String(t.id)]]),
        h('h3', {}, 'Documents'),
        table([{ label: 'Type', get: (d) => d.type }, { label: 'Number', get: (d) => d.number }, { label: 'Issuing state', get: (d) => d.issuing_state }, { label: 'Expiry', get: (d) => d.expiry_date || '' }], r.documents),
        h('h3', {}, `Crossings (${(r.crossings || []).length})`), historyView(r.crossings, ctx)));
      detail.focus();
    } catch (err) { replace(detail, problemView(err)); }
  }
  replace(view, h('h1', {}, 'Travellers'), form, results, detail);
  form.querySelector('#t-surname').focus();
}
