import { ValueError } from '../errors.js';
import { tensor } from '../ops/core.js';
import { mul } from '../ops/elementwise.js';
import type { Generator } from '../random/generator.js';
import { seedGenerator } from '../random/global.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs } from './layer.js';
import { getKerasMask, setKerasMask } from './rnn/masking.js';

export interface DropoutArgs extends LayerArgs {
  /** Broadcast shape of the mask, e.g. [null, 1, null] to drop whole timesteps' features alike. */
  noiseShape?: (number | null)[];
  seed?: number | null;
}

/**
 * Inverted dropout, active only in training: each value is zeroed with probability `rate` and the
 * rest are scaled by 1 / (1 - rate), so inference needs no rescaling.
 *
 * @example
 * import { Dense, Dropout, Sequential } from 'tensile';
 * const model = new Sequential([new Dense(64, { activation: 'relu', inputShape: [20] }), new Dropout(0.5), new Dense(1)]);
 */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  private readonly generator: Generator;

  constructor(rate: number, args: DropoutArgs = {}) {
    super(args);
    if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) {
      throw new ValueError(`Dropout: rate must be a number in [0, 1), got ${String(rate)}`);
    }
    this.rate = rate;
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    // A seeded layer draws a new mask each call from its own stream; unseeded ones fork the
    // global generator, so setRandomSeed makes them reproducible too.
    this.generator = seedGenerator(this.seed);
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return x;
    const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]!) : [...x.shape];
    const size = shape.reduce((p, d) => p * d, 1);
    const u = this.generator.uniformArray(size);
    const keep = 1 / (1 - this.rate);
    const mask = new Float32Array(size);
    for (let i = 0; i < size; i++) mask[i] = u[i]! >= this.rate ? keep : 0;
    // Dropout keeps the timesteps' padding mask (from Embedding(maskZero)) for the next RNN layer.
    const out = mul(x, tensor(mask, shape, 'float32', { backend: x.backend }));
    setKerasMask(out, getKerasMask(x));
    return out;
  }

  static fromConfig(config: Record<string, unknown>): Dropout {
    return new Dropout(config.rate as number, {
      ...baseArgsFromConfig(config),
      noiseShape: (config.noise_shape as (number | null)[] | null) ?? undefined,
      seed: (config.seed as number | null) ?? null,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape };
  }
}
