import { ShapeError, ValueError } from '../errors.js';
import { reshape } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';
import { baseArgsFromConfig, type CallContext, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Reshapes each sample to `targetShape` (no batch dim); one entry may be -1, inferred from the rest.
 *
 * @example
 * import { Reshape, tensor } from 'tensile';
 * console.log(new Reshape([-1, 2]).apply(tensor(new Float32Array(12), [2, 6])).shape); // [2, 3, 2]
 */
export class Reshape extends Layer {
  readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(targetShape: readonly number[], args: LayerArgs = {}) {
    super(args);
    this.targetShape = [...targetShape];
    const bad = this.targetShape.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1));
    if (bad || this.targetShape.filter((d) => d === -1).length > 1) {
      throw new ValueError(
        `Reshape: targetShape must be positive integers with at most one -1, got [${this.targetShape.join(', ')}]`,
      );
    }
  }

  /** The target shape with -1 resolved for samples of `size` elements. */
  private resolve(size: number, inputShape: readonly (number | null)[]): number[] {
    const known = this.targetShape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const inferred = size / known;
    const fits = this.targetShape.includes(-1) ? Number.isInteger(inferred) : known === size;
    if (!fits) {
      throw new ShapeError(
        `layer '${this.name}' (Reshape)`,
        [inputShape.map((d) => d ?? -1)],
        `cannot reshape ${size} values per sample to [${this.targetShape.join(', ')}]`,
      );
    }
    return this.targetShape.map((d) => (d === -1 ? inferred : d));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null))
      return [inputShape[0]!, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    return [
      inputShape[0]!,
      ...this.resolve(
        (rest as number[]).reduce((p, d) => p * d, 1),
        inputShape,
      ),
    ];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const n = x.shape[0]!;
    return reshape(x, [n, ...this.resolve(n === 0 ? 0 : x.size / n, x.shape)]);
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Reshape {
    return new Reshape(config.target_shape as number[], baseArgsFromConfig(config));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }
}
