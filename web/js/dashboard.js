// dashboard.js - crossings today and over time, by BCP, direction, nationality and sex; refusals by
// reason; hits and their dispositions. Aggregates only (GET /api/v1/stats/...). Charts are Chart.js,
// copied from npm into vendor/ at build time (web/build.sh) and loaded from this server only.
import { h, replace } from './dom.js';
import { get, qs, problemView } from './api.js';

let chartLib = null;
function loadChart() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!chartLib) {
    chartLib = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = 'vendor/chart.umd.min.js';
      s.onload = () => resolve(window.Chart);
      s.onerror = () => { chartLib = null; reject(new Error('vendor/chart.umd.min.js did not load: build the web directory with web/build.sh')); };
      document.head.appendChild(s);
    });
  }
  return chartLib;
}

const COLORS = ['#0b4f9c', '#c4661f', '#0a7a3a', '#b00020', '#6b3fa0', '#00838f', '#8a5a00', '#ad1457', '#455a64', '#7cb342'];

export function render(view, ctx) {
  // Empty dates: the server's default period (the last 30 days); the answer fills them in.
  const from = h('input', { id: 'd-from', type: 'date' });
  const to = h('input', { id: 'd-to', type: 'date' });
  const bcp = h('select', { id: 'd-bcp' }, h('option', { value: '' }, 'All BCPs'), ctx.bcps.map((b) => h('option', { value: String(b.id) }, b.code)));
  const body = h('div', { id: 'dash-body' });
  const charts = [];
  const form = h('form', { id: 'dash-form', class: 'card row', onsubmit: (e) => { e.preventDefault(); load(); } },
    h('label', { for: 'd-from' }, 'From'), from, h('label', { for: 'd-to' }, 'To'), to, h('label', { for: 'd-bcp' }, 'BCP'), bcp,
    h('button', { type: 'submit', class: 'primary' }, 'Show'));
  replace(view, h('h1', {}, 'Dashboard'), form, body);

  function destroy() { while (charts.length) charts.pop().destroy(); }

  async function load() {
    destroy();
    replace(body, h('p', { class: 'muted' }, 'Loading…'));
    const [c, hs, Chart] = await Promise.allSettled([
      get(`/api/v1/stats/crossings${qs({ from: from.value, to: to.value, bcp_id: bcp.value })}`),
      get(`/api/v1/stats/hits${qs({ from: from.value, to: to.value })}`),
      loadChart()]);
    replace(body);
    if (Chart.status === 'rejected') { body.append(problemView(Chart.reason)); return; }
    const C = Chart.value;
    C.defaults.animation = false;
    C.defaults.maintainAspectRatio = false;
    C.defaults.font.family = getComputedStyle(document.body).fontFamily;
    const tiles = h('div', { class: 'tiles' });
    const grid = h('div', { class: 'charts' });
    body.append(tiles, grid);
    const tile = (n, l) => h('div', { class: 'tile' }, h('div', { class: 'n' }, Number(n || 0).toLocaleString('en')), h('div', { class: 'l' }, l));
    const chart = (title, config, wide) => {
      const canvas = h('canvas', { role: 'img', 'aria-label': title });
      grid.append(h('figure', { class: `chart${wide ? ' wide' : ''}` }, h('figcaption', {}, h('strong', {}, title)), h('div', { class: 'canvas-box' }, canvas)));
      charts.push(new C(canvas, config));
    };
    const bar = (labels, data, label, horizontal) => ({ type: 'bar', data: { labels, datasets: [{ label, data, backgroundColor: COLORS[0] }] },
      options: { indexAxis: horizontal ? 'y' : 'x', plugins: { legend: { display: false } } } });
    const pie = (obj) => ({ type: 'doughnut', data: { labels: Object.keys(obj), datasets: [{ data: Object.values(obj), backgroundColor: COLORS }] },
      options: { plugins: { legend: { position: 'right' } } } });

    if (c.status === 'fulfilled') {
      const s = c.value;
      if (s.from && !from.value) from.value = s.from;
      if (s.to && !to.value) to.value = s.to;
      tiles.append(tile(s.today && s.today.entry, 'entries today'), tile(s.today && s.today.exit, 'exits today'),
        tile(s.today && s.today.refused, 'refusals today'), tile(s.total, `crossings ${s.from} to ${s.to}`));
      const days = s.by_day || [];
      chart('Crossings per day', { type: 'line', data: { labels: days.map((d) => d.date), datasets: [
        { label: 'entry', data: days.map((d) => d.entry), borderColor: COLORS[0], backgroundColor: COLORS[0], tension: 0.2 },
        { label: 'exit', data: days.map((d) => d.exit), borderColor: COLORS[1], backgroundColor: COLORS[1], tension: 0.2 },
        { label: 'refused', data: days.map((d) => d.refused), borderColor: COLORS[3], backgroundColor: COLORS[3], tension: 0.2 }] },
      options: { interaction: { mode: 'index', intersect: false } } }, true);
      chart('By border crossing point', bar((s.by_bcp || []).map((b) => b.code), (s.by_bcp || []).map((b) => b.count), 'crossings', true));
      chart('By nationality', bar((s.by_nationality || []).map((b) => b.nationality), (s.by_nationality || []).map((b) => b.count), 'crossings'));
      chart('By direction', pie(s.by_direction || {}));
      chart('By sex', pie(s.by_sex || {}));
      chart('Decisions', pie(s.by_decision || {}));
      chart('Refusals by Annex V reason', bar((s.refusals_by_code || []).map((r) => r.code), (s.refusals_by_code || []).map((r) => r.count), 'refusals'));
    } else {
      body.insertBefore(problemView(c.reason, { notFoundText: 'this server does not provide crossing statistics yet.' }), tiles);
    }
    if (hs.status === 'fulfilled') {
      const s = hs.value;
      const d = s.dispositions || {};
      tiles.append(tile(s.total, 'watchlist hits'), tile(d.pending, 'hits pending'));
      chart('Hits by list', bar((s.by_list || []).map((b) => b.list), (s.by_list || []).map((b) => b.count), 'hits'));
      chart('Hit dispositions', pie(d));
    } else {
      body.insertBefore(problemView(hs.reason, { notFoundText: 'this server does not provide hit statistics yet.' }), tiles);
    }
  }
  load();
  return destroy;
}
