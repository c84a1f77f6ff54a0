import { ShapeError, ValueError } from '../errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** numpy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, [a, b], `cannot broadcast dim ${da} against ${db}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative axis against a rank, with an error that names the op. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1)) {
    throw new ValueError(`${op}: axis ${axis} is out of range for a rank-${rank} tensor`);
  }
  return a;
}

/** Axes given as a number, a list or undefined (= all), normalized, unique and sorted. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  return [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((x, y) => x - y);
}

/** Shape after reducing `axes` (kept as 1s when keepDims). */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** Fills in a single -1 in a reshape target, checking that the sizes agree. */
export function inferReshape(op: string, from: Shape, to: readonly number[]): number[] {
  const total = sizeOf(from);
  if (to.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(op, [from, to], 'dimensions must be non-negative integers or a single -1');
  }
  const unknown = to.indexOf(-1);
  if (unknown !== to.lastIndexOf(-1)) throw new ShapeError(op, [from, to], 'only one dimension may be -1');
  const known = to.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = [...to];
  if (unknown >= 0) {
    if (known === 0 || total % known !== 0) {
      throw new ShapeError(op, [from, to], `cannot infer -1: ${total} elements do not divide by ${known}`);
    }
    out[unknown] = total / known;
  }
  if (sizeOf(out) !== total) {
    throw new ShapeError(op, [from, to], `sizes differ (${total} vs ${sizeOf(out)} elements)`);
  }
  return out;
}
