// flights.js - advance passenger information. Carriers send their passenger and crew lists
// (UN/EDIFACT PAXLST, POST /api/v1/api-messages) and the server screens every person before
// arrival. #/flights lists the flights by arrival date (hits marked); #/flights/12 shows one: its
// messages and parts, then the persons with hits first, each hit with its disposition. A supervisor
// marks a hit a verified false hit or a true hit (reason required), as on the second line. Reading
// a flight is recorded in the audit trail by the server.
import { h, replace, table, fields, fmtTime, pct } from './dom.js';
import { api, get, qs, problemView } from './api.js';

const BOARD = {
  board: ['OK TO BOARD', 'ok'],
  no_board: ['NO BOARD', 'no'],
  insufficient: ['INSUFFICIENT DATA', 'insufficient'],
};
const DOCUMENT_ID = { CP: 'change', XR: 'persons cancelled', XF: 'flight cancelled' };
const NOT_AVAILABLE = 'this server does not receive advance passenger information (PAXLST) yet.';

let listQuery = ''; // the list's date range, kept for "All flights" (dates only, no personal data)

export const flightName = (f) => `${f.carrier || ''}${f.number || ''}` || `flight ${f.id}`;
export const flightRoute = (f) => `${f.departure_airport || '?'} → ${f.arrival_airport || '?'}`;
// text: the server's board_text ("INSUFFICIENT DATA: BIRTH DATE"), when known.
export function boardBadge(board, text) {
  const [label, cls] = BOARD[board] || [board || '—', 'insufficient'];
  return h('span', { class: `board ${cls}` }, text || label);
}

export function render(view, ctx) {
  return ctx.args.length ? flightView(view, ctx, ctx.args[0]) : listView(view, ctx);
}

function listView(view, ctx) {
  const from = h('input', { id: 'f-from', type: 'date', value: ctx.query.get('from') || '' });
  const to = h('input', { id: 'f-to', type: 'date', value: ctx.query.get('to') || '' });
  const body = h('div', { id: 'f-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const form = h('form', { id: 'f-form', class: 'card row', onsubmit: (e) => {
    e.preventDefault();
    const target = `flights${qs({ from: from.value, to: to.value })}`;
    if (location.hash === `#/${target}`) load(); else ctx.go(target);
  } },
  h('label', { for: 'f-from' }, 'Arriving from'), from, h('label', { for: 'f-to' }, 'to'), to,
  h('button', { type: 'submit', class: 'primary' }, 'Show'),
  h('span', { class: 'muted small' }, 'Without dates: flights arriving since yesterday.'));
  replace(view, h('h1', {}, 'Flights'), form, body);

  async function load() {
    replace(body, h('p', { class: 'muted' }, 'Loading…'));
    listQuery = qs({ from: from.value, to: to.value });
    try {
      const r = await get(`/api/v1/flights${listQuery}`);
      const list = r.flights || [];
      const withHits = list.filter((f) => f.persons_with_hits > 0).length;
      replace(body, h('section', { class: 'card' },
        h('h2', {}, `${list.length} flight${list.length === 1 ? '' : 's'}${withHits ? `, ${withHits} with hits` : ''}`),
        table([
          { label: 'Flight', get: (f) => [h('strong', {}, flightName(f)), f.persons_with_hits ? h('span', { class: 'badge hit' }, 'HITS') : null] },
          { label: 'Route', get: (f) => flightRoute(f) },
          { label: 'Departure (local)', get: (f) => fmtTime(f.departure_time) },
          { label: 'Arrival (local)', get: (f) => fmtTime(f.arrival_time) },
          { label: 'Persons', class: 'num', get: (f) => String(f.persons) },
          { label: 'With hits', class: 'num', get: (f) => (f.persons_with_hits ? h('strong', { class: 'bad' }, String(f.persons_with_hits)) : '0') },
          { label: 'No board', class: 'num', get: (f) => (f.no_board ? h('strong', { class: 'bad' }, String(f.no_board)) : '0') },
          { label: 'Best score', class: 'num', get: (f) => (f.max_score ? pct(f.max_score) : '—') },
          { label: 'Messages', class: 'num', get: (f) => String(f.messages) },
          { label: 'Status', get: (f) => h('span', { class: `status ${f.status}` }, f.status) },
          { label: 'Last received', get: (f) => fmtTime(f.last_received) },
        ], list, {
          empty: 'No flight arriving in this period has sent a passenger list.',
          rowClass: (f) => (f.persons_with_hits ? 'row-hit' : f.status === 'cancelled' ? 'row-cancelled' : null),
          onRow: (f) => ctx.go(`flights/${f.id}`),
        })));
    } catch (err) { replace(body, problemView(err, { notFoundText: NOT_AVAILABLE })); }
  }
  load();
}

