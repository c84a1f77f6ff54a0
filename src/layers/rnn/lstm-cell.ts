import type { ActivationFn, ActivationName } from '../../activations/index.js';
import type { RnnCellKind } from '../../backend/backend.js';
import { Initializer } from '../../initializers/index.js';
import { add, mul } from '../../ops/elementwise.js';
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
 * LSTM cell options: CellArgs plus the recurrent activation and Keras' forget-gate bias of 1.
 *
 * @example
 * import { LSTMCell } from 'tensile';
 * const cell = new LSTMCell(8, { unitForgetBias: false, recurrentActivation: 'sigmoid' });
 */
export interface LSTMCellArgs extends CellArgs {
  recurrentActivation?: ActivationName | null;
  /** Initialise the forget gate's bias to 1 (Keras default true). */
  unitForgetBias?: boolean;
}

/** Keras' unit_forget_bias: bias_initializer for i, ones for f, bias_initializer for c and o. */
class UnitForgetBias extends Initializer {
  readonly className = 'UnitForgetBias';
  constructor(
    private readonly inner: Initializer,
    private readonly units: number,
  ) {
    super();
  }

  protected compute(): Float32Array {
    const u = this.units;
    const out = new Float32Array(4 * u);
    out.set(this.inner.generate([u]), 0);
    out.fill(1, u, 2 * u);
    out.set(this.inner.generate([2 * u]), 2 * u);
    return out;
  }
}

/**
 * One LSTM step as Keras computes it: z = x·kernel + h·recurrent_kernel + bias split into gates
 * i, f, c, o; c' = f·c + i·act(z_c); h' = o·act(c').
 *
 * @example
 * import { LSTMCell, zeros } from 'tensile';
 * const cell = new LSTMCell(2);
 * const w = { kernel: zeros([3, 8]), recurrentKernel: zeros([2, 8]), bias: null };
 * const [h, states] = cell.step(zeros([1, 3]), [zeros([1, 2]), zeros([1, 2])], w, { input: null, recurrent: null });
 * console.log(h.shape, states.length); // [1, 2] 2
 */
export class LSTMCell extends BaseCell implements RecurrentCell {
  readonly stateCount = 2;
  readonly recurrentActivationName: ActivationName;
  private readonly recurrentActivation: ActivationFn;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMCellArgs = {}) {
    super('LSTM', units, args);
    [this.recurrentActivationName, this.recurrentActivation] = recurrentActivationOf(
      args.recurrentActivation,
    );
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  build(inputDim: number, addWeight: AddWeight): CellWeights {
    const u = this.units;
    const kernel = addWeight('kernel', [inputDim, 4 * u], this.kernelInitializer);
    const recurrentKernel = addWeight('recurrent_kernel', [u, 4 * u], this.recurrentInitializer);
    const biasInit = this.unitForgetBias ? new UnitForgetBias(this.biasInitializer, u) : this.biasInitializer;
    const bias = this.useBias ? addWeight('bias', [4 * u], biasInit) : null;
    return { kernel, recurrentKernel, bias };
  }

  step(x: Tensor, states: readonly Tensor[], w: CellWeights, drop: StepDropout): [Tensor, Tensor[]] {
    const [h, c] = states as [Tensor, Tensor];
    const xd = drop.input ? mul(x, drop.input) : x;
    const hd = drop.recurrent ? mul(h, drop.recurrent) : h;
    let z = add(matmul(xd, w.kernel), matmul(hd, w.recurrentKernel));
    if (w.bias) z = add(z, w.bias);
    const u = this.units;
    const gate = (k: number) => slice(z, [0, k * u], [z.shape[0]!, u]);
    const i = this.recurrentActivation(gate(0));
    const f = this.recurrentActivation(gate(1));
    const cNext = add(mul(f, c), mul(i, this.activation(gate(2))));
    const o = this.recurrentActivation(gate(3));
    const hNext = mul(o, this.activation(cNext));
    return [hNext, [hNext, cNext]];
  }

  fusedKind(): RnnCellKind | null {
    // The fused kernels implement Keras' defaults only; other activations run the composed loop.
    const defaults = this.activationName === 'tanh' && this.recurrentActivationName === 'sigmoid';
    return defaults ? { cell: 'lstm' } : null;
  }

  getConfig(): Record<string, unknown> {
    return this.cellConfig(
      { recurrent_activation: this.recurrentActivationName },
      { unit_forget_bias: this.unitForgetBias },
      {},
    );
  }
}
