// @ts-nocheck: AssemblyScript (compiled by scripts/build-wasm.mjs with asc), not checked by tsc.
// The non-GEMM halves of the fused kernels: dense's bias + activation epilogue, its backward's
// activation derivative and bias gradient, the row-wise softmax cross-entropy and the elementwise
// sigmoid cross-entropy.
// Activation codes: 0 linear, 1 relu, 2 sigmoid, 3 tanh.

import { TMP } from './elementwise';
import { Vec } from './math';

/** The activation's derivative written in terms of its output y (as the reference does). */
function derivative(act: i32, y: v128): v128 {
  const one = f32x4.splat(1);
  if (act === 1) return v128.and(one, f32x4.gt(y, f32x4.splat(0)));
  if (act === 2) return f32x4.mul(y, f32x4.sub(one, y));
  if (act === 3) return f32x4.sub(one, f32x4.mul(y, y));
  return one;
}

/**
 * y = act(y + bias) in place for y [rows, cols] (bias 0 = none): the bias row by row (rows end in a
 * partial vector), then the activation over the whole storage (flat), one loop per activation so the
 * inlined polynomial's constants stay out of the loop.
 */
export function biasAct(y: usize, bias: usize, rows: i32, cols: i32, act: i32): void {
  if (bias !== 0) {
    const full = cols & ~3;
    for (let i = 0, row = y; i < rows; i++, row += <usize>(cols << 2)) {
      let j = 0;
      for (; j < full; j += 4) {
        const p = <usize>(j << 2);
        v128.store(row + p, f32x4.add(v128.load(row + p), v128.load(bias + p)));
      }
      for (; j < cols; j++) {
        const p = <usize>(j << 2);
        store<f32>(row + p, load<f32>(row + p) + load<f32>(bias + p));
      }
    }
  }
  const end = y + <usize>(rows * cols * 4);
  if (act === 1) for (; y < end; y += 16) v128.store(y, Vec.relu(v128.load(y)));
  else if (act === 2) for (; y < end; y += 16) v128.store(y, Vec.sigmoid(v128.load(y)));
  else if (act === 3) for (; y < end; y += 16) v128.store(y, Vec.tanh(v128.load(y)));
}

/** dz = dy · act'(y) over whole storages of n elements (flat). */
export function actGrad(dy: usize, y: usize, dz: usize, n: i32, act: i32): void {
  const end = dz + <usize>(n << 2);
  for (; dz < end; dz += 16, dy += 16, y += 16)
    v128.store(dz, f32x4.mul(v128.load(dy), derivative(act, v128.load(y))));
}

/** out[j] = Σ_i x[i, j], summed down each column in row order (bit-identical to the reference). */
export function colSum(x: usize, rows: i32, cols: i32, out: usize): void {
  colSumPart(x, rows, cols, 0, cols, out);
}

/**
 * colSum of the columns [first, first + count) of x [rows, cols] into out[first, first + count):
 * each column's sum is the same whatever range it is in, so threads can share the columns.
 */
export function colSumPart(x: usize, rows: i32, cols: i32, first: i32, count: i32, out: usize): void {
  const bytes = <usize>(cols << 2);
  const skip = <usize>(first << 2);
  x += skip;
  out += skip;
  memory.fill(out, 0, <usize>(count << 2));
  const full = count & ~3;
  for (let i = 0; i < rows; i++, x += bytes) {
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      v128.store(out + p, f32x4.add(v128.load(out + p), v128.load(x + p)));
    }
    for (; j < count; j++) {
      const p = <usize>(j << 2);
      store<f32>(out + p, load<f32>(out + p) + load<f32>(x + p));
    }
  }
}

/**
 * Per row of logits z [rows, c] and targets t: probs = softmax(z) and loss = -Σ t·(z - max - log Σe).
 * The exponentials are vectorised; the row sum, its log and the loss accumulate in f64 as in the
 * reference, so only exp's ~1 ulp separates the two.
 */
export function softmaxXent(z: usize, t: usize, rows: i32, c: i32, loss: usize, probs: usize): void {
  const bytes = <usize>(c << 2);
  const full = c & ~3;
  for (let i = 0; i < rows; i++) {
    let mx: f32 = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = load<f32>(z + <usize>(j << 2));
      mx = v > mx || F32.isNaN(v) ? v : mx;
    }
    const vmx = f32x4.splat(mx);
    let j = 0;
    for (; j < full; j += 4) {
      const p = <usize>(j << 2);
      v128.store(probs + p, Vec.exp(f32x4.sub(v128.load(z + p), vmx)));
    }
    if (j < c) {
      for (let q = j; q < c; q++) store<f32>(TMP + <usize>((q - j) << 2), load<f32>(z + <usize>(q << 2)));
      v128.store(TMP, Vec.exp(f32x4.sub(v128.load(TMP), vmx)), 16);
      for (let q = j; q < c; q++)
        store<f32>(probs + <usize>(q << 2), load<f32>(TMP + <usize>(16 + ((q - j) << 2))));
    }
    let s: f64 = 0;
    for (let q = 0; q < c; q++) s += <f64>load<f32>(probs + <usize>(q << 2));
    const logS = Math.log(s);
    const sf = <f32>s;
    let l: f64 = 0;
    for (let q = 0; q < c; q++) {
      const p = <usize>(q << 2);
      store<f32>(probs + p, load<f32>(probs + p) / sf);
      l -= <f64>load<f32>(t + p) * (<f64>load<f32>(z + p) - <f64>mx - logS);
    }
    store<f32>(loss, <f32>l);
    z += bytes;
    t += bytes;
    probs += bytes;
    loss += 4;
  }
}

/**
 * Elementwise sigmoid cross-entropy of logits z against targets t (n floats): loss = max(z, 0) - z·t
 * + log(1 + e^-|z|), rounded after every operation exactly as the composed ops round it on this
 * backend (exp by Vec.exp, log in f64), and probs = sigmoid(z) from the same e^-|z| for the gradient.
 */
export function sigmoidXent(z: usize, t: usize, n: i32, loss: usize, probs: usize): void {
  for (let i = 0; i < n; i++) {
    const p = <usize>(i << 2);
    const zi = load<f32>(z + p);
    const e = f32x4.extract_lane(Vec.exp(f32x4.splat(-Mathf.abs(zi))), 0);
    const onePlus: f32 = 1 + e;
    const l: f32 = max<f32>(zi, 0) - zi * load<f32>(t + p);
    store<f32>(loss + p, l + <f32>Math.log(<f64>onePlus));
    store<f32>(probs + p, (zi >= 0 ? 1 : e) / onePlus);
  }
}
