// inspect.js - primary inspection at the booth. The MRZ field has the focus; a reader types the
// lines and Enter, the inspection runs, and the result replaces the form: watchlist hits first (a
// full-width red alert panel that cannot be missed), then the document with its checks, the stay
// and the previous crossings. Decisions by keyboard: A admit, R refuse (reasons by their letter),
// S second line, N or Esc next traveller; focus returns to the MRZ field.
import { h, replace, table, fields, fmtTime, pct } from './dom.js';
import { api, problemView } from './api.js';
import { mrzLines, mrzComplete, mrzProgress } from './mrz.js';
import { flightName, flightRoute, boardBadge } from './flights.js';

const CHECK_OF = { document_number: 'document_number', birth_date: 'birth_date', expiry_date: 'expiry_date', optional_data: 'optional_data' };

export function render(view, ctx) {
  const bcpSel = h('select', { id: 'bcp', 'aria-label': 'Border crossing point' },
    ctx.bcps.filter((b) => b.active !== false).map((b) => h('option', { value: String(b.id) }, `${b.code} · ${b.name}`)));
  const savedBcp = localStorage.getItem('bmis.bcp') || (ctx.me.bcp_id != null ? String(ctx.me.bcp_id) : null);
  if (savedBcp && ctx.bcps.some((b) => String(b.id) === savedBcp)) bcpSel.value = savedBcp;
  bcpSel.addEventListener('change', () => { localStorage.setItem('bmis.bcp', bcpSel.value); focusMrz(); });
  let direction = localStorage.getItem('bmis.direction') === 'exit' ? 'exit' : 'entry';
  const dirBtns = ['entry', 'exit'].map((d) => h('button', { type: 'button', class: 'seg', dataset: { dir: d }, 'aria-pressed': String(d === direction),
    onclick: () => { setDirection(d); focusMrz(); } }, d === 'entry' ? 'Entry' : 'Exit'));
  function setDirection(d) {
    direction = d;
    localStorage.setItem('bmis.direction', d);
    for (const b of dirBtns) b.setAttribute('aria-pressed', String(b.dataset.dir === d));
  }

  const mrz = h('textarea', { id: 'mrz', class: 'mrz', rows: 3, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'characters',
    'aria-describedby': 'mrz-hint', 'aria-label': 'Machine readable zone' });
  const hint = h('div', { id: 'mrz-hint', class: 'hint', 'aria-live': 'polite' }, mrzProgress([]));
  const lastDone = h('div', { id: 'last', class: 'last', 'aria-live': 'polite' });
  const status = h('div', { id: 'inspect-status', 'aria-live': 'polite' });
  const result = h('section', { id: 'result', tabindex: -1, 'aria-label': 'Inspection result' });

  const manual = manualForm((doc) => inspect({ document: doc }));
  manual.hidden = true;
  const manualBtn = h('button', { type: 'button', class: 'link', onclick: () => toggleManual() }, 'Manual entry (F2)');
  function toggleManual(show = manual.hidden) {
    manual.hidden = !show;
    manualBtn.textContent = show ? 'Back to MRZ (F2)' : 'Manual entry (F2)';
    if (show) manual.querySelector('input').focus(); else focusMrz();
  }

  const mrzForm = h('form', { id: 'mrz-form', class: 'card booth', onsubmit: (e) => { e.preventDefault(); submitMrz(); } },
    h('div', { class: 'booth-row' },
      h('label', { for: 'bcp' }, 'BCP'), bcpSel,
      h('span', { class: 'segs', role: 'group', 'aria-label': 'Direction' }, dirBtns)),
    h('label', { for: 'mrz', class: 'mrz-label' }, 'Machine readable zone'),
    mrz, hint,
    h('div', { class: 'booth-row check-row' }, h('button', { type: 'submit', class: 'primary' }, 'Check (Enter)'), manualBtn),
    manual);

  replace(view, h('h1', { class: 'sr-only' }, 'Primary inspection'), mrzForm, lastDone, status, result);

  mrz.addEventListener('input', () => { hint.textContent = mrzProgress(mrzLines(mrz.value)); });
  // Enter ends a line; after the last line of a complete MRZ it submits. Ctrl+Enter always submits.
  mrz.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const lines = mrzLines(mrz.value);
    if (e.ctrlKey || mrzComplete(lines)) { e.preventDefault(); submitMrz(); }
  });

  let current = null; // the inspection on screen
  let mode = 'idle'; // idle | busy | result | refuse | refer | admit-confirm
  let panel = null;

  function focusMrz() { if (manual.hidden) mrz.focus(); }

  function submitMrz() {
    const lines = mrzLines(mrz.value);
    if (lines.length === 0) { hint.textContent = 'Nothing to check: scan the document or type its MRZ.'; return; }
    inspect({ mrz: lines.join('\n') });
  }

  async function inspect(what) {
    if (mode === 'busy') return;
    if (!bcpSel.value) { replace(status, h('div', { class: 'problem', role: 'alert' }, 'Choose the border crossing point first.')); return; }
    mode = 'busy';
    replace(status, h('p', { class: 'muted' }, 'Checking…'));
    replace(result);
    try {
      const r = await api('POST', '/api/v1/inspections', { ...what, bcp_id: Number(bcpSel.value), direction });
      replace(status);
      current = r;
      showResult(r);
    } catch (err) {
      mode = 'idle';
      replace(status, problemView(err));
      focusMrz();
    }
  }

  function showResult(r) {
    mode = 'result';
    mrzForm.classList.add('collapsed');
    const hits = r.hits || [];
    document.body.classList.toggle('hit', hits.length > 0);
    document.title = hits.length ? `HIT (${hits.length}) · ${r.traveller.surname} · openbmis` : `${r.traveller.surname} · Inspection · openbmis`;
    const t = r.traveller;
    replace(result,
      hits.length ? alertPanel(hits) : h('div', { class: 'clear-panel', role: 'status' }, 'No watchlist hit'),
      r.prescreened ? prescreenPanel(r.prescreened, ctx) : null,
      h('div', { class: 'who-line' },
        h('span', { class: 'name' }, `${t.surname}, ${t.given_names || ''}`),
        h('span', {}, `${t.nationality || '—'} · born ${t.birth_date || '—'} · ${t.sex || '—'}`),
        t.new ? h('span', { class: 'badge' }, 'first crossing') : null),
      decisionBar(),
      h('div', { id: 'decision-panel' }),
      h('div', { class: 'cols' },
        h('section', { class: 'card' }, h('h2', {}, 'Document'), documentView(r)),
        h('section', { class: 'card' }, h('h2', {}, 'Stay'), stayView(r.stay, r.direction))),
      h('section', { class: 'card' }, h('h2', {}, `Previous crossings (${(r.history || []).length})`), historyView(r.history, ctx)));
    panel = result.querySelector('#decision-panel');
    (result.querySelector('.alert-panel') || result).focus();
  }

  function decisionBar() {
    return h('div', { class: 'decisions', role: 'group', 'aria-label': 'Decision' },
      h('button', { type: 'button', class: 'dec admit', id: 'btn-admit', onclick: () => admit() }, h('kbd', {}, 'A'), ' Admit'),
      h('button', { type: 'button', class: 'dec refuse', id: 'btn-refuse', onclick: () => openRefuse() }, h('kbd', {}, 'R'), ' Refuse'),
      h('button', { type: 'button', class: 'dec refer', id: 'btn-refer', onclick: () => openRefer() }, h('kbd', {}, 'S'), ' Second line'),
      h('button', { type: 'button', class: 'dec next', id: 'btn-next', onclick: () => next() }, h('kbd', {}, 'N'), ' Next traveller (Esc)'));
  }

  function admit() {
    if (!current) return;
    if ((current.hits || []).length && mode !== 'admit-confirm') {
      mode = 'admit-confirm';
      replace(panel, h('div', { class: 'problem', role: 'alert' }, 'This traveller has a watchlist hit. Press ', h('kbd', {}, 'A'),
        ' again to admit anyway, or refer to second line (', h('kbd', {}, 'S'), ').'));
      return;
    }
    decide({ decision: 'admitted' }, 'Admitted');
  }

  function openRefuse() {
    if (!current) return;
    mode = 'refuse';
    const suggest = suggestedCodes(current);
    const remarks = h('input', { id: 'refuse-remarks', placeholder: 'Remarks (optional)', autocomplete: 'off' });
    const boxes = ctx.refusalCodes.map((c) => h('label', { class: 'code' },
      h('input', { type: 'checkbox', value: c.code, dataset: { code: c.code } }),
      h('kbd', {}, c.code), ' ', c.description, suggest.includes(c.code) ? h('span', { class: 'badge' }, 'suggested') : null));
    const msg = h('div', { 'aria-live': 'assertive' });
    replace(panel, h('form', { class: 'card refuse-form', id: 'refuse-form', onsubmit: (e) => { e.preventDefault(); confirmRefuse(); } },
      h('h2', {}, 'Refuse entry: Annex V reasons'),
      h('p', { class: 'muted' }, 'Press a reason\'s letter to tick it; Enter confirms, Esc goes back.'),
      h('fieldset', { class: 'codes' }, h('legend', { class: 'sr-only' }, 'Reasons'), boxes),
      remarks, msg,
      h('div', { class: 'booth-row' }, h('button', { type: 'submit', class: 'dec refuse' }, 'Confirm refusal (Enter)'),
        h('button', { type: 'button', onclick: () => cancelPanel() }, 'Back (Esc)'))));
    panel.querySelector('fieldset').focus();
    panel.querySelector('form').tabIndex = -1;
    panel.querySelector('form').focus();
    function confirmRefuse() {
      const codes = [...panel.querySelectorAll('input[type=checkbox]:checked')].map((b) => b.value);
      if (codes.length === 0) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'Tick at least one reason (press its letter).')); return; }
      decide({ decision: 'refused', refusal_codes: codes, remarks: remarks.value.trim() || undefined }, `Refused (${codes.join(', ')})`, msg);
    }
    panel.confirm = confirmRefuse;
  }

  function openRefer() {
    if (!current) return;
    mode = 'refer';
    const hits = current.hits || [];
    const reason = h('input', { id: 'refer-reason', 'aria-required': 'true', autocomplete: 'off',
      value: hits.length ? `watchlist hit: ${hits.map((x) => `${x.list} ${x.entry_id}`).join(', ')}` : '' });
    const msg = h('div', { 'aria-live': 'assertive' });
    replace(panel, h('form', { class: 'card', id: 'refer-form', onsubmit: (e) => {
      e.preventDefault();
      if (!reason.value.trim()) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'Give the reason for the referral.')); return; }
      decide({ decision: 'referred', referral_reason: reason.value.trim() }, 'Referred to second line', msg);
    } },
    h('h2', {}, 'Refer to second line'),
    h('label', { for: 'refer-reason' }, 'Reason'), reason, msg,
    h('div', { class: 'booth-row' }, h('button', { type: 'submit', class: 'dec refer' }, 'Confirm referral (Enter)'),
      h('button', { type: 'button', onclick: () => cancelPanel() }, 'Back (Esc)'))));
    reason.focus();
    reason.select();
  }

  function cancelPanel() {
    mode = 'result';
    replace(panel);
    (result.querySelector('.alert-panel') || result).focus();
  }

  async function decide(body, label, msgEl) {
    const r = current;
    const prev = mode;
    mode = 'busy';
    try {
      const c = await api('POST', '/api/v1/crossings', {
        traveller_id: r.traveller.id, document_id: r.document ? r.document.id : undefined,
        bcp_id: r.bcp_id, direction: r.direction, ...body });
      const t = r.traveller;
      replace(lastDone, h('div', { class: `done ${body.decision}` }, h('strong', {}, label), ` · ${t.surname}, ${t.given_names || ''}`,
        ` · crossing ${c.crossing ? c.crossing.id : ''}`, c.referral_id ? ` · referral ${c.referral_id}` : ''));
      next();
    } catch (err) {
      mode = prev;
      replace(msgEl || panel, problemView(err));
    }
  }

  function next() {
    current = null;
    mode = 'idle';
    replace(result);
    replace(status);
    mrzForm.classList.remove('collapsed');
    document.body.classList.remove('hit');
    document.title = 'Inspection · openbmis';
    mrz.value = '';
    hint.textContent = mrzProgress([]);
    for (const i of manual.querySelectorAll('input')) i.value = '';
    toggleManual(false);
  }

  function onKey(e) {
    if (e.key === 'F2') { e.preventDefault(); if (mode === 'idle') toggleManual(); return; }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const inText = e.target instanceof HTMLElement && e.target.matches('input:not([type=checkbox]), textarea, select');
    if (e.key === 'Escape') {
      if (mode === 'refuse' || mode === 'refer' || mode === 'admit-confirm') { e.preventDefault(); cancelPanel(); } else if (mode === 'result') { e.preventDefault(); next(); }
      return;
    }
    if (inText) return;
    const k = e.key.length === 1 ? e.key.toUpperCase() : e.key;
    if (mode === 'refuse') {
      const box = panel.querySelector(`input[data-code="${CSS.escape(k)}"]`);
      if (box) { e.preventDefault(); box.checked = !box.checked; return; }
      if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) { e.preventDefault(); panel.confirm(); }
      return;
    }
    if (mode !== 'result' && mode !== 'admit-confirm') return;
    if (k === 'A') { e.preventDefault(); admit(); } else if (k === 'R') { e.preventDefault(); openRefuse(); } else if (k === 'S') { e.preventDefault(); openRefer(); } else if (k === 'N') { e.preventDefault(); next(); }
  }
  document.addEventListener('keydown', onKey);
  focusMrz();
  return () => { document.removeEventListener('keydown', onKey); document.body.classList.remove('hit'); };
}

