import { InputLayer } from '../layers/input-layer.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import { Model } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { compileConfig } from './compile-config.js';
import { ModelFileError } from './errors.js';
import { functionalConfig, functionalFromConfig, inputLayerFromConfig } from './functional-config.js';
import { type LayerClass, layerFromConfig } from './registry.js';

type Json = Record<string, unknown>;

/**
 * The batch input shape `[null, ...]` of a built model, or null.
 *
 * @example
 * // batchInputShape(new Sequential([new Dense(2, { inputShape: [3] })])) → [null, 3]
 */
export function batchInputShape(model: Sequential): (number | null)[] | null {
  const sample = model.sampleShape;
  return sample ? [model.layers[0]?.batchSizeArg ?? null, ...sample] : null;
}

/** A layer's config without `batch_input_shape`: the model's InputLayer entry carries the shape. */
function layerConfig(layer: Layer): Json {
  const { batch_input_shape: _, ...config } = layer.getConfig();
  return config;
}

/**
 * Keras 3 `config.json` of a .keras file (serialize_keras_object of a Sequential model).
 *
 * @example
 * // kerasJson(kerasModelConfig(model)) is the config.json of a .keras file
 */
export function kerasModelConfig(model: Model): Json {
  if (!(model instanceof Sequential)) return kerasFunctionalConfig(model);
  const shape = batchInputShape(model);
  const entry = (className: string, config: Json) => ({
    module: 'keras.layers',
    class_name: className,
    config,
    registered_name: null,
  });
  const layers: Json[] = [];
  if (shape)
    layers.push(
      entry('InputLayer', { batch_shape: shape, dtype: 'float32', sparse: false, name: 'input_layer' }),
    );
  for (const layer of model.layers) {
    if (layer instanceof Model) {
      layers.push(kerasModelConfig(layer));
      continue;
    }
    const e: Json = entry(layer.className, layerConfig(layer));
    if (layer.builtInputShape) e.build_config = { input_shape: [...layer.builtInputShape] };
    layers.push(e);
  }
  const out: Json = {
    module: 'keras',
    class_name: 'Sequential',
    config: {
      name: model.name,
      trainable: model.trainable,
      dtype: 'float32',
      layers,
      build_input_shape: shape,
    },
    registered_name: null,
  };
  if (shape) out.build_config = { input_shape: shape };
  const compile = compileConfig(model);
  if (compile) out.compile_config = compile;
  return out;
}

/**
 * Keras 3 `config.json` of a Functional model (serialize_keras_object of a `Functional`: Keras
 * records it under its module path and registered name, with an empty build config).
 */
function kerasFunctionalConfig(model: Model): Json {
  const config = functionalConfig(
    model,
    false,
    (l) => (l instanceof InputLayer ? l.getConfig() : layerConfig(l)),
    kerasModelConfig,
  );
  const out: Json = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config,
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
  const compile = compileConfig(model);
  if (compile) out.compile_config = compile;
  return out;
}

/** A layer's Keras 2 config; InputLayers use Keras 2's `batch_input_shape` key, which Keras 3 reads too. */
function legacyLayerConfig(layer: Layer): Json {
  if (!(layer instanceof InputLayer)) return legacy(layerConfig(layer)) as Json;
  const { batch_shape, dtype, sparse, name } = layer.getConfig();
  return { batch_input_shape: batch_shape, dtype, sparse, ragged: false, name };
}

/** Drops the Keras 3 serialization fields (`module`, `registered_name`) the legacy format lacks. */
function legacy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(legacy);
  if (value === null || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k !== 'module' && k !== 'registered_name') out[k] = legacy(v);
  }
  return out;
}

/**
 * The legacy HDF5 `model_config`: Keras 2 style configs, which Keras 2 and Keras 3 both load.
 *
 * @example
 * // h5.attrs.model_config = kerasJson(legacyModelConfig(model))
 */
export function legacyModelConfig(model: Model): Json {
  if (!(model instanceof Sequential)) {
    const config = functionalConfig(model, true, legacyLayerConfig, legacyModelConfig);
    return { class_name: 'Functional', config };
  }
  const shape = batchInputShape(model);
  const layers: Json[] = [];
  if (shape) {
    // batch_input_shape (not Keras 3's batch_shape): the one key both Keras 2 and 3 InputLayers accept.
    const input = {
      batch_input_shape: shape,
      dtype: 'float32',
      sparse: false,
      ragged: false,
      name: 'input_layer',
    };
    layers.push({ class_name: 'InputLayer', config: input });
  }
  for (const layer of model.layers)
    layers.push(
      layer instanceof Model
        ? legacyModelConfig(layer)
        : { class_name: layer.className, config: legacy(layerConfig(layer)) },
    );
  const config: Json = { name: model.name, layers, build_input_shape: shape };
  if (!model.trainable) config.trainable = false;
  return { class_name: 'Sequential', config };
}

