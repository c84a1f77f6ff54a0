import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { type CreationOptions, tensor } from '../ops/core.js';
import type { Generator } from '../random/generator.js';
import { seedGenerator } from '../random/global.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A JSON-serializable initializer config with Keras' snake_case keys, e.g. `{ seed: null }`.
 *
 * @example
 * import { initializers } from 'tensile';
 * const config = new initializers.Orthogonal({ gain: 2 }).getConfig();
 * console.log(JSON.stringify(config)); // {"seed":null,"gain":2}
 */
export type InitializerConfig = Record<string, number | string | null>;

/**
 * The base of every initializer: maps a shape to starting values for a weight. Subclasses implement
 * `compute` (raw float32 values, row-major, for an already validated shape) and, when they have
 * options, `getConfig`.
 *
 * @example
 * import { initializers } from 'tensile';
 * class Halves extends initializers.Initializer {
 *   className = 'Halves';
 *   compute(shape) { return new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.5); }
 * }
 * console.log(new Halves().call([2, 3]).shape); // [2, 3]
 */
export abstract class Initializer {
  /** The Keras class name written to configs, e.g. 'GlorotUniform'. */
  abstract readonly className: string;

  /**
   * The values for a weight of `shape`, row-major, as a Float32Array (what `call` uploads).
   *
   * @example
   * import { initializers } from 'tensile';
   * console.log(new initializers.Ones().generate([2, 2])); // [1, 1, 1, 1]
   */
  generate(shape: readonly number[]): Float32Array {
    checkShape(this.className, shape);
    return this.compute(shape);
  }

  /** The values for a validated `shape`; what subclasses implement. */
  protected abstract compute(shape: readonly number[]): Float32Array;

  /**
   * A new tensor of `shape` holding the initial values (float32 unless the initializer allows int32),
   * on the selected backend unless `opts.backend` names one.
   *
   * @example
   * import { initializers } from 'tensile';
   * const w = new initializers.GlorotUniform({ seed: 1 }).call([3, 4]);
   * console.log(w.shape, w.dtype); // [3, 4] float32
   */
  call(shape: readonly number[], dtype: DType = 'float32', opts: CreationOptions = {}): Tensor {
    return tensor(this.generate(shape), shape, dtype, opts);
  }

  /**
   * The constructor options as a Keras config (snake_case keys; `{}` when there are none).
   *
   * @example
   * import { initializers } from 'tensile';
   * console.log(JSON.stringify(new initializers.RandomNormal().getConfig())); // {"seed":null,"mean":0,"stddev":0.05}
   */
  getConfig(): InitializerConfig {
    return {};
  }
}

/**
 * Options shared by the random initializers.
 *
 * @example
 * import { initializers } from 'tensile';
 * const a = new initializers.HeUniform({ seed: 1 }).generate([3]);
 * const b = new initializers.HeUniform({ seed: 1 }).generate([3]);
 * console.log(a.join() === b.join()); // true
 */
export interface SeedOptions {
  /** Fixes the values: every call with the same seed returns the same values. */
  seed?: number | null;
}

/**
 * The base of random initializers. Seeding follows Keras 3 for an integer seed: each `call` restarts a
 * generator from the seed, so repeated calls (and other instances with that seed) give equal values.
 * Unseeded, each `call` forks the global generator (`seedGenerator()`): a new draw every call,
 * reproducible under `setRandomSeed`. Keras 3 instead fixes a random seed when an unseeded
 * initializer is constructed, so reusing one instance repeats its values (and Keras warns); we draw
 * fresh values because that is what sharing one initializer between layers is meant to do.
 *
 * @example
 * import { initializers } from 'tensile';
 * const init = new initializers.RandomUniform({ seed: 5 });
 * console.log(init.generate([3])[0] === init.generate([3])[0]); // true
 */
export abstract class RandomInitializer extends Initializer {
  /** The integer seed, or null for draws from the global generator. */
  readonly seed: number | null;

  constructor(seed: number | null | undefined) {
    super();
    if (seed !== undefined && seed !== null && !Number.isSafeInteger(seed)) {
      throw new ValueError(`${new.target.name}: seed must be an integer or null, got ${seed}`);
    }
    this.seed = seed ?? null;
  }

  /**
   * Random initializers only make float32 tensors (Keras raises for integer dtypes too).
   *
   * @example
   * import { initializers } from 'tensile';
   * console.log(new initializers.HeNormal({ seed: 0 }).call([2, 2]).dtype); // float32
   */
  override call(shape: readonly number[], dtype: DType = 'float32', opts: CreationOptions = {}): Tensor {
    if (dtype !== 'float32')
      throw new DTypeError(this.className, `random initializers need float32, got ${dtype}`);
    return super.call(shape, dtype, opts);
  }

  /** The generator one `compute` call draws from. */
  protected generator(): Generator {
    return seedGenerator(this.seed);
  }

  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }
}

function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(op, [shape], 'dimensions must be non-negative integers');
  }
}
