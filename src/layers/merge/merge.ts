import { ShapeError, ValueError } from '../../errors.js';
import { minimum } from '../../ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { type CallContext, Layer, type SymbolicShape } from '../layer.js';
import { getKerasMask, setKerasMask } from '../rnn/masking.js';
import { formatSymbolicShape } from '../symbolic.js';

/**
 * Base of the merge layers (Add, Multiply, Average, Concatenate): they take a list of at least two
 * tensors and have no weights. Subclasses say how shapes combine (`mergedShape`) and compute the
 * result (`merge`). Timestep masks of the inputs are combined with a logical AND, as Keras does.
 *
 * @example
 * import { Add, Input } from 'tensile';
 * const a = Input({ shape: [3] });
 * const b = Input({ shape: [3] });
 * console.log(new Add().apply([a, b]).shape); // [null, 3]
 */
export abstract class Merge extends Layer {
  override get takesList(): boolean {
    return true;
  }

  /** The output shape for these input shapes; throws a ShapeError naming the layer when they do not fit. */
  protected abstract mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape;

  /** The computation on the (checked) inputs. */
  protected abstract merge(inputs: readonly Tensor[]): Tensor;

  /** Whether the inputs' timestep masks carry over to the output (not for a merge along the time axis). */
  protected keepsMask(_rank: number): boolean {
    return true;
  }

  protected override buildFromShapes(shapes: readonly SymbolicShape[]): void {
    this.mergedShape(shapes);
    this.build(shapes[0]!);
  }

  protected override checkInputShapes(shapes: readonly SymbolicShape[]): void {
    this.mergedShape(shapes);
  }

  override outputShapeFromShapes(shapes: readonly SymbolicShape[]): SymbolicShape {
    return this.mergedShape(shapes);
  }

  override invoke(inputs: readonly Tensor[], _ctx: CallContext): Tensor {
    this.mergedShape(inputs.map((t) => t.shape));
    const out = this.merge(inputs);
    const masks = inputs.map(getKerasMask).filter((m): m is Tensor => m !== null);
    if (masks.length > 0 && out.rank >= 3 && this.keepsMask(out.rank))
      setKerasMask(
        out,
        masks.reduce((a, b) => minimum(a, b)),
      );
    return out;
  }

  call(_x: Tensor, _ctx: CallContext): Tensor {
    throw new ValueError(`${this.describe()}: expects a list of at least 2 inputs, got one tensor`);
  }

  protected shapeError(shapes: readonly SymbolicShape[], detail: string): ShapeError {
    return new ShapeError(
      this.describe(),
      shapes.map((s) => s.map((d) => d ?? -1)),
      `${detail}; got ${shapes.map(formatSymbolicShape).join(', ')}`,
    );
  }
}

/**
 * Base of the elementwise merges (Add, Multiply, Average): the inputs have the same rank, and each
 * dimension pair is equal, 1 (broadcast) or unknown, as in Keras' `_compute_elemwise_op_output_shape`.
 *
 * @example
 * import { Multiply, Input } from 'tensile';
 * console.log(new Multiply().apply([Input({ shape: [4, 1] }), Input({ shape: [4, 5] })]).shape); // [null, 4, 5]
 */
export abstract class ElementwiseMerge extends Merge {
  protected mergedShape(shapes: readonly SymbolicShape[]): SymbolicShape {
    const rank = shapes[0]!.length;
    if (shapes.some((s) => s.length !== rank))
      throw this.shapeError(shapes, 'inputs must have the same rank');
    return shapes.reduce((acc, shape) =>
      acc.map((a, k) => {
        const b = shape[k]!;
        if (a === null || b === null) return k === 0 ? null : a === 1 ? b : b === 1 ? a : (a ?? b);
        if (a === 1) return b;
        if (b === 1 || a === b) return a;
        throw this.shapeError(shapes, `inputs have incompatible shapes (dimension ${k}: ${a} ≠ ${b})`);
      }),
    );
  }
}
