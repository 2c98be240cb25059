// watchlists.js - the administrator's lists: what is loaded (version, entries), and upload of a new
// version (openbmis JSON Lines, OFAC SDN CSV, UN consolidated XML: the server detects the format). A
// file with a bad row is refused as a whole and the problem names the line; the running list stays.
import { h, replace, table, fmtTime } from './dom.js';
import { api, get, qs, problemView } from './api.js';

const KINDS = ['national', 'sltd', 'un', 'ofac', 'other'];

export function render(view, ctx) {
  const listBox = h('div', { id: 'wl-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const name = h('input', { id: 'wl-name', placeholder: 'e.g. national', autocomplete: 'off' });
  const kind = h('select', { id: 'wl-kind' }, KINDS.map((k) => h('option', { value: k }, k)));
  const version = h('input', { id: 'wl-version', placeholder: 'e.g. 2026-11-23', autocomplete: 'off' });
  const file = h('input', { id: 'wl-file', type: 'file', accept: '.jsonl,.json,.csv,.xml,.txt' });
  const msg = h('div', { id: 'wl-msg', 'aria-live': 'assertive' });
  const btn = h('button', { type: 'submit', class: 'primary' }, 'Upload and replace');
  let known = [];
  const form = h('form', { id: 'wl-form', class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    replace(msg);
    const f = file.files[0];
    if (!name.value.trim() || !f) { replace(msg, h('div', { class: 'problem', role: 'alert' }, 'Give the list name and choose a file.')); return; }
    const existing = known.find((w) => w.name === name.value.trim());
    if (existing && !confirm(`Replace the list "${existing.name}" (version ${existing.version}, ${existing.entries} entries)?`)) return;
    btn.disabled = true;
    replace(msg, h('p', { class: 'muted' }, `Uploading ${f.name} (${f.size} bytes)…`));
    try {
      const r = await api('PUT', `/api/v1/watchlists/${encodeURIComponent(name.value.trim())}${qs({ kind: kind.value, version: version.value.trim(), filename: f.name })}`, await f.arrayBuffer());
      const w = r.watchlist || {};
      replace(msg, h('div', { class: 'notice', role: 'status' }, `Loaded: ${w.name} version ${w.version}, ${w.entries} entries${w.in_use ? ', now in use' : ''}.`));
      load();
    } catch (err) {
      replace(msg, h('div', {}, h('p', { class: 'bad' }, `The file was refused; the list in use is unchanged.`), problemView(err)));
    } finally { btn.disabled = false; }
  } },
  h('h2', {}, 'Upload a new version'),
  h('p', { class: 'muted' }, 'Formats: openbmis JSON Lines, OFAC SDN CSV, UN consolidated list XML (detected from the content). The whole file is checked before it replaces the list.'),
  h('div', { class: 'form-grid' },
    h('label', { for: 'wl-name' }, 'List name'), name,
    h('label', { for: 'wl-kind' }, 'Kind'), kind,
    h('label', { for: 'wl-version' }, 'Version'), version,
    h('label', { for: 'wl-file' }, 'File'), file),
  btn, msg);
  replace(view, h('h1', {}, 'Watchlists'), h('section', { class: 'card' }, h('h2', {}, 'Loaded lists'), listBox), form);

  async function load() {
    try {
      const r = await get('/api/v1/watchlists');
      known = r.watchlists || [];
      replace(listBox, table([
        { label: 'Name', get: (w) => w.name },
        { label: 'Kind', get: (w) => w.kind },
        { label: 'Version', get: (w) => w.version },
        { label: 'Entries', get: (w) => Number(w.entries).toLocaleString('en') , class: 'num' },
        { label: 'Loaded', get: (w) => fmtTime(w.loaded) },
        { label: 'In use', get: (w) => (w.in_use ? 'yes' : 'no') },
      ], known, { empty: 'No lists loaded.', onRow: (w) => { name.value = w.name; kind.value = KINDS.includes(w.kind) ? w.kind : 'other'; file.focus(); } }));
    } catch (err) {
      replace(listBox, err.status === 403
        ? h('p', { class: 'muted' }, `Your role (${ctx.me.role}) may upload lists but not read them; ask for the watchlist.read permission to see the loaded versions.`)
        : problemView(err));
    }
  }
  load();
}
