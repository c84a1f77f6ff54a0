import type { OpAttrs, OpKind } from '../autograd/op-kinds.js';
import type { Backend } from '../backend/backend.js';
import { activeTape, getActiveBackend, makeTensor } from '../engine/engine.js';
import { DTypeError, ShapeError, TensileError, ValueError } from '../errors.js';
import { allocArray, type DType, type TypedArray } from '../tensor/dtype.js';
import { type Shape, sizeOf } from '../tensor/shape.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';

/** Anything an op accepts where a tensor is expected. */
export type TensorLike = Tensor | number | NestedArray | TypedArray;

/**
 * Where a creation helper puts its tensor. Without `backend`, a helper with no operands uses the
 * selected backend (`setBackend`); helpers with operands (`zerosLike`) use their operand's.
 *
 * @example
 * import { tensor, tsBackend } from 'tensile';
 * console.log(tensor([1, 2], undefined, 'float32', { backend: tsBackend }).backend.name); // ts
 */
export interface CreationOptions {
  readonly backend?: Backend;
}

/** Wraps backend output in a tensor and records it on the active tape. */
export function emit<K extends OpKind>(
  kind: K | null,
  backend: Backend,
  data: unknown,
  shape: Shape,
  dtype: DType,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
): Tensor {
  const out = makeTensor(backend, data, shape, dtype);
  if (kind !== null && activeTape !== null && dtype === 'float32')
    activeTape.record(kind, inputs, [out], attrs);
  return out;
}

/** The shape a nested array claims along its first elements; `flatten` then checks every element. */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedArray;
  }
  return shape;
}

function flatten(
  op: string,
  values: NestedArray,
  shape: readonly number[],
  out: number[],
  depth: number,
): void {
  if (typeof values === 'number') {
    if (depth !== shape.length)
      throw new ShapeError(op, [shape], `ragged nested array: a number at depth ${depth}`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values))
    throw new ValueError(`${op}: expected numbers or nested arrays, got ${typeof values}`);
  if (depth >= shape.length || shape[depth] !== values.length) {
    throw new ShapeError(op, [shape], `ragged nested array: length ${values.length} at depth ${depth}`);
  }
  for (const v of values) flatten(op, v, shape, out, depth + 1);
}

/**
 * Creates a tensor from numbers, nested arrays or a typed array, on the selected backend unless
 * `opts.backend` names one. The dtype defaults to int32 for an Int32Array, uint8 for a Uint8Array
 * and float32 otherwise. Numbers given for uint8 must lie in 0..255 (fractions truncate toward zero,
 * as for int32); to wrap other values modulo 256 as numpy's astype does, use `cast(x, 'uint8')`.
 *
 * @example
 * import { tensor, tsBackend } from 'tensile';
 * const x = tensor([1, 2, 3, 4], [2, 2]);
 * const labels = tensor([0, 1, 1], undefined, 'int32');
 * const pixels = tensor(new Uint8Array([0, 128, 255])); // uint8, one byte per value
 * console.log(pixels.dtype, tensor([1, 2], [2], 'float32', { backend: tsBackend }).backend.name); // uint8 ts
 */
export function tensor(
  values: TensorLike,
  shape?: readonly number[],
  dtype?: DType,
  opts: CreationOptions = {},
): Tensor {
  if (values instanceof Tensor) return dtype && dtype !== values.dtype ? castTo(values, dtype) : values;
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values;
    inferred = [values.length];
    dtype ??= values instanceof Int32Array ? 'int32' : values instanceof Uint8Array ? 'uint8' : 'float32';
  } else {
    const out: number[] = [];
    inferred = inferShape(values);
    flatten('tensor', values, inferred, out, 0);
    flat = out;
  }
  const finalShape = shape ? [...shape] : inferred;
  if (finalShape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError('tensor', [finalShape], 'dimensions must be non-negative integers');
  }
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(
      'tensor',
      [finalShape],
      `shape needs ${sizeOf(finalShape)} values, got ${flat.length}`,
    );
  }
  const dt: DType = dtype ?? 'float32';
  const backend = opts.backend ?? getActiveBackend();
  // A typed array of the right kind goes straight to the backend, which makes the one copy.
  if (dtypeMatches(flat, dt)) return makeTensor(backend, backend.upload(flat as TypedArray), finalShape, dt);
  const arr = allocArray(dt, flat.length);
  if (dt === 'int32') {
    for (let i = 0; i < flat.length; i++) arr[i] = Math.trunc(flat[i]!);
  } else if (dt === 'uint8') {
    for (let i = 0; i < flat.length; i++) arr[i] = byteValue('tensor', flat[i]!, i);
  } else arr.set(flat);
  return makeTensor(backend, backend.upload(arr), finalShape, dt);
}