// Reasons the officer probably wants (shown as "suggested", never ticked for him).
function suggestedCodes(r) {
  const s = new Set();
  for (const x of r.hits || []) {
    if (x.kind === 'document' || x.document_match) s.add('A');
    else if (x.list === 'national') s.add('H');
    else s.add('I');
  }
  if (r.stay && r.stay.allowed === false) s.add('F');
  return [...s];
}

function alertPanel(hits) {
  return h('section', { class: 'alert-panel', role: 'alert', tabindex: -1, 'aria-labelledby': 'alert-title' },
    h('h2', { id: 'alert-title' }, `WATCHLIST HIT${hits.length > 1 ? `S (${hits.length})` : ''}`),
    hits.map((x) => h('div', { class: 'hit-card' },
      h('div', { class: 'hit-head' },
        h('span', { class: 'score', title: 'match score' }, pct(x.score)),
        h('span', { class: 'list' }, `${x.list} list`),
        h('span', { class: 'entry' }, x.entry_id),
        x.category ? h('span', { class: 'category' }, x.category) : null),
      h('div', { class: 'hit-body' },
        fields([
          ['Listed name', x.primary_name || x.name || (x.kind === 'document' ? '(document entry: no name)' : '—')],
          x.name && x.primary_name && x.name !== x.primary_name ? ['Matched alias', x.name] : null,
          ['Kind', x.kind],
          ['Document', x.document_match ? h('strong', { class: 'docmatch' }, 'MATCHES the listed document') : 'no document match'],
          ['Name score', x.name_score != null ? pct(x.name_score) : '—'],
        ]),
        h('div', {}, h('h3', {}, 'Why'), h('ul', { class: 'reasons' }, (x.reasons || []).map((t) => h('li', {}, t))))))));
}

