// Finding a font file and measuring text with it.
// Why: resvg draws no text without a font, and Vega (with no canvas package) guesses every string is
// 0.8 em per character, which leaves legends and margins too wide. Reading the advance widths from
// the same TrueType file resvg draws with makes the SVG layout and the PNG agree.
import { existsSync, readFileSync } from 'node:fs';
import { TensileError } from '../errors.js';

/**
 * Advance widths of one TrueType/OpenType face, read from its `cmap`, `hmtx`, `hhea`, `head` tables.
 *
 * @example
 * import { findFont } from 'tensile/plot';
 * findFont().regular.width('epoch', 12) > 0; // true
 */
export interface FontMetrics {
  family: string;
  /** Width in pixels of `text` set at `sizePx` (no kerning: resvg's kerning moves text by < 1 px). */
  width(text: string, sizePx: number): number;
}

/**
 * A font found on disk: the family name to write into SVGs and the files to give resvg.
 *
 * @example
 * import { findFont } from 'tensile/plot';
 * findFont().files[0].endsWith('.ttf'); // true
 */
export interface ResolvedFont {
  family: string;
  files: string[];
  regular: FontMetrics;
  bold: FontMetrics | undefined;
}

// Searched in order; DejaVu first because Debian/Ubuntu's `fonts-dejavu-core` is the one we tell CI to
// install, and its wide coverage of Unicode (Greek, arrows, ≤) suits axis labels.
const CANDIDATES: FontCandidate[] = [
  ...['truetype/dejavu', 'dejavu', 'dejavu-sans-fonts', 'TTF'].map((d) => ({
    regular: `/usr/share/fonts/${d}/DejaVuSans.ttf`,
    bold: `/usr/share/fonts/${d}/DejaVuSans-Bold.ttf`,
  })),
  ...['truetype/liberation2', 'truetype/liberation', 'liberation-sans', 'liberation'].map((d) => ({
    regular: `/usr/share/fonts/${d}/LiberationSans-Regular.ttf`,
    bold: `/usr/share/fonts/${d}/LiberationSans-Bold.ttf`,
  })),
  {
    regular: '/System/Library/Fonts/Supplemental/Arial.ttf',
    bold: '/System/Library/Fonts/Supplemental/Arial Bold.ttf',
  },
  { regular: '/Library/Fonts/Arial.ttf', bold: '/Library/Fonts/Arial Bold.ttf' },
  { regular: 'C:\\Windows\\Fonts\\arial.ttf', bold: 'C:\\Windows\\Fonts\\arialbd.ttf' },
];

/**
 * Paths searched for a font, in order, after the `TENSILE_FONT` environment variable.
 *
 * @example
 * import { fontSearchPaths } from 'tensile/plot';
 * fontSearchPaths()[0]; // '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'
 */
export function fontSearchPaths(): string[] {
  return CANDIDATES.map((c) => c.regular);
}

/**
 * A regular face and the bold face to go with it (bold is optional on disk).
 *
 * @example
 * const candidate = { regular: '/fonts/Inter-Regular.ttf', bold: '/fonts/Inter-Bold.ttf' };
 */
export interface FontCandidate {
  regular: string;
  bold: string;
}

let cached: ResolvedFont | null | undefined;

/**
 * The font used for charts: `TENSILE_FONT` (a .ttf path) if set, else the first of `fontSearchPaths()`.
 *
 * @example
 * import { findFont } from 'tensile/plot';
 * findFont()?.family; // 'DejaVu Sans' on Debian with fonts-dejavu-core
 */
export function findFont(): ResolvedFont | undefined {
  if (cached === undefined) {
    const env = process.env.TENSILE_FONT;
    if (env && !existsSync(env)) throw new TensileError(`TENSILE_FONT=${env}: no such file`);
    const picks = env ? [{ regular: env, bold: env.replace(/(-Regular)?\.ttf$/i, '-Bold.ttf') }] : CANDIDATES;
    cached = resolveFont(picks) ?? null;
  }
  return cached ?? undefined;
}

/**
 * The first candidate whose regular file exists, parsed; undefined when none exists.
 *
 * @example
 * import { resolveFont } from './fonts.js';
 * resolveFont([{ regular: '/nonexistent.ttf', bold: '/nonexistent-Bold.ttf' }]); // undefined
 */
export function resolveFont(candidates: readonly FontCandidate[]): ResolvedFont | undefined {
  for (const c of candidates) {
    if (!existsSync(c.regular)) continue;
    const regular = parseFont(readFileSync(c.regular));
    const bold = c.bold !== c.regular && existsSync(c.bold) ? parseFont(readFileSync(c.bold)) : undefined;
    return { family: regular.family, files: bold ? [c.regular, c.bold] : [c.regular], regular, bold };
  }
  return undefined;
}

/**
 * Like `findFont`, but throws an error that says which package to install when no font is found.
 *
 * @example
 * import { requireFont } from 'tensile/plot';
 * requireFont('svgToPng').files.length > 0; // true
 */
export function requireFont(who: string): ResolvedFont {
  const font = findFont();
  if (font) return font;
  throw missingFontError(who);
}

