import { activeTape, viewTensor } from '../engine/engine.js';
import { ShapeError } from '../errors.js';
import { type DType, upcast } from '../tensor/dtype.js';
import {
  broadcastShapes,
  inferReshape,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
} from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, backendOf, castTo, emit, requireInt, scalar, type TensorLike, tensor } from './core.js';

/** Same values under a new shape (one dim may be -1). Shares storage; never copies. */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  const target = inferReshape('reshape', t.shape, shape);
  if (shapesEqual(target, t.shape)) return t;
  const out = viewTensor(t, target);
  if (activeTape !== null && t.dtype === 'float32') activeTape.record('reshape', [t], [out], null);
  return out;
}

/** Permutes dimensions (reverses them when `perm` is omitted). */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = asTensor(x);
  const p = perm
    ? perm.map((a) => normalizeAxis('transpose', a, t.rank))
    : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || new Set(p).size !== t.rank) {
    throw new ShapeError('transpose', [t.shape, p], 'perm must list every axis once');
  }
  if (p.every((a, i) => a === i)) return t;
  const b = t.backend;
  const shape = p.map((a) => t.shape[a]!);
  return emit('transpose', b, b.transpose(t.info('transpose', true), p), shape, t.dtype, [t], { perm: p });
}

/** A block of `x` starting at `begin`; a size of -1 runs to the end of that dim. */
export function slice(x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = asTensor(x);
  if (begin.length !== t.rank || (size && size.length !== t.rank)) {
    throw new ShapeError('slice', [t.shape, begin, size ?? []], 'begin and size need one entry per dim');
  }
  const sz = t.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    return s === -1 ? d - begin[i]! : s;
  });
  t.shape.forEach((d, i) => {
    if (begin[i]! < 0 || sz[i]! < 0 || begin[i]! + sz[i]! > d) {
      throw new ShapeError(
        'slice',
        [t.shape, begin, sz],
        `dim ${i}: [${begin[i]}, ${begin[i]! + sz[i]!}) is outside 0..${d}`,
      );
    }
  });
  if (shapesEqual(sz, t.shape)) return t;
  const b = t.backend;
  return emit('slice', b, b.slice(t.info('slice', true), begin, sz), sz, t.dtype, [t], { begin: [...begin] });
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map((x) => asTensor(x));
  if (ts.length === 0) throw new ShapeError('concat', [], 'needs at least one tensor');
  const first = ts[0]!;
  const a = normalizeAxis('concat', axis, first.rank);
  // Same-dtype inputs keep it (uint8 stays bytes); mixed ones promote as arithmetic does.
  const dtype = ts.reduce<DType>((d, t) => (d === t.dtype ? d : upcast(d, t.dtype)), first.dtype);
  const cast = ts.map((t) => castTo(t, dtype));
  for (const t of cast) {
    if (t.rank !== first.rank || t.shape.some((d, i) => i !== a && d !== first.shape[i])) {
      throw new ShapeError(
        'concat',
        ts.map((u) => u.shape),
        `shapes differ outside axis ${a}`,
      );
    }
  }
  if (cast.length === 1) return cast[0]!;
  const b = backendOf('concat', ...cast);
  const shape = [...first.shape];
  shape[a] = cast.reduce((n, t) => n + t.shape[a]!, 0);
  const data = b.concat(
    cast.map((t) => t.info('concat', true)),
    a,
    shape,
  );
  return emit('concat', b, data, shape, dtype, cast, { axis: a });
}

/** Inserts a dimension of size 1 at `axis`. */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = asTensor(x);
  // A negative axis counts from the end of the result, as in numpy: -1 appends a trailing 1.
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
}