// The traveller was on a flight's passenger list (advance passenger information) arriving within
// two days: the flight and what screening before arrival decided. Shown only when there is one.
function prescreenPanel(pre, ctx) {
  const f = pre.flight || {};
  const n = pre.hits || 0;
  const flagged = n > 0 || pre.board !== 'board';
  return h('section', { id: 'prescreened', class: `prescreen-panel${flagged ? ' flagged' : ''}`, role: 'status', 'aria-label': 'Pre-screened before arrival' },
    h('strong', {}, 'Pre-screened before arrival: '),
    `flight ${flightName(f)} ${flightRoute(f)}, arriving ${fmtTime(f.arrival_time)}`,
    f.status === 'cancelled' ? ' (flight cancelled)' : '',
    pre.seat ? `, seat ${pre.seat}` : '', `, screened at ${fmtTime(pre.screened)} · board decision `, boardBadge(pre.board),
    ` · ${n} hit${n === 1 ? '' : 's'}${n ? ` (best ${pct(pre.max_score)})` : ''}`,
    ctx.can('flight.read') && f.id != null
      ? [' · ', h('a', { href: `#/flights/${f.id}`, target: '_blank', rel: 'noopener' }, 'open the flight')] : null);
}

function documentView(r) {
  const d = r.document || {};
  const c = r.document_check;
  const checks = (c && c.checks) || {};
  const errs = (c && c.errors) || [];
  const mark = (field) => {
    if (!c) return h('span', { class: 'muted' }, 'typed');
    const key = CHECK_OF[field];
    const bad = errs.filter((e) => e.field === field);
    if (bad.length) return h('span', { class: 'bad' }, `✗ ${bad.map((e) => e.message).join('; ')}`);
    if (key && key in checks) return checks[key] ? h('span', { class: 'good' }, '✓ check digit') : h('span', { class: 'bad' }, '✗ check digit');
    return h('span', { class: 'good' }, '✓');
  };
  const today = new Date().toISOString().slice(0, 10);
  const expired = d.expiry_date && d.expiry_date < today;
  const rows = [
    ['Document', `${d.type || (c && c.document_code) || '—'} ${c ? `(${c.format})` : ''}`, null],
    ['Number', d.number, 'document_number'],
    ['Issuing state', d.issuing_state, 'issuing_state'],
    ['Surname', c ? c.surname : r.traveller.surname, 'surname'],
    ['Given names', c ? c.given_names : r.traveller.given_names, 'given_names'],
    ['Nationality', c ? c.nationality : r.traveller.nationality, 'nationality'],
    ['Date of birth', c ? c.birth_date : r.traveller.birth_date, 'birth_date'],
    ['Sex', c ? c.sex : r.traveller.sex, 'sex'],
    ['Date of expiry', h('span', { class: expired ? 'bad' : null }, `${d.expiry_date || '—'}${expired ? ' EXPIRED' : ''}`), 'expiry_date'],
    c && c.optional_data ? ['Optional data', c.optional_data, 'optional_data'] : null,
  ].filter(Boolean);
  const tbl = h('table', { class: 'grid doc' }, h('tbody', {}, rows.map(([k, v, f]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v ?? '—'), h('td', { class: 'chk' }, f ? mark(f) : '')))));
  const overall = !c ? h('p', { class: 'muted' }, 'Typed by hand: no MRZ check digits to verify.')
    : h('p', { class: c.valid ? 'good' : 'bad' }, c.valid ? '✓ MRZ valid' : '✗ MRZ invalid',
      'composite' in checks ? (checks.composite ? ' · composite check digit ✓' : ' · composite check digit ✗') : '');
  const other = errs.filter((e) => !rows.some((row) => row[2] === e.field));
  return h('div', {}, overall, tbl, other.length ? h('ul', { class: 'bad' }, other.map((e) => h('li', {}, `line ${e.line}, column ${e.column}: ${e.message}`))) : null);
}