function flightView(view, ctx, id) {
  const canDispose = ctx.can('disposition.create');
  const title = h('h1', { id: 'fl-title' }, 'Flight');
  const done = h('div', { id: 'fl-done', 'aria-live': 'polite' });
  const head = h('div', { id: 'fl-head' }, h('p', { class: 'muted' }, 'Loading…'));
  const filter = h('input', { id: 'fl-filter', type: 'search', placeholder: 'Name or document number', autocomplete: 'off', spellcheck: 'false' });
  const onlyHits = h('input', { id: 'fl-only-hits', type: 'checkbox' });
  const count = h('span', { class: 'muted', id: 'fl-count', 'aria-live': 'polite' });
  const persons = h('div', { id: 'fl-persons' });
  const tools = h('div', { class: 'card row', id: 'fl-tools' },
    h('label', { for: 'fl-filter' }, 'Find'), filter,
    h('label', { class: 'check' }, onlyHits, ' only persons with hits'), count);
  tools.hidden = true;
  filter.addEventListener('input', draw);
  onlyHits.addEventListener('change', draw);
  replace(view, h('a', { href: `#/flights${listQuery}`, class: 'back' }, '← All flights'), title, done, head, tools, persons);

  let flight = null;

  async function load() {
    try {
      flight = await get(`/api/v1/flights/${encodeURIComponent(id)}`);
    } catch (err) {
      replace(head, problemView(err, { notFoundText: `there is no flight ${id} (or the passenger lists have been deleted after their retention period).` }));
      return;
    }
    const f = flight;
    replace(title, `Flight ${flightName(f)} `, h('span', { class: 'route' }, flightRoute(f)),
      f.status === 'cancelled' ? h('span', { class: 'status cancelled' }, 'cancelled') : null);
    document.title = `${flightName(f)} · Flights · openbmis`;
    replace(head, headView(f));
    tools.hidden = false;
    draw();
  }

  function headView(f) {
    const msgs = f.message_list || [];
    const parts = [...new Set(msgs.map((m) => m.part).filter((p) => p != null))].sort((a, b) => a - b);
    const partsText = f.parts_complete
      ? `complete: ${f.parts_last || 1} part${(f.parts_last || 1) === 1 ? '' : 's'}`
      : `INCOMPLETE: part${parts.length === 1 ? '' : 's'} ${parts.join(', ') || '—'} received, ${f.parts_last ? `${f.parts_last} expected` : 'last part not received yet'}`;
    return h('div', { class: 'cols' },
      h('section', { class: 'card' }, h('h2', {}, 'Flight'),
        fields([
          ['Departure', `${f.departure_airport || '—'} ${fmtTime(f.departure_time)} (local time)`],
          ['Arrival', `${f.arrival_airport || '—'} ${fmtTime(f.arrival_time)} (local time)`],
          ['Status', h('span', { class: `status ${f.status}` }, f.status)],
          ['Persons', `${f.persons}: ${f.persons_with_hits} with hits, ${f.no_board} no board`],
          ['Best score', f.max_score ? pct(f.max_score) : '—'],
          ['Passenger list', h('span', { id: 'fl-parts', class: f.parts_complete ? 'good' : 'bad' }, partsText)],
          ['Received', `${fmtTime(f.first_received)}${f.last_received && f.last_received !== f.first_received ? ` to ${fmtTime(f.last_received)}` : ''}`],
          ['Retention', h('span', { id: 'fl-retention' }, `deleted after ${fmtTime(f.retain_until)}`)],
        ]),
        h('p', { class: 'muted small' }, 'Opening a flight is recorded in the audit trail with your name.')),
      h('section', { class: 'card' }, h('h2', {}, `Messages received (${msgs.length})`),
        table([
          { label: 'Received', get: (m) => fmtTime(m.received) },
          { label: 'Sender', get: (m) => m.sender || '—' },
          { label: 'Reference', get: (m) => m.common_access_ref || m.message_ref || '—' },
          { label: 'Part', get: (m) => `${m.part ?? '—'}${m.last_part ? ' (last)' : ''}` },
          { label: 'List', get: (m) => [m.list_type || '—', m.document_id ? h('span', { class: 'badge' }, DOCUMENT_ID[m.document_id] || m.document_id) : null] },
          { label: 'Persons', class: 'num', get: (m) => String(m.persons) },
          { label: 'Errors / warnings', class: 'num', get: (m) => h('span', { class: m.errors ? 'bad' : null }, `${m.errors} / ${m.warnings}`) },
        ], msgs, { empty: 'No message kept.' })));
  }

  function matches(p, q) {
    if (!q) return true;
    return [p.surname, p.given_names, p.document_number, `${p.given_names || ''} ${p.surname || ''}`, `${p.surname || ''} ${p.given_names || ''}`]
      .some((s) => s && s.toUpperCase().includes(q));
  }

  function draw() {
    if (!flight) return;
    const all = flight.person_list || [];
    const q = filter.value.trim().toUpperCase().replace(/\s+/g, ' ');
    const shown = all.filter((p) => matches(p, q));
    const hit = shown.filter((p) => (p.hits || []).length);
    // Without hits, the persons screening could not judge (insufficient data) come first.
    const rest = onlyHits.checked ? [] : shown.filter((p) => !(p.hits || []).length)
      .sort((a, b) => (b.board === 'insufficient') - (a.board === 'insufficient'));
    count.textContent = `showing ${hit.length + rest.length} of ${all.length}`;
    replace(persons,
      h('section', { class: 'card', id: 'fl-hits' }, h('h2', {}, `Persons with hits (${hit.length})`),
        hit.length ? hit.map(personCard) : h('p', { class: 'muted empty' }, q ? 'No person with hits matches.' : 'No person on this flight has a hit.')),
      onlyHits.checked ? null : h('section', { class: 'card', id: 'fl-others' }, h('h2', {}, `Other persons (${rest.length})`),
        table([
          { label: 'Board', get: (p) => boardBadge(p.board, p.board_text) },
          { label: 'Name', get: (p) => personName(p) },
          { label: 'Role', get: (p) => (p.role || '—').replace(/_/g, ' ') },
          { label: 'Born', get: (p) => p.birth_date || '—' },
          { label: 'Sex', get: (p) => p.sex || '—' },
          { label: 'Nationality', get: (p) => p.nationality || '—' },
          { label: 'Document', get: (p) => documentText(p) },
          { label: 'Seat', get: (p) => p.seat || '—' },
        ], rest, { empty: q ? 'No other person matches.' : 'No other person.' })));
  }

  function personCard(p) {
    const slot = h('div', { class: 'disposition-slot' });
    return h('article', { class: `person-card board-${p.board}`, dataset: { person: String(p.id) } },
      h('div', { class: 'person-head' },
        boardBadge(p.board, p.board_text),
        h('span', { class: 'name' }, personName(p)),
        p.role && p.role !== 'passenger' ? h('span', { class: 'badge' }, p.role.replace(/_/g, ' ')) : null,
        h('span', {}, `born ${p.birth_date || '—'} · ${p.sex || '—'} · ${p.nationality || '—'}`),
        h('span', {}, documentText(p)),
        h('span', {}, `seat ${p.seat || '—'}`),
        p.embarkation || p.debarkation ? h('span', { class: 'muted' }, `${p.embarkation || '?'} → ${p.debarkation || '?'}`) : null),
      table([
        { label: 'Score', get: (x) => h('span', { class: 'score' }, pct(x.score)) },
        { label: 'List', get: (x) => h('strong', { class: 'list' }, x.list) },
        { label: 'Entry', get: (x) => h('span', { class: 'entry mono' }, x.entry_id) },
        { label: 'Listed name', get: (x) => x.matched_name || '—' },
        { label: 'Document', get: (x) => (x.document_match ? h('strong', { class: 'bad' }, 'MATCHES the listed document') : 'no match') },
        { label: 'Why', get: (x) => h('ul', { class: 'reasons' }, String(x.reasons || '').split('; ').filter(Boolean).map((t) => h('li', {}, t))) },
        { label: 'Disposition', get: (x) => dispositionCell(p, x, slot) },
      ], p.hits, { rowClass: () => 'fl-hit' }),
      slot);
  }

  function dispositionCell(p, x, slot) {
    if (x.disposition) {
      return h('span', { class: `disp ${x.disposition}` }, x.disposition === 'false_hit' ? 'verified false hit' : 'true hit (confirmed)');
    }
    if (!canDispose) return h('span', { class: 'muted' }, 'none yet');
    return h('span', { class: 'row' },
      h('button', { type: 'button', class: 'mark-false', onclick: () => openDisposition(p, x, slot, 'false_hit') }, 'False hit…'),
      h('button', { type: 'button', class: 'mark-true', onclick: () => openDisposition(p, x, slot, 'true_hit') }, 'True hit…'));
  }

  // One disposition form at a time, under the person's hits; the reason is required.
  function openDisposition(p, x, slot, decision) {
    for (const old of persons.querySelectorAll('.disposition-slot')) replace(old);
    const reason = h('textarea', { id: 'fl-disposition-reason', class: 'notes', 'aria-required': 'true' });
    const msg = h('div', { 'aria-live': 'assertive' });
    const what = decision === 'false_hit' ? 'a verified false hit (not this person)' : 'a true hit (confirmed)';
    replace(slot, h('form', { id: 'fl-disposition-form', class: 'card', onsubmit: async (e) => {
      e.preventDefault();
      const body = { traveller_key: p.traveller_key, watchlist_id: x.watchlist_id, entry_id: x.entry_id, decision, reason: reason.value.trim() };
      if (!body.reason) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'The reason is required.')); reason.focus(); return; }
      try {
        await api('POST', '/api/v1/dispositions', body);
        replace(done, h('div', { class: 'notice', role: 'status' }, `Hit ${x.list} ${x.entry_id} for ${p.surname}: marked ${decision === 'false_hit' ? 'a verified false hit' : 'a true hit'}.`));
        await load();
      } catch (err) { replace(msg, problemView(err)); }
    } },
    h('h3', {}, `Mark ${x.list} ${x.entry_id} for ${personName(p)} ${what}`),
    decision === 'false_hit' ? h('p', { class: 'muted small' }, 'A verified false hit is not raised again for this traveller, at the booth or on later passenger lists.') : null,
    h('label', { for: 'fl-disposition-reason' }, 'Reason (required)'), reason, msg,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Record disposition'),
      h('button', { type: 'button', onclick: () => replace(slot) }, 'Cancel'))));
    reason.focus();
  }

  load();
}

function personName(p) { return `${p.surname || '—'}, ${p.given_names || ''}`; }
function documentText(p) {
  if (!p.document_number) return '—';
  return `${p.document_type || ''} ${p.document_number} ${p.issuing_state || ''}`.trim() + (p.expiry_date ? ` (expires ${p.expiry_date})` : '');
}