/** Removes size-1 dimensions (only `axes` when given). */
export function squeeze(x: TensorLike, axes?: readonly number[]): Tensor {
  const t = asTensor(x);
  const drop = axes
    ? axes.map((a) => normalizeAxis('squeeze', a, t.rank))
    : t.shape.flatMap((d, i) => (d === 1 ? [i] : []));
  for (const a of drop) if (t.shape[a] !== 1) throw new ShapeError('squeeze', [t.shape], `dim ${a} is not 1`);
  return reshape(
    t,
    t.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map((x) => asTensor(x));
  if (ts.length === 0) throw new ShapeError('stack', [], 'needs at least one tensor');
  for (const t of ts) {
    if (!shapesEqual(t.shape, ts[0]!.shape))
      throw new ShapeError(
        'stack',
        ts.map((u) => u.shape),
        'shapes differ',
      );
  }
  return concat(
    ts.map((t) => expandDims(t, axis)),
    axis,
  );
}

/** Pads each dim with [before, after] copies of `value`. */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = asTensor(x);
  if (
    paddings.length !== t.rank ||
    paddings.some(([p, q]) => !Number.isInteger(p) || !Number.isInteger(q) || p < 0 || q < 0)
  ) {
    throw new ShapeError('pad', [t.shape], `paddings need one non-negative [before, after] pair per dim`);
  }
  const b = t.backend;
  const shape = t.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  return emit('pad', b, b.pad(t.info('pad'), paddings, value), shape, t.dtype, [t], { paddings });
}

function checkIndices(op: string, xShape: Shape, indices: Tensor, axis: number): void {
  requireInt(op, indices);
  const n = xShape[axis]!;
  const info = indices.info(op);
  const i = indices.backend.firstIndexOutOfRange(info, n);
  if (i >= 0) {
    const v = indices.backend.read(info)[i];
    throw new ShapeError(
      op,
      [xShape, indices.shape],
      `index ${v} at position ${i} is out of range 0..${n - 1}`,
    );
  }
}

/**
 * Takes slices of `x` along `axis` at int32 `indices` (an Embedding lookup is gather on axis 0);
 * uint8 indices are widened to int32 first. A uint8 `x` stays uint8.
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = asTensor(x);
  // Plain index arrays are made int32 here; an index tensor must be int32 (or uint8, widened).
  const given =
    indices instanceof Tensor ? indices : tensor(indices, undefined, 'int32', { backend: t.backend });
  const idx = given.dtype === 'uint8' ? castTo(given, 'int32', 'gather') : given;
  const a = normalizeAxis('gather', axis, t.rank);
  const b = backendOf('gather', t, idx);
  checkIndices('gather', t.shape, idx, a);
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  return emit(
    'gather',
    b,
    b.gather(t.info('gather', true), idx.info('gather'), a),
    shape,
    t.dtype,
    [t, idx],
    {
      axis: a,
    },
  );
}

/** Adds `updates` into zeros of `shape` at `indices` along `axis` (gather's adjoint). */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: readonly number[]): Tensor {
  const b = backendOf('scatterAdd', updates, indices);
  const a = normalizeAxis('scatterAdd', axis, shape.length);
  const expected = [...shape.slice(0, a), ...indices.shape, ...shape.slice(a + 1)];
  if (!shapesEqual(updates.shape, expected)) {
    throw new ShapeError(
      'scatterAdd',
      [updates.shape, indices.shape, shape],
      `updates must have shape [${expected}]`,
    );
  }
  checkIndices('scatterAdd', shape, indices, a);
  const data = b.scatterAdd(updates.info('scatterAdd'), indices.info('scatterAdd'), a, shape);
  return emit('scatterAdd', b, data, [...shape], updates.dtype, [updates, indices], { axis: a });
}

/** Broadcasts `x` to `shape` (numpy rules), materialising the result. */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  if (shapesEqual(t.shape, shape)) return t;
  if (!shapesEqual(broadcastShapes('broadcastTo', t.shape, shape), shape)) {
    throw new ShapeError('broadcastTo', [t.shape, shape], 'cannot broadcast to the target shape');
  }
  const b = t.backend;
  const zero = scalar(0, t.dtype, b);
  if (sizeOf(shape) === 0) return emit(null, b, b.fill(0, 0, t.dtype), [...shape], t.dtype, [], null);
  return emit(
    'add',
    b,
    b.binary('add', t.info('broadcastTo'), zero.info('broadcastTo'), shape),
    [...shape],
    t.dtype,
    [t, zero],
    null,
  );
}