function stayView(s, direction) {
  if (!s) return h('p', { class: 'muted' }, direction === 'exit' ? 'Exit: no stay calculation.' : 'No stay rule applies (citizen or exempt).');
  const rule = s.rule || {};
  const verdictClass = s.allowed === false ? 'bad' : 'good';
  return h('div', {},
    h('p', { class: `verdict ${verdictClass}` }, s.allowed === false ? `✗ ${s.verdict}` : `✓ ${s.verdict}`),
    fields([
      ['Rule', rule.rule ? `${rule.rule}: ${rule.days} days in ${rule.window}` : '—'],
      ['Days used', `${s.days_used}${s.days_used_today != null && s.days_used_today !== s.days_used ? ` (counting today: ${s.days_used_today})` : ''}`],
      ['Remaining days', h('strong', { class: 'remaining' }, String(s.remaining))],
      ['Latest exit', s.latest_exit],
      s.ongoing ? ['In the country since', s.entry] : null,
      s.overstay ? ['Overstay', h('span', { class: 'bad' }, `${s.overstay.days_unlawful ?? s.overstay.days} days since ${s.overstay.first_day}`)] : null,
    ]));
}

export function historyView(history, ctx) {
  const bcp = (id) => { const b = ctx.bcps.find((x) => x.id === id); return b ? b.code : `BCP ${id}`; };
  return table([
    { label: 'Time', get: (c) => fmtTime(c.time) },
    { label: 'BCP', get: (c) => bcp(c.bcp_id) },
    { label: 'Direction', get: (c) => c.direction },
    { label: 'Decision', get: (c) => h('span', { class: `decision ${c.decision}` }, c.decision) },
    { label: 'Codes', get: (c) => (c.refusal_codes || []).join(', ') },
    { label: 'Remarks', get: (c) => c.remarks || '' },
  ], history, { empty: 'No previous crossings.', rowClass: (c) => (c.decision === 'refused' ? 'row-refused' : null) });
}

