import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { saveFigure } from '../plot/render.js';
import { writeFileAtomic } from './run-store.js';

/** A figure rendered to <dir>/figures/<name>.{svg,png}. */
export interface Figure {
  name: string;
  caption: string;
  svgPath: string;
  pngPath: string;
}

export interface Table {
  headers: string[];
  rows: (string | number)[][];
}

/** One section of a report: prose, figures and tables, rendered to both Markdown and HTML. */
export interface Section {
  title: string;
  paragraphs?: string[];
  bullets?: string[];
  figures?: Figure[];
  tables?: Table[];
  /** Preformatted text (e.g. a model summary). */
  code?: string[];
}

/** Renders a chart to SVG and PNG under <dir>/figures. */
export async function figure(
  dir: string,
  name: string,
  caption: string,
  spec: TopLevelSpec,
): Promise<Figure> {
  const { svgPath, pngPath } = await saveFigure(spec, join(dir, 'figures', name));
  return { name, caption, svgPath, pngPath };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function markdown(title: string, intro: string[], sections: Section[], dir: string): string {
  const out = [`# ${title}`, '', ...intro.flatMap((p) => [p, ''])];
  for (const s of sections) {
    out.push(`## ${s.title}`, '');
    for (const p of s.paragraphs ?? []) out.push(p, '');
    if (s.bullets?.length) out.push(...s.bullets.map((b) => `- ${b}`), '');
    for (const f of s.figures ?? [])
      out.push(`![${f.caption}](${relative(dir, f.pngPath)})`, '', `*${f.caption}*`, '');
    for (const t of s.tables ?? []) {
      out.push(`| ${t.headers.join(' | ')} |`, `|${t.headers.map(() => ' --- ').join('|')}|`);
      for (const r of t.rows) out.push(`| ${r.join(' | ')} |`);
      out.push('');
    }
    for (const c of s.code ?? []) out.push('```', c, '```', '');
  }
  return out.join('\n');
}

const CSS = `body{font-family:'DejaVu Sans',system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.8rem}h2{margin-top:2.5rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{color:#555;font-size:.9rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .6rem;text-align:right}
th{background:#f5f5f5}td:first-child,th:first-child{text-align:left}pre{background:#f7f7f7;padding:.8rem;overflow-x:auto;font-size:.8rem}`;

/** A self-contained HTML page: figures are inlined SVG, so the file can be mailed or archived alone. */
function html(title: string, intro: string[], sections: Section[]): string {
  const body: string[] = [`<h1>${escapeHtml(title)}</h1>`, ...intro.map((p) => `<p>${escapeHtml(p)}</p>`)];
  for (const s of sections) {
    body.push(`<h2>${escapeHtml(s.title)}</h2>`);
    for (const p of s.paragraphs ?? []) body.push(`<p>${escapeHtml(p)}</p>`);
    if (s.bullets?.length)
      body.push(`<ul>${s.bullets.map((b) => `<li>${escapeHtml(b)}</li>`).join('')}</ul>`);
    for (const f of s.figures ?? []) {
      body.push(
        `<figure>${readFileSync(f.svgPath, 'utf8')}<figcaption>${escapeHtml(f.caption)}</figcaption></figure>`,
      );
    }
    for (const t of s.tables ?? []) {
      const head = `<tr>${t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
      const rows = t.rows
        .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
        .join('');
      body.push(`<table>${head}${rows}</table>`);
    }
    for (const c of s.code ?? []) body.push(`<pre>${escapeHtml(c)}</pre>`);
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${CSS}</style></head><body>${body.join('\n')}</body></html>\n`;
}

/** Writes report.md and report.html into `dir`. */
export function writeReport(
  dir: string,
  title: string,
  intro: string[],
  sections: Section[],
): { md: string; html: string } {
  const md = join(dir, 'report.md');
  const htmlPath = join(dir, 'report.html');
  writeFileAtomic(md, markdown(title, intro, sections, dir));
  writeFileAtomic(htmlPath, html(title, intro, sections));
  return { md, html: htmlPath };
}

/** Number formatting used in reports. */
export const fmt = {
  loss: (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(4)),
  acc: (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(4)),
  pct: (v: number) => `${(v * 100).toFixed(1)}%`,
  sec: (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2)),
};
