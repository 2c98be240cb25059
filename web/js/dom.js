// dom.js - build elements without ever parsing data as HTML. Every text goes through textContent
// (or a text node), so a name from a watchlist or a traveller can never become markup.

// h('div', {class: 'x', onclick: fn, dataset: {id: 1}}, child, 'text', [more]) -> element.
// Attributes: class, on<event> (listener), dataset, hidden/disabled/checked/value/... (properties);
// anything else through setAttribute. null/undefined/false children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k in PROPS) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}
const PROPS = { value: 1, checked: 1, disabled: 1, hidden: 1, selected: 1, htmlFor: 1, tabIndex: 1 };

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  return append(clear(el), children);
}

// A table from rows: cols = [{label, get(row) -> node|text, class}]; onRow(row) makes rows clickable
// (and reachable with the keyboard: Tab, then Enter).
export function table(cols, rows, { onRow, empty = 'Nothing to show.', caption, rowClass } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  const thead = h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', class: c.class }, c.label))));
  const tbody = h('tbody', {}, rows.map((r) => {
    const tr = h('tr', { class: rowClass ? rowClass(r) : null }, cols.map((c) => h('td', { class: c.class }, c.get(r))));
    if (onRow) {
      tr.tabIndex = 0;
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(r, tr));
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); onRow(r, tr); } });
    }
    return tr;
  }));
  return h('table', { class: 'grid' }, caption ? h('caption', {}, caption) : null, thead, tbody);
}

// Definition list from [label, value] pairs.
export function fields(pairs) {
  return h('dl', { class: 'fields' }, pairs.filter(Boolean).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

export function fmtTime(iso) {
  if (!iso) return '—';
  return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/:\d\dZ$/, ' UTC');
}

export function pct(x) {
  return `${Math.round(Number(x) * 100)} %`;
}
