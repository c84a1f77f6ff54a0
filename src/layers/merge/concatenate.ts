import { ValueError } from '../../errors.js';
import { concat } from '../../ops/layout.js';
import type { Tensor } from '../../tensor/tensor.js';
import { baseArgsFromConfig, type LayerArgs, type SymbolicShape } from '../layer.js';
import { Merge } from './merge.js';

/**
 * Concatenate options, with Keras' default (`axis: -1`, the features).
 *
 * @example
 * import { Concatenate } from 'tensile';
 * const join = new Concatenate({ axis: 1 });
 */
export interface ConcatenateArgs extends LayerArgs {
  axis?: number;
}

/**
 * Joins a list of tensors along `axis` (`keras.layers.Concatenate`); every other dimension must match.
 *
 * @example
 * import { Concatenate, Input } from 'tensile';
 * const joined = new Concatenate().apply([Input({ shape: [3] }), Input({ shape: [5] })]);
 * console.log(joined.shape); // [null, 8]
 */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis))
      throw new ValueError(`Concatenate: axis must be an integer, got ${String(axis)}`);
    this.axis = axis;
  }

  private axisFor(rank: number, shapes: readonly SymbolicShape[]): number {
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) {
      const why =
        axis === 0
          ? 'the batch axis cannot be concatenated'
          : `axis ${this.axis} is out of range for rank ${rank}`;
      throw this.shapeError(shapes, why);
    }
    return axis;
  }

  protected mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const rank = shapes[0]!.length;
    if (shapes.some((s) => s.length !== rank))
      throw this.shapeError(shapes, 'inputs must have the same rank');
    const axis = this.axisFor(rank, shapes);
    return shapes[0]!.map((d, k) => {
      if (k === axis) return shapes.some((s) => s[k] === null) ? null : shapes.reduce((n, s) => n + s[k]!, 0);
      const known = shapes.map((s) => s[k]).filter((v) => v !== null);
      if (k > 0 && known.some((v) => v !== known[0]))
        throw this.shapeError(
          shapes,
          `inputs must match in every dimension but axis ${this.axis} (dimension ${k} differs)`,
        );
      return known[0] ?? d;
    });
  }

  protected merge(inputs: readonly Tensor[]): Tensor {
    return concat(
      inputs,
      this.axisFor(
        inputs[0]!.rank,
        inputs.map((t) => t.shape),
      ),
    );
  }

  /** A mask on the time axis no longer lines up once that axis is joined. */
  protected override keepsMask(rank: number): boolean {
    return (this.axis < 0 ? this.axis + rank : this.axis) !== 1;
  }

  /** Rebuilds the layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>): Concatenate {
    return new Concatenate({
      ...baseArgsFromConfig(config),
      axis: (config.axis as number | undefined) ?? -1,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
