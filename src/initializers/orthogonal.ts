import { ShapeError } from '../errors.js';
import { householderQR } from './householder-qr.js';
import { type InitializerConfig, RandomInitializer, type SeedOptions } from './initializer.js';

/**
 * Options of Orthogonal: a multiplicative gain (Keras default 1) and a seed.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.Orthogonal({ gain: 3, seed: 0 }).gain); // 3
 */
export interface OrthogonalOptions extends SeedOptions {
  gain?: number;
}

/**
 * A random orthogonal matrix, as Keras' `Orthogonal` (the default recurrent kernel initializer). The
 * shape is flattened to rows = prod(shape[:-1]), cols = shape[-1]; a standard normal matrix of shape
 * (max(rows, cols), min(rows, cols)) is drawn row-major, factored as QR, Q's columns are multiplied
 * by the signs of R's diagonal (so the result is Haar-distributed), Q is transposed when rows < cols,
 * and the result is scaled by `gain`. Columns are orthonormal when rows >= cols, rows otherwise.
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.Orthogonal({ seed: 1 }).generate([2, 2]);
 * console.log(Math.abs(w[0] * w[1] + w[2] * w[3]) < 1e-6); // true
 */
export class Orthogonal extends RandomInitializer {
  readonly className: string = 'Orthogonal';
  readonly gain: number;

  constructor({ gain = 1, seed }: OrthogonalOptions = {}) {
    super(seed);
    this.gain = gain;
  }

  protected compute(shape: readonly number[]): Float32Array {
    if (shape.length < 2) {
      throw new ShapeError(
        this.className,
        [shape],
        `needs a shape of rank 2 or more, got rank ${shape.length}`,
      );
    }
    const cols = shape[shape.length - 1]!;
    let rows = 1;
    for (let i = 0; i < shape.length - 1; i++) rows *= shape[i]!;
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const g = this.generator();
    const a = new Float64Array(m * n);
    for (let i = 0; i < a.length; i++) a[i] = g.normal();
    const { q, r } = householderQR(a, m, n);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const v = this.gain * Math.sign(r[j * n + j]!) * q[i * n + j]!;
        // q is m×n; the output is rows×cols, which is q itself or its transpose.
        if (rows >= cols) out[i * cols + j] = v;
        else out[j * cols + i] = v;
      }
    }
    return out;
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), gain: this.gain };
  }
}

/**
 * An Orthogonal initializer (Keras defaults gain 1).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(initializers.orthogonal({ gain: 2 }).gain); // 2
 */
export function orthogonal(options?: OrthogonalOptions): Orthogonal {
  return new Orthogonal(options);
}
