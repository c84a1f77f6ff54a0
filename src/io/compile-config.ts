import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Loss,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from '../losses/index.js';
import { type Metric, resolveMetric } from '../metrics/index.js';
import type { CompileArgs, Model } from '../models/model.js';
import { Adam, getOptimizer, type Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import { scheduleFromConfig } from '../optimizers/schedule-config.js';
import type { LearningRateSchedule } from '../optimizers/schedules.js';
import { LOSS_KEYS, OPTIMIZER_KEYS, refusedKeys } from './config-keys.js';
import { ModelFileError } from './errors.js';

type Json = Record<string, unknown>;

const camel = (snake: string) => snake.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

function serializeLoss(loss: Loss, legacy: boolean): unknown {
  if (Object.keys(loss.config).length === 0) return loss.name;
  const config = { name: loss.name, reduction: 'sum_over_batch_size', ...loss.config };
  const className = camel(loss.name);
  return legacy
    ? { class_name: className, config }
    : { module: 'keras.losses', class_name: className, config, registered_name: null };
}

const metricNames = (ids: readonly (string | Metric)[]) =>
  ids.map((m) => (typeof m === 'string' ? m : m.name));

const isMap = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Loss);

/**
 * Loss, loss weights and metrics as compile took them: one entry per output for a model with several
 * outputs, keyed by output name when compile was given maps (Keras saves the user's structure).
 */
function outputSettings(model: Model, legacy: boolean): Json {
  const names = model.losses.length > 1 ? model.outputNames : null;
  const args = model.compileArgs;
  const shape = <T>(values: T[], keyed: boolean) =>
    keyed && names ? Object.fromEntries(names.map((n, j) => [n, values[j]])) : values;
  if (!names) {
    return {
      loss: serializeLoss(model.loss!, legacy),
      loss_weights: model.lossWeights,
      metrics: metricNames(model.metricIds),
    };
  }
  return {
    loss: shape(
      model.losses.map((l) => serializeLoss(l, legacy)),
      isMap(args?.loss),
    ),
    loss_weights: model.lossWeights ? shape(model.lossWeights, isMap(args?.lossWeights)) : null,
    metrics: shape(model.outputMetricIds.map(metricNames), isMap(args?.metrics)),
  };
}

/**
 * Keras 3's `compile_config` (config.json of a .keras file); null when the model is not compiled.
 *
 * @example
 * // compileConfig(model) → { optimizer: { module: 'keras.optimizers', class_name: 'Adam', ... }, loss: 'mse', ... }
 */
