// Input checks shared by the chart builders. Why two kinds of bad input: a wrong shape (empty, lengths
// that differ) is a bug in the caller and throws; a non-finite value is a fact about training (a loss
// that diverged) and must still produce a figure, so it is dropped and the chart says so in a note.
import { ValueError } from '../errors.js';

/**
 * Numbers a chart accepts: a plain array or a typed array (activations come as Float32Array).
 *
 * @example
 * import { binValues } from 'tensile/plot';
 * binValues(new Float32Array([1, 2, 3]), 2).counts; // [1, 2]
 */
export type Values = readonly number[] | Float32Array | Float64Array;

/**
 * A title with the notes the builder wants the reader to see (for example dropped NaN values).
 *
 * @example
 * import { titleWithNotes } from './clean.js';
 * titleWithNotes('Loss', ['x']); // { text: 'Loss', subtitle: ['note: x'] }
 */
export interface ChartTitle {
  text: string;
  subtitle?: string[];
}

const MAX_NOTE_LINES = 3;

/**
 * The error every chart builder throws for unusable input; it names the chart, its title and the detail.
 *
 * @example
 * import { chartError } from './clean.js';
 * chartError('lineChart', 'Loss', 'no series').message; // 'lineChart "Loss": no series'
 */
export function chartError(chart: string, title: string, detail: string): ValueError {
  return new ValueError(`${chart} "${title}": ${detail}`);
}

/**
 * Title object with notes as subtitle lines (at most three, then "and N more").
 *
 * @example
 * import { titleWithNotes } from './clean.js';
 * titleWithNotes('Loss', []); // { text: 'Loss' }
 */
export function titleWithNotes(text: string, notes: readonly string[]): ChartTitle {
  if (notes.length === 0) return { text };
  const shown = notes.slice(0, MAX_NOTE_LINES).map((n) => `note: ${n}`);
  if (notes.length > MAX_NOTE_LINES) shown.push(`… and ${notes.length - MAX_NOTE_LINES} more notes`);
  return { text, subtitle: shown };
}

/**
 * Checks that there is at least one name and that names are unique, so legends are unambiguous.
 *
 * @example
 * import { checkNames } from './clean.js';
 * checkNames('lineChart', 'Loss', 'series', ['train', 'val']); // ok, no throw
 */
export function checkNames(chart: string, title: string, what: string, names: readonly string[]): void {
  if (names.length === 0) throw chartError(chart, title, `no ${what} given`);
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string')
      throw chartError(chart, title, `${what} name ${String(name)} is not a string`);
    if (seen.has(name))
      throw chartError(chart, title, `${what} "${name}" appears twice; names must be unique`);
    seen.add(name);
  }
}

/**
 * Pairs of (x, y) with both finite (and y > 0 when `positiveY`); counts what was dropped and why.
 *
 * @example
 * import { finitePairs } from './clean.js';
 * finitePairs('lineChart', 'Loss', 'val', [1, 2], [0.5, NaN]).dropped; // 1
 */
export function finitePairs(
  chart: string,
  title: string,
  series: string,
  x: Values,
  y: Values,
  positiveY = false,
): { x: number[]; y: number[]; dropped: number; nonPositive: number } {
  if (x.length === 0 && y.length === 0) throw chartError(chart, title, `series "${series}" is empty`);
  if (x.length !== y.length) {
    throw chartError(chart, title, `series "${series}": x has ${x.length} values but y has ${y.length}`);
  }
  const out = { x: [] as number[], y: [] as number[], dropped: 0, nonPositive: 0 };
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    if (!Number.isFinite(xi) || !Number.isFinite(yi)) out.dropped++;
    else if (positiveY && yi <= 0) out.nonPositive++;
    else {
      out.x.push(xi);
      out.y.push(yi);
    }
  }
  return out;
}

/**
 * A note such as `"val": 2 non-finite values dropped`, or undefined when nothing was dropped.
 *
 * @example
 * import { droppedNote } from './clean.js';
 * droppedNote('val', 2); // '"val": 2 non-finite values dropped'
 */
export function droppedNote(name: string, count: number, why = 'non-finite'): string | undefined {
  if (count === 0) return undefined;
  return `"${name}": ${count} ${why} value${count === 1 ? '' : 's'} dropped`;
}
