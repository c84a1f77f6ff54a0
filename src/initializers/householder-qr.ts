import { ShapeError } from '../errors.js';

/**
 * A thin QR factorization: `q` is m×n with orthonormal columns, `r` is n×n upper triangular.
 *
 * @example
 * import { initializers } from 'tensile';
 * const qr = initializers.householderQR([1, 0, 0, 1], 2, 2);
 * console.log(qr.q.length, qr.r.length); // 4 4
 */
export interface QR {
  /** m×n, row-major. */
  readonly q: Float64Array;
  /** n×n, row-major, zero below the diagonal. */
  readonly r: Float64Array;
}

/**
 * Thin QR of a row-major m×n matrix with m >= n, by Householder reflections in float64 (LAPACK's
 * sign convention: r's diagonal is -sign(x₀)·‖x‖, so it can be negative, as numpy's can).
 *
 * @example
 * import { initializers } from 'tensile';
 * const { q, r } = initializers.householderQR(new Float64Array([3, 0, 4, 5]), 2, 2);
 * console.log(Math.abs(q[0] * r[0] - 3) < 1e-12); // true
 */
export function householderQR(a: ArrayLike<number>, m: number, n: number): QR {
  if (!(Number.isInteger(m) && Number.isInteger(n) && m >= n && n >= 0) || a.length !== m * n) {
    throw new ShapeError('householderQR', [[m, n]], `need m >= n >= 0 and ${m * n} values, got ${a.length}`);
  }
  // Work column-major so that every reflection walks contiguous memory.
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j]!;
  const vs: Float64Array[] = [];
  const taus = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const col = k * m;
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += w[col + i]! * w[col + i]!;
    const x0 = w[col + k]!;
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    // v = x - alpha·e₀; choosing alpha opposite in sign to x₀ avoids cancellation in v₀.
    const v = w.slice(col + k, col + m);
    v[0] = x0 - alpha;
    const vv = norm2 - x0 * x0 + v[0]! * v[0]!;
    const tau = vv === 0 ? 0 : 2 / vv;
    vs.push(v);
    taus[k] = tau;
    if (tau !== 0) {
      w[col + k] = alpha;
      for (let i = k + 1; i < m; i++) w[col + i] = 0;
      for (let j = k + 1; j < n; j++) reflect(w, j * m + k, v, tau);
    }
  }
  // Q = H₀ H₁ … H_{n-1} applied to the first n columns of the identity, last reflection first.
  // Columns j < k are still e_j when H_k is applied, and H_k leaves them alone, so start at j = k.
  const qc = new Float64Array(m * n);
  for (let j = 0; j < n; j++) qc[j * m + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    if (taus[k] === 0) continue;
    for (let j = k; j < n; j++) reflect(qc, j * m + k, vs[k]!, taus[k]!);
  }
  const q = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = qc[j * m + i]!;
  const r = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) r[i * n + j] = w[j * m + i]!;
  return { q, r };
}

/** x ← (I − tau·v·vᵀ)·x for the segment of `x` that starts at `offset` and has v's length. */
function reflect(x: Float64Array, offset: number, v: Float64Array, tau: number): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i]! * x[offset + i]!;
  const s = tau * dot;
  if (s === 0) return;
  for (let i = 0; i < v.length; i++) x[offset + i] -= s * v[i]!;
}
