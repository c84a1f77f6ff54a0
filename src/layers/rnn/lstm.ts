import type { ActivationName } from '../../activations/index.js';
import { cellArgsFromConfig } from './cell.js';
import { LSTMCell, type LSTMCellArgs } from './lstm-cell.js';
import { RNN, type RNNArgs, rnnArgsFromConfig } from './rnn.js';

/**
 * LSTM options: Keras' cell options and RNN options together.
 *
 * @example
 * import { LSTM } from 'tensile';
 * const lstm = new LSTM(8, { dropout: 0.3, returnSequences: true });
 */
export interface LSTMArgs extends RNNArgs, LSTMCellArgs {}

/**
 * Long Short-Term Memory layer (Hochreiter & Schmidhuber 1997) with Keras semantics: weights
 * 'kernel' [input, 4·units], 'recurrent_kernel' [units, 4·units], 'bias' [4·units], gates i, f, c, o;
 * tanh / sigmoid, glorot_uniform / orthogonal / zeros, forget-gate bias 1. Runs the backend's fused
 * kernel when it has one (tanh / sigmoid only), else the composed cell loop.
 *
 * @example
 * import { Sequential, Embedding, LSTM, Dense } from 'tensile';
 * const model = new Sequential([new Embedding(500, 16, { inputLength: 100 }), new LSTM(8), new Dense(1, { activation: 'sigmoid' })]);
 * console.log(model.countParams()); // 8809
 */
export class LSTM<R extends boolean = false> extends RNN<R> {
  readonly className = 'LSTM';
  declare readonly cell: LSTMCell;

  constructor(units: number, args: LSTMArgs & { returnState?: R } = {}) {
    super(new LSTMCell(units, args), args);
  }

  /** Rebuilds an LSTM from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): LSTM<boolean> {
    return new LSTM<boolean>(config.units as number, {
      ...rnnArgsFromConfig(config),
      ...cellArgsFromConfig('LSTM', config),
      recurrentActivation: config.recurrent_activation as ActivationName | null | undefined,
      unitForgetBias: (config.unit_forget_bias as boolean | undefined) ?? true,
    });
  }
}
