import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import type { Layer } from '../layers/layer.js';
import { ModelFileError } from './errors.js';

/** How to rebuild a layer class from its Keras config. */
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
};

/** Keras' `naming.to_snake_case`, which names the weight groups of a .keras file. */
export function kerasSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Keras class names that `loadModel` can rebuild. */
export function knownLayerClasses(): string[] {
  return Object.keys(LAYERS);
}

/** The Keras sub-layer name holding a layer's weights ('lstm_cell' for LSTM), if any. */
export function cellOf(className: string): string | undefined {
  return LAYERS[className]?.cell;
}

/** Rebuilds a layer from its Keras class name and config, with custom classes taking precedence. */
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
  try {
    return cls.fromConfig(config);
  } catch (e) {
    throw new ModelFileError(`${where}: cannot rebuild layer '${String(config.name)}' (${className}): ${(e as Error).message}`);
  }
}
