import type { FusedActivation, RnnCellKind } from '../../backend/backend.js';
import { add, mul } from '../../ops/elementwise.js';
import { matmul } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type AddWeight,
  BaseCell,
  type CellArgs,
  type CellWeights,
  type RecurrentCell,
  type StepDropout,
} from './cell.js';

/** Activations the fused SimpleRNN kernel computes itself. */
const FUSABLE = new Set<string>(['linear', 'relu', 'sigmoid', 'tanh']);

/**
 * One SimpleRNN step as Keras computes it: h' = act(x·kernel + bias + h·recurrent_kernel).
 *
 * @example
 * import { SimpleRNNCell, zeros } from 'tensile';
 * const cell = new SimpleRNNCell(2, { activation: 'relu' });
 * const w = { kernel: zeros([3, 2]), recurrentKernel: zeros([2, 2]), bias: zeros([2]) };
 * const [h] = cell.step(zeros([1, 3]), [zeros([1, 2])], w, { input: null, recurrent: null });
 * console.log(h.shape); // [1, 2]
 */
export class SimpleRNNCell extends BaseCell implements RecurrentCell {
  readonly stateCount = 1;

  constructor(units: number, args: CellArgs = {}) {
    super('SimpleRNN', units, args);
  }

  build(inputDim: number, addWeight: AddWeight): CellWeights {
    const u = this.units;
    const kernel = addWeight('kernel', [inputDim, u], this.kernelInitializer);
    const recurrentKernel = addWeight('recurrent_kernel', [u, u], this.recurrentInitializer);
    const bias = this.useBias ? addWeight('bias', [u], this.biasInitializer) : null;
    return { kernel, recurrentKernel, bias };
  }

  step(x: Tensor, states: readonly Tensor[], w: CellWeights, drop: StepDropout): [Tensor, Tensor[]] {
    const h = states[0]!;
    const xd = drop.input ? mul(x, drop.input) : x;
    const hd = drop.recurrent ? mul(h, drop.recurrent) : h;
    let a = matmul(xd, w.kernel);
    if (w.bias) a = add(a, w.bias);
    const hNext = this.activation(add(a, matmul(hd, w.recurrentKernel)));
    return [hNext, [hNext]];
  }

  fusedKind(): RnnCellKind | null {
    if (!FUSABLE.has(this.activationName)) return null;
    return { cell: 'simpleRnn', activation: this.activationName as FusedActivation };
  }

  getConfig(): Record<string, unknown> {
    return this.cellConfig({}, {}, {});
  }
}