function dtypeMatches(values: ArrayLike<number>, dtype: DType): boolean {
  if (dtype === 'int32') return values instanceof Int32Array;
  return dtype === 'uint8' ? values instanceof Uint8Array : values instanceof Float32Array;
}

/** A number stored as uint8: refused outside 0..255 (numpy raises on out-of-range ints too). */
export function byteValue(op: string, v: number, index: number): number {
  if (!(v >= 0 && v < 256)) {
    throw new ValueError(
      `${op}: value ${v} at flat index ${index} is out of range for uint8 (0..255); ` +
        "cast(x, 'uint8') wraps modulo 256 instead",
    );
  }
  return Math.trunc(v);
}

/** A rank-0 tensor (on the active backend unless `backend` is given). */
export function scalar(
  value: number,
  dtype: DType = 'float32',
  backend: Backend = getActiveBackend(),
): Tensor {
  const arr = allocArray(dtype, 1);
  arr[0] = dtype === 'uint8' ? byteValue('scalar', value, 0) : value;
  return makeTensor(backend, backend.upload(arr), [], dtype);
}

/**
 * Converts an op argument to a tensor; plain numbers take `like`'s dtype when they fit it, and
 * numbers and arrays are made on `like`'s backend, so `mul(2, x)` works whichever backend `x` lives on.
 */
export function asTensor(x: TensorLike, like?: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    // An integer next to uint8 is int32, the dtype uint8 arithmetic promotes to anyway.
    const dtype = like && like.dtype !== 'float32' && Number.isInteger(x) ? 'int32' : 'float32';
    return like ? scalar(x, dtype, like.backend) : scalar(x, dtype);
  }
  return tensor(x, undefined, undefined, { backend: like?.backend });
}

/** The backend shared by an op's inputs; mixing backends is an error that names the op. */
export function backendOf(op: string, ...ts: readonly Tensor[]): Backend {
  for (const t of ts) if (t.isDisposed) throw new TensileError(`${op}: tensor ${t.id} was disposed`);
  const b = ts[0]!.backend;
  for (const t of ts) {
    if (t.backend !== b) {
      throw new TensileError(
        `${op}: inputs live on different backends ('${b.name}' and '${t.backend.name}'); ` +
          `shapes ${ts.map((u) => `[${u.shape}] on '${u.backend.name}'`).join(', ')}. ` +
          'Move one with copyToBackend(t, backend)',
      );
    }
  }
  return b;
}

/** Casts without recording a dtype-change gradient (used by ops that promote their inputs). */
export function castTo(x: Tensor, dtype: DType, op = 'cast'): Tensor {
  if (x.dtype === dtype) return x;
  const b = backendOf(op, x);
  return emit('cast', b, b.cast(x.info(op, true), dtype), x.shape, dtype, [x], null);
}

export function requireFloat(op: string, x: Tensor): void {
  if (x.dtype !== 'float32') throw new DTypeError(op, `expected a float32 tensor, got ${x.dtype}`);
}

export function requireInt(op: string, x: Tensor, what = 'indices'): void {
  if (x.dtype !== 'int32') throw new DTypeError(op, `${what} must be int32, got ${x.dtype}`);
}
