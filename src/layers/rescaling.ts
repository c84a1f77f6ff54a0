import { ShapeError, ValueError } from '../errors.js';
import { castTo, tensor } from '../ops/core.js';
import { add, mul } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs } from './layer.js';

/** A number, or one number per channel (last axis), as Keras' Rescaling takes them. */
type Factor = number | readonly number[];

function checkFactor(option: string, v: unknown): Factor {
  const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  if (ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok))) return v as Factor;
  throw new ValueError(
    `Rescaling: ${option} must be a finite number or a non-empty list of them (one per channel), got ${JSON.stringify(v)}`,
  );
}

/**
 * Keras' Rescaling layer: inputs·scale + offset, cast to float32 first (so int32 pixels come out as
 * floats). `new Rescaling(1 / 255)` maps 0..255 to [0, 1]; `new Rescaling(1 / 127.5, { offset: -1 })`
 * to [-1, 1]. A list applies one factor per channel (the last axis).
 *
 * @example
 * import { Rescaling, tensor } from 'tensile';
 * const y = new Rescaling(1 / 255).apply(tensor([0, 51, 255], [1, 3], 'int32'));
 * console.log(y.dtype, Array.from(y.dataSync())); // float32 [0, 0.20000001788139343, 1]
 */
export class Rescaling extends Layer {
  readonly className = 'Rescaling';
  readonly scale: Factor;
  readonly offset: Factor;

  constructor(
    scale: number | readonly number[],
    args: LayerArgs & { offset?: number | readonly number[] } = {},
  ) {
    super(args);
    this.scale = checkFactor('scale', scale);
    this.offset = checkFactor('offset', args.offset ?? 0);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const factor = (f: Factor, option: string) => {
      if (typeof f === 'number') return f;
      const channels = x.shape[x.rank - 1];
      if (channels !== f.length)
        throw new ShapeError(
          this.describe(),
          [x.shape],
          `${option} has ${f.length} values but the input has ${channels} channels`,
        );
      return tensor(Float32Array.from(f), [f.length], 'float32', { backend: x.backend });
    };
    // Keras casts the inputs to the compute dtype first (an int32 times a number stays int32 here).
    const scaled = mul(castTo(x, 'float32', this.className), factor(this.scale, 'scale'));
    return this.offset === 0 ? scaled : add(scaled, factor(this.offset, 'offset'));
  }

  static fromConfig(config: Record<string, unknown>): Rescaling {
    const numeric = (key: string, dflt: number) => {
      const v = config[key] ?? dflt;
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        throw new ValueError(
          `Rescaling '${String(config.name)}': ${key} stored as ${JSON.stringify(v).slice(0, 80)} is not supported (a number or a list of numbers is)`,
        );
      return v as Factor;
    };
    return new Rescaling(numeric('scale', 1), {
      ...baseArgsFromConfig(config),
      offset: numeric('offset', 0),
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }
}