export function compileConfig(model: Model): Json | null {
  if (!model.optimizer || !model.loss) return null;
  const opt = model.optimizer;
  return {
    optimizer: {
      module: 'keras.optimizers',
      class_name: opt.className,
      config: opt.getConfig(),
      registered_name: null,
    },
    ...outputSettings(model, false),
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/**
 * The legacy HDF5 `training_config` attribute; null when the model is not compiled.
 *
 * @example
 * // trainingConfig(model) → { loss: 'mse', metrics: [], optimizer_config: { class_name: 'Adam', config: {...} }, ... }
 */
export function trainingConfig(model: Model): Json | null {
  if (!model.optimizer || !model.loss) return null;
  const { loss, loss_weights, metrics } = outputSettings(model, true);
  return {
    loss,
    metrics,
    weighted_metrics: null,
    loss_weights,
    optimizer_config: { class_name: model.optimizer.className, config: model.optimizer.getConfig() },
  };
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const numOrNull = (v: unknown) => (typeof v === 'number' ? v : null);

/**
 * A Keras class name without the `Custom>` package prefix tf.keras 2.11–2.15 write for their new
 * optimizers (`Custom>Adam`), which are the same classes.
 *
 * @example
 * // kerasClassName('Custom>RMSprop') === 'RMSprop'
 */
export function kerasClassName(name: unknown): string {
  return String(name).replace(/^Custom>/, '');
}

/**
 * An optimizer from Keras' serialized form: a name, or `{ class_name, config }` (Keras 2 or 3 keys).
 * Settings that would change the training (EMA, Keras 2's `decay`, gradient accumulation, schedules)
 * are refused by name.
 *
 * @example
 * // optimizerFromConfig({ class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9 } }, file)
 */
export function optimizerFromConfig(spec: unknown, where: string): Optimizer {
  if (typeof spec === 'string') {
    try {
      return getOptimizer(spec);
    } catch (e) {
      throw new ModelFileError(`${where}: ${(e as Error).message}; load with { compile: false } to skip it`);
    }
  }
  const { class_name: rawName, config = {} } = (spec ?? {}) as { class_name?: string; config?: Json };
  const className = kerasClassName(rawName);
  const lr = config.learning_rate ?? config.lr;
  let schedule: LearningRateSchedule | undefined;
  if (lr !== undefined && typeof lr !== 'number') {
    try {
      schedule = scheduleFromConfig(lr, `${where}: optimizer ${className} learning_rate`);
    } catch (e) {
      throw new ModelFileError(`${(e as Error).message}; load with { compile: false } to skip it`);
    }
  }
  const refused = refusedKeys(config, OPTIMIZER_KEYS);
  if (refused.length > 0)
    throw new ModelFileError(
      `${where}: optimizer ${className} uses ${refused.join(', ')}, which Tensile does not support; load with { compile: false } to skip it`,
    );
  const base = {
    learningRate: schedule ?? num(lr),
    weightDecay: numOrNull(config.weight_decay),
    clipnorm: numOrNull(config.clipnorm),
    clipvalue: numOrNull(config.clipvalue),
    globalClipnorm: numOrNull(config.global_clipnorm),
  };
  switch (String(className).toLowerCase()) {
    case 'sgd':
      return new SGD({ ...base, momentum: num(config.momentum), nesterov: config.nesterov === true });
    case 'rmsprop':
      return new RMSprop({
        ...base,
        rho: num(config.rho),
        momentum: num(config.momentum),
        epsilon: num(config.epsilon),
        centered: config.centered === true,
      });
    case 'adam':
      return new Adam({
        ...base,
        beta1: num(config.beta_1),
        beta2: num(config.beta_2),
        epsilon: num(config.epsilon),
        amsgrad: config.amsgrad === true,
      });
    default:
      throw new ModelFileError(
        `${where}: unknown optimizer class '${String(className)}' (Tensile has SGD, RMSprop, Adam); load with { compile: false } to skip it`,
      );
  }
}

/**
 * A loss from Keras' serialized form: a name, a builtin function entry, or a loss class config.
 *
 * @example
 * // lossFromConfig({ class_name: 'BinaryCrossentropy', config: { from_logits: true } }, file)
 */
export function lossFromConfig(spec: unknown, where: string): Loss {
  try {
    if (typeof spec === 'string') return Loss.get(spec);
    const { class_name: rawName, config } = (spec ?? {}) as { class_name?: string; config?: unknown };
    const className = kerasClassName(rawName);
    if (typeof config === 'string') return Loss.get(config); // Keras 3: {class_name: 'function', config: 'mse'}
    const c = (config ?? {}) as Json;
    const refused = refusedKeys(c, LOSS_KEYS);
    if (refused.length > 0)
      throw new ModelFileError(
        `loss ${className} uses ${refused.join(', ')}, which Tensile does not support`,
      );
    const fromLogits = c.from_logits === true;
    switch (className) {
      case 'BinaryCrossentropy':
        return new BinaryCrossentropy({ fromLogits });
      case 'CategoricalCrossentropy':
        return new CategoricalCrossentropy({ fromLogits });
      case 'SparseCategoricalCrossentropy':
        return new SparseCategoricalCrossentropy({ fromLogits });
      case 'MeanSquaredError':
        return new MeanSquaredError();
      default:
        return Loss.get(className);
    }
  } catch (e) {
    throw new ModelFileError(
      `${where}: ${(e as Error).message}; load with { compile: false } to skip compiling`,
    );
  }
}

/** Whether Tensile has a metric by this name (shapes only matter for 'accuracy', which always resolves). */
function knownMetric(id: string): boolean {
  try {
    resolveMetric(id, [1], [1, 1]);
    return true;
  } catch {
    return false;
  }
}

/** Metric names from Keras' forms: strings, nested lists (tf.keras: per output), or metric configs. */
function metricIds(spec: unknown): string[] {
  if (spec == null) return [];
  if (typeof spec === 'string') return [spec];
  if (Array.isArray(spec)) return spec.flatMap(metricIds);
  const { class_name: className, config } = spec as { class_name?: string; config?: Json | string };
  if (typeof config === 'string') return [config];
  const name = String((config as Json | undefined)?.name ?? className);
  // tf.keras' MeanMetricWrapper keeps the function's name in `fn` when the metric was renamed.
  const fn = (config as Json | undefined)?.fn;
  return [!knownMetric(name) && typeof fn === 'string' ? fn : name];
}

/** Metrics Tensile lacks are left out with a warning: they report on training but do not change it. */
function usableMetrics(ids: string[], where: string): string[] {
  const unknown = ids.filter((id) => !knownMetric(id));
  if (unknown.length > 0)
    console.warn(`${where}: metrics Tensile does not have were left out of compile(): ${unknown.join(', ')}`);
  return ids.filter(knownMetric);
}

/**
 * compile() arguments from a Keras 3 `compile_config` or a legacy `training_config`.
 *
 * @example
 * // model.compile(compileArgsFromConfig(config.compile_config, file));
 */
export function compileArgsFromConfig(config: Json, where: string): CompileArgs {
  const optimizer = config.optimizer ?? config.optimizer_config;
  if (optimizer === undefined) throw new ModelFileError(`${where}: the compile config has no optimizer`);
  const spec = config.loss;
  // Several outputs: a list of losses, or a map from output name (a loss object has a class_name).
  const loss = Array.isArray(spec)
    ? spec.map((l) => lossFromConfig(l, where))
    : isMap(spec) && !('class_name' in spec)
      ? Object.fromEntries(Object.entries(spec).map(([k, l]) => [k, lossFromConfig(l, where)]))
      : lossFromConfig(spec, where);
  const m = config.metrics;
  // tf.keras writes one list per output, also for a single output ([[...]]): that one is the flat list.
  const metrics = isMap(m)
    ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, usableMetrics(metricIds(v), where)]))
    : Array.isArray(m) && m.length > 1 && m.some(Array.isArray)
      ? m.map((v) => usableMetrics(metricIds(v), where))
      : usableMetrics(metricIds(m), where);
  const w = config.loss_weights;
  const lossWeights = Array.isArray(w) || isMap(w) ? (w as number[] | Record<string, number>) : undefined;
  return {
    optimizer: optimizerFromConfig(optimizer, where),
    loss,
    metrics,
    ...(lossWeights ? { lossWeights } : {}),
  };
}
