import type { Backend, TensorInfo } from '../../backend/backend.js';
import type { BackendArray, DType, TypedArray } from '../../tensor/dtype.js';
import { binary, compare, unary, where } from './elementwise.js';
import { dense, denseBackward, sigmoidCrossEntropy, softmaxCrossEntropy } from './fused.js';
import { concat, gather, pad, scatterAdd, slice, transpose } from './layout.js';
import { matmul } from './matmul.js';
import { argmax, reduce } from './reduce.js';

export interface TsBackendOptions {
  /**
   * Float storage precision. 'float64' exists for the finite-difference gradient checks: the same
   * kernels and the same op compositions, with rounding error small enough to see gradient bugs.
   */
  precision?: 'float32' | 'float64';
  name?: string;
}

/** Creates a reference backend: plain TypeScript loops over typed arrays, garbage-collected storage. */
export function createTsBackend(opts: TsBackendOptions = {}): Backend {
  const Float = opts.precision === 'float64' ? Float64Array : Float32Array;
  /** New storage of the same kind (float, int32 or uint8) as `like`. */
  const alloc = (size: number, like: BackendArray): BackendArray => {
    if (like instanceof Int32Array) return new Int32Array(size);
    return like instanceof Uint8Array ? new Uint8Array(size) : new Float(size);
  };
  const storageFor = (dtype: DType, size: number): BackendArray => {
    if (dtype === 'float32') return new Float(size);
    return dtype === 'uint8' ? new Uint8Array(size) : new Int32Array(size);
  };

  return {
    name: opts.name ?? (opts.precision === 'float64' ? 'ts-f64' : 'ts'),
    upload(values: TypedArray | Float64Array) {
      if (values instanceof Int32Array || values instanceof Uint8Array) return values.slice();
      return values instanceof Float ? values.slice() : Float.from(values);
    },
    read: (x: TensorInfo) => x.data as BackendArray,
    free() {},
    heapBytes: () => 0,
    fill(size, value, dtype) {
      return storageFor(dtype, size).fill(value);
    },
    unary: (op, x) => unary(op, x, alloc),
    binary: (op, a, b, shape) => binary(op, a, b, shape, alloc),
    compare,
    where: (c, a, b, shape) => where(c, a, b, shape, alloc),
    cast(x, dtype) {
      const src = x.data as BackendArray;
      const out = storageFor(dtype, src.length);
      // A Uint8Array store truncates toward zero and wraps modulo 256 (NaN → 0): numpy's astype.
      if (dtype === 'int32') for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]!);
      else out.set(src);
      return out;
    },
    reduce: (op, x, axes) => reduce(op, x, axes, alloc),
    argmax,
    matmul: (a, b, ta, tb) => matmul(a, b, ta, tb, alloc),
    transpose: (x, perm) => transpose(x, perm, alloc),
    slice: (x, begin, size) => slice(x, begin, size, alloc),
    concat: (xs, axis, shape) => concat(xs, axis, shape, alloc),
    pad: (x, paddings, value) => pad(x, paddings, value, alloc),
    firstIndexOutOfRange(indices, n) {
      const values = indices.data as Int32Array;
      for (let i = 0; i < values.length; i++) if (values[i]! < 0 || values[i]! >= n) return i;
      return -1;
    },
    gather: (x, idx, axis) => gather(x, idx, axis, alloc),
    scatterAdd: (u, idx, axis, shape) => scatterAdd(u, idx, axis, shape, alloc),
    dense: (x, w, b, act) => dense(x, w, b, act, alloc),
    denseBackward: (dy, x, w, y, act, hasBias, needDx) =>
      denseBackward(dy, x, w, y, act, hasBias, needDx, alloc),
    softmaxCrossEntropy: (logits, labels) => softmaxCrossEntropy(logits, labels, alloc),
    sigmoidCrossEntropy: (logits, labels) => sigmoidCrossEntropy(logits, labels, alloc),
  };
}

/** The reference backend (float32). Always available, in Node and in browsers. */
export const tsBackend: Backend = createTsBackend();