/**
 * The Keras major version that wrote a file, from its `keras_version` (metadata.json or the HDF5
 * attribute); files without one are Keras 3 when zipped (.keras exists since Keras 2.13 with a version)
 * and Keras 2 or older when HDF5.
 *
 * @example
 * // kerasMajor('2.4.0', 'h5') === 2; kerasMajor(null, 'keras') === 3
 */
export function kerasMajor(version: string | null | undefined, format: 'keras' | 'h5'): number {
  const major = Number.parseInt(String(version ?? ''), 10);
  return Number.isFinite(major) ? major : format === 'keras' ? 3 : 2;
}

/**
 * Keras may serialize a built-in activation as `{class_name: 'function', config: 'relu'}`. Keras 2's
 * 'hard_sigmoid' is clip(0.2 x + 0.5, 0, 1), Keras 3's is clip(x / 6 + 0.5, 0, 1): a Keras 2 file's
 * name becomes Tensile's 'hard_sigmoid_keras2'.
 */
function normalizeLayerConfig(className: string, config: Json, major: number): Json {
  const out = { ...config };
  // Keras 2.0–2.2's GRU had no `reset_after` and computed the original GRU (reset before the matmul);
  // every later Keras writes the key.
  if (className === 'GRU' && major < 3 && !('reset_after' in out)) out.reset_after = false;
  for (const key of ['activation', 'recurrent_activation']) {
    const v = out[key] as { config?: unknown } | undefined;
    if (v && typeof v === 'object' && typeof v.config === 'string') out[key] = v.config;
    if (major < 3 && out[key] === 'hard_sigmoid') out[key] = 'hard_sigmoid_keras2';
  }
  return out;
}

/**
 * A Sequential model from a Keras model config (Keras 3 config.json, or a Keras 2/3 legacy HDF5
 * `model_config`) written by Keras major version `kerasVersion`: layers through the registry, input
 * shape from the InputLayer entry, the first layer's `batch_input_shape`, or `build_input_shape`.
 *
 * @example
 * // const model = modelFromConfig(JSON.parse(configJson), 'best.keras');
 */
export function modelFromConfig(
  raw: unknown,
  where: string,
  custom: Record<string, LayerClass> = {},
  kerasVersion = 3,
): Model {
  const top = (raw ?? {}) as Json;
  // Keras 2 before 2.4 wrote Functional models as class 'Model'.
  if (top.class_name === 'Functional' || top.class_name === 'Model')
    return trainableFromConfig(
      functionalFromConfig(
        (top.config ?? {}) as Json,
        where,
        custom,
        (className, config) => normalizeLayerConfig(className, config, kerasVersion),
        { load: (entry, at) => modelFromConfig(entry, at, custom, kerasVersion), kerasMajor: kerasVersion },
      ),
      top.config,
    );
  if (top.class_name !== 'Sequential') {
    throw new ModelFileError(
      `${where}: only Sequential and Functional models can be loaded, this file holds a '${String(top.class_name)}'`,
    );
  }
  const config = top.config as Json | Json[] | undefined;
  const entries = (Array.isArray(config) ? config : (config?.layers ?? [])) as Json[];
  if (!Array.isArray(entries)) throw new ModelFileError(`${where}: the model config has no layer list`);
  const layers: Layer[] = entries.map((entry, i) => {
    const className = String(entry.class_name);
    const layerConfig = normalizeLayerConfig(className, (entry.config ?? {}) as Json, kerasVersion);
    if (className === 'InputLayer') {
      if (i !== 0)
        throw new ModelFileError(`${where}: an InputLayer may only come first (found at position ${i})`);
      return inputLayerFromConfig(layerConfig, where);
    }
    if (NESTED_MODELS.has(className))
      return modelFromConfig(
        entry,
        `${where} (nested model '${String(layerConfig.name)}')`,
        custom,
        kerasVersion,
      );
    return layerFromConfig(className, layerConfig, where, custom);
  });
  const name = Array.isArray(config) ? undefined : (config?.name as string | undefined);
  const model = new Sequential(layers, { name });
  const buildShape =
    (Array.isArray(config) ? undefined : config?.build_input_shape) ??
    (top.build_config as Json | undefined)?.input_shape;
  if (!model.built && Array.isArray(buildShape) && model.layers.length > 0)
    model.build(buildShape as SymbolicShape);
  return trainableFromConfig(model, config);
}

/** Model classes a Sequential config may list as layers. */
const NESTED_MODELS = new Set(['Sequential', 'Functional', 'Model']);

/**
 * A model saved with `trainable: false` (a frozen feature extractor) loads frozen; Keras passes the
 * flag to every inner layer, whose own configs say the same.
 */
function trainableFromConfig(model: Model, config: unknown): Model {
  if ((config as Json | undefined)?.trainable === false) model.trainable = false;
  return model;
}
