import { type CellArgs, cellArgsFromConfig } from './cell.js';
import { RNN, type RNNArgs, rnnArgsFromConfig } from './rnn.js';
import { SimpleRNNCell } from './simple-rnn-cell.js';

/**
 * SimpleRNN options: Keras' cell options and RNN options together.
 *
 * @example
 * import { SimpleRNN } from 'tensile';
 * const rnn = new SimpleRNN(8, { activation: 'relu', returnSequences: true });
 */
export interface SimpleRNNArgs extends RNNArgs, CellArgs {}

/**
 * Fully-connected recurrent layer with Keras semantics: h' = act(x·kernel + bias + h·recurrent_kernel),
 * weights 'kernel' [input, units], 'recurrent_kernel' [units, units], 'bias' [units].
 *
 * @example
 * import { SimpleRNN, Sequential } from 'tensile';
 * const model = new Sequential([new SimpleRNN(8, { inputShape: [100, 16] })]);
 * console.log(model.countParams()); // 200
 */
export class SimpleRNN<R extends boolean = false> extends RNN<R> {
  readonly className = 'SimpleRNN';
  declare readonly cell: SimpleRNNCell;

  constructor(units: number, args: SimpleRNNArgs & { returnState?: R } = {}) {
    super(new SimpleRNNCell(units, args), args);
  }

  /** Rebuilds a SimpleRNN from its Keras config (the inverse of getConfig). */
  static fromConfig(config: Record<string, unknown>): SimpleRNN<boolean> {
    return new SimpleRNN<boolean>(config.units as number, {
      ...rnnArgsFromConfig(config),
      ...cellArgsFromConfig('SimpleRNN', config),
    });
  }
}
