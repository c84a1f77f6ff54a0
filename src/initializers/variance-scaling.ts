import { ValueError } from '../errors.js';
import { sizeOf } from '../tensor/shape.js';
import { computeFans } from './fans.js';
import { type InitializerConfig, RandomInitializer, type SeedOptions } from './initializer.js';

/**
 * Which fan divides the scale: inputs, outputs, or their mean.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.VarianceScaling({ mode: 'fan_out' }).mode); // fan_out
 */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
/**
 * The distribution VarianceScaling draws from.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.VarianceScaling({ distribution: 'normal' }).distribution); // truncated_normal
 */
export type VarianceDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

/**
 * Options of VarianceScaling; 'normal' is accepted as Keras' alias of 'truncated_normal'.
 *
 * @example
 * import { initializers } from 'tensile';
 * const init = new initializers.VarianceScaling({ scale: 2, distribution: 'untruncated_normal' });
 * console.log(init.scale); // 2
 */
export interface VarianceScalingOptions extends SeedOptions {
  scale?: number;
  mode?: FanMode;
  distribution?: VarianceDistribution | 'normal';
}

const MODES: readonly string[] = ['fan_in', 'fan_out', 'fan_avg'];
const DISTRIBUTIONS: readonly string[] = ['truncated_normal', 'untruncated_normal', 'uniform'];
/** Std of the standard normal truncated to [-2, 2]; dividing by it restores the intended std. */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * Scales the draws to the weight's shape, as Keras' `VarianceScaling`: with n the fan chosen by `mode`
 * (at least 1), normals have std sqrt(scale / n) (truncated at 2 std, using std
 * sqrt(scale / n) / 0.8796… so the std after truncation is right) and uniforms have limit
 * sqrt(3·scale / n).
 *
 * @example
 * import { initializers } from 'tensile';
 * const init = new initializers.VarianceScaling({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed: 1 });
 * const w = init.generate([6, 4]); // uniform in [-1, 1): sqrt(3 * 2 / 6) = 1
 * console.log(w.every((v) => Math.abs(v) <= 1)); // true
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceDistribution;

  constructor({
    scale = 1,
    mode = 'fan_in',
    distribution = 'truncated_normal',
    seed,
  }: VarianceScalingOptions = {}) {
    super(seed);
    if (!(scale > 0)) throw new ValueError(`VarianceScaling: scale must be a positive number, got ${scale}`);
    if (!MODES.includes(mode)) {
      throw new ValueError(`VarianceScaling: invalid mode '${mode}'; use one of ${MODES.join(', ')}`);
    }
    const dist = typeof distribution === 'string' ? distribution.toLowerCase() : distribution;
    const normalized = dist === 'normal' ? 'truncated_normal' : dist;
    if (!DISTRIBUTIONS.includes(normalized)) {
      throw new ValueError(
        `VarianceScaling: invalid distribution '${distribution}'; use one of ${DISTRIBUTIONS.join(', ')}`,
      );
    }
    this.scale = scale;
    this.mode = mode;
    this.distribution = normalized as VarianceDistribution;
  }

  protected compute(shape: readonly number[]): Float32Array {
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, n);
    const size = sizeOf(shape);
    const g = this.generator();
    if (this.distribution === 'truncated_normal') {
      return g.truncatedNormalArray(size, 0, Math.sqrt(scale) / TRUNCATED_STD);
    }
    if (this.distribution === 'untruncated_normal') return g.normalArray(size, 0, Math.sqrt(scale));
    const limit = Math.sqrt(3 * scale);
    return g.uniformArray(size, -limit, limit);
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), scale: this.scale, mode: this.mode, distribution: this.distribution };
  }
}

/** A VarianceScaling preset whose Keras config is only `{ seed }`. */
abstract class Preset extends VarianceScaling {
  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }
}

/**
 * Glorot (Xavier) uniform: uniform in [-limit, limit), limit = sqrt(6 / (fanIn + fanOut)). Keras'
 * default kernel initializer.
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.GlorotUniform({ seed: 0 }).generate([10, 14]); // limit sqrt(6 / 24) = 0.5
 * console.log(w.every((v) => Math.abs(v) <= 0.5)); // true
 */
export class GlorotUniform extends Preset {
  override readonly className: string = 'GlorotUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'uniform', seed });
  }
}

/**
 * Glorot (Xavier) normal: truncated normal with std sqrt(2 / (fanIn + fanOut)).
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.GlorotNormal({ seed: 0 }).generate([3, 5]).length); // 15
 */
export class GlorotNormal extends Preset {
  override readonly className: string = 'GlorotNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_avg', distribution: 'truncated_normal', seed });
  }
}

/**
 * He normal: truncated normal with std sqrt(2 / fanIn), for ReLU layers.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.HeNormal().distribution); // truncated_normal
 */
export class HeNormal extends Preset {
  override readonly className: string = 'HeNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed });
  }
}

/**
 * He uniform: uniform in [-limit, limit), limit = sqrt(6 / fanIn).
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.HeUniform({ seed: 0 }).generate([24, 3]); // limit sqrt(6 / 24) = 0.5
 * console.log(w.every((v) => Math.abs(v) <= 0.5)); // true
 */
export class HeUniform extends Preset {
  override readonly className: string = 'HeUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 2, mode: 'fan_in', distribution: 'uniform', seed });
  }
}

/**
 * LeCun normal: truncated normal with std sqrt(1 / fanIn), for SELU networks.
 *
 * @example
 * import { initializers } from 'tensile';
 * console.log(new initializers.LecunNormal().mode); // fan_in
 */
export class LecunNormal extends Preset {
  override readonly className: string = 'LecunNormal';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal', seed });
  }
}

/**
 * LeCun uniform: uniform in [-limit, limit), limit = sqrt(3 / fanIn).
 *
 * @example
 * import { initializers } from 'tensile';
 * const w = new initializers.LecunUniform({ seed: 0 }).generate([12, 2]); // limit sqrt(3 / 12) = 0.5
 * console.log(w.every((v) => Math.abs(v) <= 0.5)); // true
 */
export class LecunUniform extends Preset {
  override readonly className: string = 'LecunUniform';
  constructor({ seed }: SeedOptions = {}) {
    super({ scale: 1, mode: 'fan_in', distribution: 'uniform', seed });
  }
}