/**
 * The error for a machine without a usable font: names the packages to install and the paths searched.
 *
 * @example
 * import { missingFontError } from './fonts.js';
 * missingFontError('svgToPng').message.includes('fonts-dejavu-core'); // true
 */
export function missingFontError(who: string): TensileError {
  return new TensileError(
    `${who}: no font found, and the PNG renderer draws no text without one. Install DejaVu Sans ` +
      '(Debian/Ubuntu: apt-get install fonts-dejavu-core; Fedora: dnf install dejavu-sans-fonts; ' +
      'Arch: pacman -S ttf-dejavu; macOS and Windows: Arial is used if present) or set ' +
      `TENSILE_FONT=/path/to/font.ttf. Searched: ${fontSearchPaths().join(', ')}`,
  );
}

/**
 * Reads family name and advance widths from a TrueType/OpenType file (not a .ttc collection).
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import { findFont, parseFont } from './fonts.js';
 * const face = parseFont(readFileSync(findFont().files[0]));
 * face.width('M', 10) > face.width('i', 10); // true
 */
export function parseFont(bytes: Uint8Array): FontMetrics {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tables = new Map<string, number>();
  const numTables = v.getUint16(4);
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    tables.set(tag, v.getUint32(at + 8));
  }
  const table = (tag: string): number => {
    const at = tables.get(tag);
    if (at === undefined) throw new TensileError(`parseFont: the font has no '${tag}' table`);
    return at;
  };
  const unitsPerEm = v.getUint16(table('head') + 18);
  const numberOfHMetrics = v.getUint16(table('hhea') + 34);
  const hmtx = table('hmtx');
  const glyphOf = cmapLookup(v, table('cmap'));
  const family = familyName(v, table('name'));
  const cache = new Map<number, number>();
  const advance = (cp: number): number => {
    let w = cache.get(cp);
    if (w === undefined) {
      const g = Math.min(glyphOf(cp), numberOfHMetrics - 1);
      w = v.getUint16(hmtx + 4 * g) / unitsPerEm;
      cache.set(cp, w);
    }
    return w;
  };
  return {
    family,
    width(text, sizePx) {
      let em = 0;
      for (const ch of text) em += advance(ch.codePointAt(0)!);
      return em * sizePx;
    },
  };
}

// cmap: prefer the full-Unicode format 12 subtable (3,10), else the BMP format 4 subtable (3,1) or (0,*).
function cmapLookup(v: DataView, cmap: number): (cp: number) => number {
  const count = v.getUint16(cmap + 2);
  let fmt4 = -1;
  for (let i = 0; i < count; i++) {
    const platform = v.getUint16(cmap + 4 + 8 * i);
    const encoding = v.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + v.getUint32(cmap + 8 + 8 * i);
    const format = v.getUint16(sub);
    if (format === 12 && (platform === 3 || platform === 0)) return format12(v, sub);
    if (format === 4 && (platform === 0 || (platform === 3 && encoding === 1))) fmt4 = sub;
  }
  if (fmt4 < 0) throw new TensileError('parseFont: no Unicode cmap subtable (format 4 or 12)');
  return format4(v, fmt4);
}

function format12(v: DataView, sub: number): (cp: number) => number {
  const groups = v.getUint32(sub + 12);
  return (cp) => {
    let lo = 0;
    let hi = groups - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = sub + 16 + 12 * mid;
      if (cp < v.getUint32(at)) hi = mid - 1;
      else if (cp > v.getUint32(at + 4)) lo = mid + 1;
      else return v.getUint32(at + 8) + cp - v.getUint32(at);
    }
    return 0;
  };
}

function format4(v: DataView, sub: number): (cp: number) => number {
  const segs = v.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const offsets = deltas + 2 * segs;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segs; i++) {
      if (v.getUint16(ends + 2 * i) < cp) continue;
      const start = v.getUint16(starts + 2 * i);
      if (start > cp) return 0;
      const delta = v.getInt16(deltas + 2 * i);
      const ro = v.getUint16(offsets + 2 * i);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = v.getUint16(offsets + 2 * i + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
}

// name table: typographic family (id 16) if present, else family (id 1); Windows names are UTF-16BE.
function familyName(v: DataView, name: number): string {
  const count = v.getUint16(name + 2);
  const strings = name + v.getUint16(name + 4);
  let best = '';
  let bestRank = 0;
  for (let i = 0; i < count; i++) {
    const r = name + 6 + 12 * i;
    const platform = v.getUint16(r);
    const id = v.getUint16(r + 6);
    if ((id !== 1 && id !== 16) || (platform !== 3 && platform !== 1)) continue;
    const rank = (id === 16 ? 2 : 0) + (platform === 3 ? 1 : 0);
    if (rank <= bestRank) continue;
    const length = v.getUint16(r + 8);
    const at = strings + v.getUint16(r + 10);
    let s = '';
    if (platform === 3) for (let k = 0; k < length; k += 2) s += String.fromCharCode(v.getUint16(at + k));
    else for (let k = 0; k < length; k++) s += String.fromCharCode(v.getUint8(at + k));
    best = s;
    bestRank = rank;
  }
  if (!best) throw new TensileError('parseFont: the font has no family name');
  return best;
}