function manualForm(onSubmit) {
  const f = (id, label, attrs = {}) => [h('label', { for: id }, label), h('input', { id, name: id, autocomplete: 'off', ...attrs })];
  const sex = h('select', { id: 'm-sex', name: 'sex' }, ['', 'F', 'M', 'X'].map((v) => h('option', { value: v }, v || '—')));
  const form = h('div', { class: 'manual', id: 'manual' },
    h('div', { class: 'form-grid' },
      f('m-surname', 'Surname'), f('m-given', 'Given names'),
      f('m-birth', 'Date of birth', { placeholder: 'YYYY-MM-DD', pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?' }),
      h('label', { for: 'm-sex' }, 'Sex'), sex,
      f('m-nat', 'Nationality', { placeholder: 'ISO 3166 alpha-3', maxlength: 3 }),
      f('m-type', 'Document type', { value: 'P', maxlength: 2 }),
      f('m-number', 'Document number'),
      f('m-state', 'Issuing state', { placeholder: 'alpha-3', maxlength: 3 })),
    h('button', { type: 'button', class: 'primary', onclick: submit }, 'Check typed document'));
  form.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target.tagName === 'INPUT') { e.preventDefault(); submit(); } });
  function val(id) { return form.querySelector(`#${id}`).value.trim(); }
  function submit() {
    const doc = {
      surname: val('m-surname').toUpperCase(), given_names: val('m-given').toUpperCase() || undefined,
      birth_date: val('m-birth') || undefined, sex: sex.value || undefined, nationality: val('m-nat').toUpperCase() || undefined,
      document_type: val('m-type').toUpperCase() || undefined, document_number: val('m-number').toUpperCase(), issuing_state: val('m-state').toUpperCase(),
    };
    onSubmit(doc);
  }
  return form;
}
