import type { ActivationFn, ActivationName } from '../../activations/index.js';
import type { RnnCellKind } from '../../backend/backend.js';
import { add, mul, sub } from '../../ops/elementwise.js';
import { slice } from '../../ops/layout.js';
import { matmul } from '../../ops/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';
import {
  type AddWeight,
  BaseCell,
  type CellArgs,
  type CellWeights,
  type RecurrentCell,
  recurrentActivationOf,
  type StepDropout,
} from './cell.js';

/**
 * GRU cell options: CellArgs plus the recurrent activation and the reset convention.
 *
 * @example
 * import { GRUCell } from 'tensile';
 * const cell = new GRUCell(8, { resetAfter: false });
 */
export interface GRUCellArgs extends CellArgs {
  recurrentActivation?: ActivationName | null;
  /** Apply the reset gate after the recurrent matmul (Keras default true, cuDNN/torch style). */
  resetAfter?: boolean;
}

/** Columns [from, from + n) of a [rows, cols] matrix. */
function cols(m: Tensor, from: number, n: number): Tensor {
  return slice(m, [0, from], [m.shape[0]!, n]);
}

/**
 * One GRU step as Keras computes it (gates z = update, r = reset, h = candidate):
 * h' = z·h + (1-z)·act(x_h + r ⊙ (h·U_h + b_h)) with resetAfter, act(x_h + (r ⊙ h)·U_h) without.
 *
 * @example
 * import { GRUCell, zeros } from 'tensile';
 * const cell = new GRUCell(2);
 * const w = { kernel: zeros([3, 6]), recurrentKernel: zeros([2, 6]), bias: zeros([2, 6]) };
 * const [h] = cell.step(zeros([1, 3]), [zeros([1, 2])], w, { input: null, recurrent: null });
 * console.log(h.shape); // [1, 2]
 */
export class GRUCell extends BaseCell implements RecurrentCell {
  readonly stateCount = 1;
  readonly recurrentActivationName: ActivationName;
  private readonly recurrentActivation: ActivationFn;
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUCellArgs = {}) {
    super('GRU', units, args);
    [this.recurrentActivationName, this.recurrentActivation] = recurrentActivationOf(
      args.recurrentActivation,
    );
    this.resetAfter = args.resetAfter ?? true;
  }

  build(inputDim: number, addWeight: AddWeight): CellWeights {
    const u = this.units;
    const kernel = addWeight('kernel', [inputDim, 3 * u], this.kernelInitializer);
    const recurrentKernel = addWeight('recurrent_kernel', [u, 3 * u], this.recurrentInitializer);
    // Keras keeps separate input and recurrent biases with reset_after, as a [2, 3·units] weight.
    const bias = this.useBias
      ? addWeight('bias', this.resetAfter ? [2, 3 * u] : [3 * u], this.biasInitializer)
      : null;
    return { kernel, recurrentKernel, bias };
  }

  step(x: Tensor, states: readonly Tensor[], w: CellWeights, drop: StepDropout): [Tensor, Tensor[]] {
    const h = states[0]!;
    const u = this.units;
    const xd = drop.input ? mul(x, drop.input) : x;
    const hd = drop.recurrent ? mul(h, drop.recurrent) : h;
    const inputBias = w.bias && this.resetAfter ? slice(w.bias, [0, 0], [1, 3 * u]) : w.bias;
    let mx = matmul(xd, w.kernel);
    if (inputBias) mx = add(mx, inputBias);
    let mh = matmul(hd, this.resetAfter ? w.recurrentKernel : cols(w.recurrentKernel, 0, 2 * u));
    if (w.bias && this.resetAfter) mh = add(mh, slice(w.bias, [1, 0], [1, 3 * u]));
    const z = this.recurrentActivation(add(cols(mx, 0, u), cols(mh, 0, u)));
    const r = this.recurrentActivation(add(cols(mx, u, u), cols(mh, u, u)));
    const recurrentH = this.resetAfter
      ? mul(r, cols(mh, 2 * u, u))
      : matmul(mul(r, hd), cols(w.recurrentKernel, 2 * u, u));
    const hh = this.activation(add(cols(mx, 2 * u, u), recurrentH));
    // The update gate mixes in the previous state itself (not its dropped copy).
    const hNext = add(mul(z, h), mul(sub(1, z), hh));
    return [hNext, [hNext]];
  }

  fusedKind(): RnnCellKind | null {
    const defaults = this.activationName === 'tanh' && this.recurrentActivationName === 'sigmoid';
    return defaults ? { cell: 'gru', resetAfter: this.resetAfter } : null;
  }

  getConfig(): Record<string, unknown> {
    return this.cellConfig(
      { recurrent_activation: this.recurrentActivationName },
      {},
      { reset_after: this.resetAfter },
    );
  }
}
