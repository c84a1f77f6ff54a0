import { Activation } from '../layers/activation.js';
import { ELU, LeakyReLU, ReLU, Softmax } from '../layers/activation-layers.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Conv1D } from '../layers/conv1d.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { Flatten } from '../layers/flatten.js';
import {
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
} from '../layers/global-pooling.js';
import type { Layer } from '../layers/layer.js';
import { Add } from '../layers/merge/add.js';
import { Average } from '../layers/merge/average.js';
import { Concatenate } from '../layers/merge/concatenate.js';
import { Maximum, Minimum } from '../layers/merge/extrema.js';
import { Multiply } from '../layers/merge/multiply.js';
import { Subtract } from '../layers/merge/subtract.js';
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from '../layers/pooling.js';
import { RepeatVector } from '../layers/repeat-vector.js';
import { Rescaling } from '../layers/rescaling.js';
import { Reshape } from '../layers/reshape.js';
import { GRU } from '../layers/rnn/gru.js';
import { LSTM } from '../layers/rnn/lstm.js';
import { SimpleRNN } from '../layers/rnn/simple-rnn.js';
import { TimeDistributed } from '../layers/time-distributed.js';
import { refusedLayerKeys } from './config-keys.js';
import { ModelFileError } from './errors.js';

/**
 * How to rebuild a layer class from its Keras config.
 *
 * @example
 * // loadModel(path, { customObjects: { MyLayer } }) where MyLayer has static fromConfig(config)
 */
export interface LayerClass {
  fromConfig(config: Record<string, unknown>): Layer;
}

interface Entry {
  readonly cls: LayerClass;
  /**
   * Keras keeps this layer's weights in a sub-layer: recurrent layers hold them in their `cell`, so
   * Keras 3 stores them at `layers/lstm/cell/vars/<i>` and names them `lstm/lstm_cell/kernel`.
   */
  readonly cell?: string;
}

/** Layer classes that model files may contain, keyed by Keras class name. One line per class. */
const LAYERS: Record<string, Entry> = {
  Dense: { cls: Dense },
  Activation: { cls: Activation },
  Dropout: { cls: Dropout },
  BatchNormalization: { cls: BatchNormalization },
  Embedding: { cls: Embedding },
  SimpleRNN: { cls: SimpleRNN, cell: 'simple_rnn_cell' },
  LSTM: { cls: LSTM, cell: 'lstm_cell' },
  GRU: { cls: GRU, cell: 'gru_cell' },
  Add: { cls: Add },
  Multiply: { cls: Multiply },
  Average: { cls: Average },
  Concatenate: { cls: Concatenate },
  Subtract: { cls: Subtract },
  Maximum: { cls: Maximum },
  Minimum: { cls: Minimum },
  Conv1D: { cls: Conv1D },
  Conv2D: { cls: Conv2D },
  MaxPooling1D: { cls: MaxPooling1D },
  MaxPooling2D: { cls: MaxPooling2D },
  AveragePooling1D: { cls: AveragePooling1D },
  AveragePooling2D: { cls: AveragePooling2D },
  GlobalAveragePooling1D: { cls: GlobalAveragePooling1D },
  GlobalAveragePooling2D: { cls: GlobalAveragePooling2D },
  GlobalMaxPooling1D: { cls: GlobalMaxPooling1D },
  GlobalMaxPooling2D: { cls: GlobalMaxPooling2D },
  Flatten: { cls: Flatten },
  Reshape: { cls: Reshape },
  ReLU: { cls: ReLU },
  LeakyReLU: { cls: LeakyReLU },
  ELU: { cls: ELU },
  Softmax: { cls: Softmax },
  Rescaling: { cls: Rescaling },
  RepeatVector: { cls: RepeatVector },
  // Its nested forward/backward layer configs are rebuilt through this registry.
  Bidirectional: {
    cls: {
      fromConfig: (c) =>
        Bidirectional.fromConfig(c, (name, cfg) => layerFromConfig(name, cfg, 'Bidirectional')),
    },
  },
  TimeDistributed: {
    cls: {
      fromConfig: (c) =>
        TimeDistributed.fromConfig(c, (name, cfg) => layerFromConfig(name, cfg, 'TimeDistributed')),
    },
  },
};

/**
 * The Keras sub-layer name holding a layer's weights ('lstm_cell' for LSTM), if any.
 *
 * @example
 * // cellOf('LSTM') === 'lstm_cell'; cellOf('Dense') === undefined
 */
export function cellOf(className: string): string | undefined {
  return LAYERS[className]?.cell;
}

/**
 * Rebuilds a layer from its Keras class name and config, with custom classes taking precedence.
 *
 * @example
 * // layerFromConfig('Dense', { name: 'dense', units: 3 }, 'model.keras')
 */
export function layerFromConfig(
  className: string,
  config: Record<string, unknown>,
  where: string,
  custom: Record<string, LayerClass> = {},
): Layer {
  const cls = custom[className] ?? LAYERS[className]?.cls;
  if (!cls) {
    const known = [...Object.keys(LAYERS), ...Object.keys(custom)].join(', ');
    throw new ModelFileError(
      `${where}: unknown layer class '${className}' (layer '${String(config.name)}'); Tensile can load: ${known}. ` +
        'Pass your own class as loadModel(path, { customObjects: { ' +
        `${className} } }).`,
    );
  }
  const refused = custom[className] ? [] : refusedLayerKeys(className, config);
  if (refused.length > 0) {
    throw new ModelFileError(
      `${where}: layer '${String(config.name)}' (${className}) uses ${refused.join(', ')}, which Tensile does not support ` +
        '(it would change what the layer computes or how it trains)',
    );
  }
  try {
    return cls.fromConfig(config);
  } catch (e) {
    throw new ModelFileError(
      `${where}: cannot rebuild layer '${String(config.name)}' (${className}): ${(e as Error).message}`,
    );
  }
}
