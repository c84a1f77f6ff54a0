import type { DenseGrads, FusedActivation, TensorInfo } from '../../backend/backend.js';
import type { BackendArray } from '../../tensor/dtype.js';
import { gemm, matmul } from './matmul.js';

type FloatArr = Float32Array | Float64Array;
type Alloc = (size: number, like: BackendArray) => BackendArray;

/** y = act(x·w + b), computed in place after one gemm. */
export function dense(
  x: TensorInfo,
  w: TensorInfo,
  b: TensorInfo | null,
  act: FusedActivation,
  alloc: Alloc,
): FloatArr {
  const [n, k] = x.shape as [number, number];
  const m = w.shape[1]!;
  const y = alloc(n * m, x.data as FloatArr) as FloatArr;
  gemm(
    { data: x.data as FloatArr, off: 0, rs: k, cs: 1 },
    { data: w.data as FloatArr, off: 0, rs: m, cs: 1 },
    y,
    0,
    n,
    k,
    m,
  );
  const bias = b ? (b.data as FloatArr) : null;
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 0; j < m; j++) {
      let v = y[row + j]! + (bias ? bias[j]! : 0);
      if (act === 'relu') v = Math.max(v, 0);
      else if (act === 'sigmoid') v = 1 / (1 + Math.exp(-v));
      else if (act === 'tanh') v = Math.tanh(v);
      y[row + j] = v;
    }
  }
  return y;
}

/** Backward of dense: the activation's derivative is written in terms of its output y. */
export function denseBackward(
  dy: TensorInfo,
  x: TensorInfo,
  w: TensorInfo,
  y: TensorInfo,
  act: FusedActivation,
  hasBias: boolean,
  needDx: boolean,
  alloc: Alloc,
): DenseGrads {
  const g = dy.data as FloatArr;
  const out = y.data as FloatArr;
  const dz = alloc(g.length, g) as FloatArr;
  for (let i = 0; i < g.length; i++) {
    const v = out[i]!;
    const d =
      act === 'relu' ? (v > 0 ? 1 : 0) : act === 'sigmoid' ? v * (1 - v) : act === 'tanh' ? 1 - v * v : 1;
    dz[i] = g[i]! * d;
  }
  const dzInfo = { data: dz, shape: dy.shape, dtype: dy.dtype };
  const dx = needDx ? matmul(dzInfo, w, false, true, alloc) : null;
  const dw = matmul(x, dzInfo, true, false, alloc);
  let db: FloatArr | null = null;
  if (hasBias) {
    const [n, m] = dy.shape as [number, number];
    db = alloc(m, g) as FloatArr;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) db[j]! += dz[i * m + j]!;
  }
  return { dx, dw, db };
}

/** Per-row -Σ labels·log softmax(logits), computed with the max subtracted for stability. */
export function softmaxCrossEntropy(logits: TensorInfo, labels: TensorInfo, alloc: Alloc) {
  const [n, c] = logits.shape as [number, number];
  const z = logits.data as FloatArr;
  const t = labels.data as FloatArr;
  const loss = alloc(n, z) as FloatArr;
  const probs = alloc(n * c, z) as FloatArr;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let mx = -Infinity;
    for (let j = 0; j < c; j++) mx = Math.max(mx, z[row + j]!);
    let s = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(z[row + j]! - mx);
      probs[row + j] = e;
      s += e;
    }
    const logS = Math.log(s);
    let l = 0;
    for (let j = 0; j < c; j++) {
      probs[row + j]! /= s;
      l -= t[row + j]! * (z[row + j]! - mx - logS);
    }
    loss[i] = l;
  }
  return { loss, probs };
}

/** Elementwise max(z, 0) - z·t + log(1 + e^-|z|), each step rounded to float32 as the composed ops, and sigmoid(z). */
export function sigmoidCrossEntropy(logits: TensorInfo, labels: TensorInfo, alloc: Alloc) {
  const z = logits.data as FloatArr;
  const t = labels.data as FloatArr;
  const loss = alloc(z.length, z) as FloatArr;
  const probs = alloc(z.length, z) as FloatArr;
  // Float32 storage rounds after every step as the composed ops do; the float64 checks round nothing.
  const f = z instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]!;
    const e = f(Math.exp(-Math.abs(zi)));
    const onePlus = f(1 + e);
    loss[i] = f(Math.max(zi, 0) - f(zi * t[i]!)) + f(Math.log(onePlus));
    probs[i] = (zi >= 0 ? 1 : e) / onePlus;
  }
  return { loss, probs };
}
