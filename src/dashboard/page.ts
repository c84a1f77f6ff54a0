// The dashboard page and its script, kept as strings so the server ships them without a build
// step. The script only renders the snapshots /events sends; all file reading is on the server.

/** The dashboard's HTML shell. */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tensile dashboard</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<style>
body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:1.2rem 2rem;color:#222}
h1{font-size:1.4rem;margin:0 0 .3rem}#status{color:#666;font-size:.85rem;margin-bottom:1rem}
table{border-collapse:collapse;font-size:.85rem;margin-bottom:1.2rem}
th,td{border:1px solid #ddd;padding:.25rem .6rem;text-align:right}th{background:#f5f5f5}
td.l,th.l{text-align:left}.done{color:#1a7f37}.pruned{color:#8250df}.running{color:#b35900}.pending{color:#888}
#charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #eee;padding:.3rem}
.chart h3{font-size:.9rem;margin:.2rem .4rem}.swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
</style></head>
<body><h1>Tensile dashboard</h1><div id="status">connecting…</div>
<table id="runs"><thead><tr><th class="l">study</th><th class="l">run</th><th class="l">status</th><th>epoch</th>
<th>best val_loss</th><th>best epoch</th><th>ETA</th><th class="l">report</th></tr></thead><tbody></tbody></table>
<div id="charts"></div>
<script src="/assets/uPlot.iife.min.js"></script><script src="/assets/dashboard.js"></script>
</body></html>
`;

/** The browser script: renders the run table and one uPlot chart per log key, live from /events. */
export const DASHBOARD_JS = `'use strict';
const COLORS = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
const charts = new Map();
window.dashboardCharts = charts;
const fmt = (v) => (v === null || v === undefined ? '–' : Number(v).toFixed(4));
function eta(s) {
  if (s === null) return '–';
  if (s === 0) return 'done';
  const m = Math.floor(s / 60), r = Math.round(s % 60);
  return m > 0 ? m + ' min ' + r + ' s' : r + ' s';
}
function cell(tr, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}
function renderTable(studies) {
  const body = document.querySelector('#runs tbody');
  body.replaceChildren();
  for (const s of studies) for (const r of s.runs) {
    const tr = document.createElement('tr');
    tr.dataset.run = (s.path ? s.path + '/' : '') + r.id;
    tr.dataset.status = r.status;
    cell(tr, s.name + (s.path ? ' (' + s.path + ')' : ''), 'l');
    cell(tr, r.label, 'l');
    cell(tr, r.status, 'l ' + r.status);
    cell(tr, r.epoch + '/' + r.epochs);
    cell(tr, fmt(r.bestValLoss));
    cell(tr, r.bestEpoch === null ? '–' : String(r.bestEpoch)).className = 'best-epoch';
    cell(tr, eta(r.etaSeconds));
    const td = cell(tr, '', 'l');
    if (s.report) {
      const a = document.createElement('a');
      a.href = s.report; a.textContent = 'report'; td.appendChild(a);
    }
    body.appendChild(tr);
  }
}
function renderCharts(studies) {
  const runs = studies.flatMap((s) => s.runs.map((r) => ({ name: (studies.length > 1 ? s.name + '/' : '') + r.label, r })));
  const keys = [...new Set(runs.flatMap(({ r }) => Object.keys(r.history)))].sort((a, b) =>
    a.replace(/^val_/, '').localeCompare(b.replace(/^val_/, '')) || a.length - b.length);
  const box = document.getElementById('charts');
  for (const key of keys) {
    const n = Math.max(1, ...runs.map(({ r }) => (r.history[key] || []).length));
    const xs = Array.from({ length: n }, (_, i) => i + 1);
    const data = [xs, ...runs.map(({ r }) => xs.map((_, i) => (r.history[key] || [])[i] ?? null))];
    const sig = runs.map((x) => x.name).join('|');
    const have = charts.get(key);
    if (have && have.sig === sig) { have.plot.setData(data); continue; }
    if (have) { have.plot.destroy(); have.el.remove(); }
    const el = document.createElement('div');
    el.className = 'chart'; el.dataset.key = key;
    const h = document.createElement('h3'); h.textContent = key; el.appendChild(h);
    box.appendChild(el);
    const series = [{ label: 'epoch' }, ...runs.map((x, i) => ({ label: x.name, stroke: COLORS[i % COLORS.length], width: 2, points: { size: 5 } }))];
    const plot = new uPlot({ width: 440, height: 240, series, scales: { x: { time: false } }, axes: [{ label: 'epoch' }, {}] }, data, el);
    charts.set(key, { plot, sig, el });
  }
}
function render(state) {
  renderTable(state.studies);
  renderCharts(state.studies);
  const runs = state.studies.flatMap((s) => s.runs);
  const done = runs.filter((r) => r.status === 'done' || r.status === 'pruned').length;
  document.getElementById('status').textContent = state.root + ' — ' + runs.length + ' runs, ' + done + ' done, updated ' + new Date().toLocaleTimeString();
}
const source = new EventSource('/events');
source.onmessage = (e) => render(JSON.parse(e.data));
source.onerror = () => { document.getElementById('status').textContent = 'disconnected, retrying…'; };
`;
