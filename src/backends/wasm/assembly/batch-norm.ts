// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// Batch normalization in training mode over x [rows, C] (features last): one call for the forward
// and one for the backward, instead of the ten elementwise ops and reductions (and their gradients)
// the layer composes otherwise. The forward takes the same float32 steps in the same order as those
// ops on this backend (column sums by reduceCols, divided by the row count; rsqrt in f64),
// so its outputs are bit-identical to theirs.

import { reduceCols } from './reduce';

/** out[0..C) = the mean of x's columns: reduceCols' sum (what `mean` runs here), then ÷ rows. */
function columnMeans(x: usize, rows: i32, C: i32, out: usize): void {
  reduceCols(0, false, x, 1, rows, C, out);
  const n = <f32>rows;
  for (let j = 0; j < C; j++) {
    const p = <usize>(j << 2);
    store<f32>(out + p, load<f32>(out + p) / n);
  }
}

/** invStd[j] = 1/√(variance[j] + eps), in f64 as the rsqrt op computes it. */
function inverseStd(variance: usize, eps: f32, C: i32, invStd: usize): void {
  for (let j = 0; j < C; j++) {
    const p = <usize>(j << 2);
    store<f32>(invStd + p, <f32>(1.0 / Math.sqrt(<f64>(load<f32>(variance + p) + eps))));
  }
}

/** y = ((x − mean)·invStd)·gamma + beta over x [rows, C] (gamma, beta 0 = none), in the composed ops' order. */
function normalize(
  x: usize,
  rows: i32,
  C: i32,
  mean: usize,
  invStd: usize,
  gamma: usize,
  beta: usize,
  y: usize,
): void {
  const bytes = <usize>(C << 2);
  const full = C & ~3;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      let v = f32x4.mul(f32x4.sub(v128.load(x + o + p), v128.load(mean + p)), v128.load(invStd + p));
      if (gamma !== 0) v = f32x4.mul(v, v128.load(gamma + p));
      if (beta !== 0) v = f32x4.add(v, v128.load(beta + p));
      v128.store(y + o + p, v);
    }
    for (; j < C; j++) {
      const p = <usize>(j << 2);
      let v = (load<f32>(x + o + p) - load<f32>(mean + p)) * load<f32>(invStd + p);
      if (gamma !== 0) v *= load<f32>(gamma + p);
      if (beta !== 0) v += load<f32>(beta + p);
      store<f32>(y + o + p, v);
    }
  }
}

/**
 * Forward: mean [C] and biased variance [C] of x's columns, invStd = 1/√(variance + eps) and
 * y = (x − mean)·invStd·gamma + beta (gamma, beta: 0 for none).
 */
export function batchNormForward(
  x: usize,
  rows: i32,
  C: i32,
  gamma: usize,
  beta: usize,
  eps: f32,
  y: usize,
  mean: usize,
  variance: usize,
  invStd: usize,
): void {
  const bytes = <usize>(C << 2);
  const full = C & ~3;
  columnMeans(x, rows, C, mean);
  // (x − mean)² into y (overwritten by normalize) for the variance; normalize takes x − mean again,
  // the same f32 subtraction, rather than keeping a rows·C copy of it.
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      const c = f32x4.sub(v128.load(x + o + p), v128.load(mean + p));
      v128.store(y + o + p, f32x4.mul(c, c));
    }
    for (; j < C; j++) {
      const p = <usize>(j << 2);
      const c = load<f32>(x + o + p) - load<f32>(mean + p);
      store<f32>(y + o + p, c * c);
    }
  }
  columnMeans(y, rows, C, variance);
  inverseStd(variance, eps, C, invStd);
  normalize(x, rows, C, mean, invStd, gamma, beta, y);
}

/**
 * Backward of batchNormForward: with x̂ = (x − mean)·invStd, dbeta = Σ dy and dgamma = Σ dy·x̂ over
 * rows, and dx = (gamma·invStd / rows)·(rows·dy − dbeta − x̂·dgamma) (gamma 0: 1). dgamma and dbeta
 * [C] are always written (they are the sums dx needs).
 */
export function batchNormBackward(
  dy: usize,
  x: usize,
  rows: i32,
  C: i32,
  mean: usize,
  invStd: usize,
  gamma: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
): void {
  const bytes = <usize>(C << 2);
  const full = C & ~3;
  memory.fill(dgamma, 0, bytes);
  memory.fill(dbeta, 0, bytes);
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      const g = v128.load(dy + o + p);
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o + p), v128.load(mean + p)), v128.load(invStd + p));
      v128.store(dbeta + p, f32x4.add(v128.load(dbeta + p), g));
      v128.store(dgamma + p, f32x4.add(v128.load(dgamma + p), f32x4.mul(g, xh)));
    }
    for (; j < C; j++) {
      const p = <usize>(j << 2);
      const g = load<f32>(dy + o + p);
      const xh = (load<f32>(x + o + p) - load<f32>(mean + p)) * load<f32>(invStd + p);
      store<f32>(dbeta + p, load<f32>(dbeta + p) + g);
      store<f32>(dgamma + p, load<f32>(dgamma + p) + g * xh);
    }
  }
  const n = <f32>rows;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * bytes;
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      const is = v128.load(invStd + p);
      const k = f32x4.div(gamma !== 0 ? f32x4.mul(v128.load(gamma + p), is) : is, f32x4.splat(n));
      const xh = f32x4.mul(f32x4.sub(v128.load(x + o + p), v128.load(mean + p)), is);
      const t = f32x4.sub(
        f32x4.sub(f32x4.mul(f32x4.splat(n), v128.load(dy + o + p)), v128.load(dbeta + p)),
        f32x4.mul(xh, v128.load(dgamma + p)),
      );
      v128.store(dx + o + p, f32x4.mul(k, t));
    }
    for (; j < C; j++) {
      const p = <usize>(j << 2);
      const is = load<f32>(invStd + p);
      const k = (gamma !== 0 ? load<f32>(gamma + p) * is : is) / n;
      const xh = (load<f32>(x + o + p) - load<f32>(mean + p)) * is;
      store<f32>(
        dx + o + p,
        k * (n * load<f32>(dy + o + p) - load<f32>(dbeta + p) - xh * load<f32>(dgamma + p)),
      );
    }
  }
}

/**
 * Inference: y = (x − mean)·invStd·gamma + beta with the given (moving) statistics, invStd =
 * 1/√(variance + eps) in f64 as rsqrt: the composed ops' steps in their order (gamma, beta 0 = none).
 * invStd: scratch of C floats.
 */
export function batchNormInference(
  x: usize,
  rows: i32,
  C: i32,
  mean: usize,
  variance: usize,
  gamma: usize,
  beta: usize,
  eps: f32,
  y: usize,
  invStd: usize,
): void {
  inverseStd(variance, eps, C, invStd);
  normalize(x, rows, C, mean, invStd, gamma, beta, y);
}
