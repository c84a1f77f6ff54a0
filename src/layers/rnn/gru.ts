import type { ActivationName } from '../../activations/index.js';
import { cellArgsFromConfig } from './cell.js';
import { GRUCell, type GRUCellArgs } from './gru-cell.js';
import { RNN, type RNNArgs, rnnArgsFromConfig } from './rnn.js';

/**
 * GRU options: Keras' cell options and RNN options together.
 *
 * @example
 * import { GRU } from 'tensile';
 * const gru = new GRU(8, { resetAfter: false, goBackwards: true });
 */
export interface GRUArgs extends RNNArgs, GRUCellArgs {}

/**
 * Gated Recurrent Unit layer (Cho et al. 2014) with Keras semantics: weights 'kernel'
 * [input, 3·units], 'recurrent_kernel' [units, 3·units], 'bias' [2, 3·units] with resetAfter (the
 * default) or [3·units] without; gates z, r, h. Runs the backend's fused kernel when it has one.
 *
 * @example
 * import { GRU, Sequential } from 'tensile';
 * const model = new Sequential([new GRU(8, { inputShape: [100, 16] })]);
 * console.log(model.countParams()); // 624
 */
export class GRU<R extends boolean = false> extends RNN<R> {
  readonly className = 'GRU';
  declare readonly cell: GRUCell;

  constructor(units: number, args: GRUArgs & { returnState?: R } = {}) {
    super(new GRUCell(units, args), args);
  }

  /** Rebuilds a GRU from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): GRU<boolean> {
    return new GRU<boolean>(config.units as number, {
      ...rnnArgsFromConfig(config),
      ...cellArgsFromConfig('GRU', config),
      recurrentActivation: config.recurrent_activation as ActivationName | null | undefined,
      resetAfter: (config.reset_after as boolean | undefined) ?? true,
    });
  }
}
