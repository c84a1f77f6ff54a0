import { ValueError } from '../errors.js';
import { Loss, type LossIdentifier } from '../losses/index.js';
import type { Metric } from '../metrics/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * One output's metrics: a metric, or a list of them.
 *
 * @example
 * import { Input, Dense, Model } from 'tensile';
 * const x = Input({ shape: [2] });
 * const model = new Model({ inputs: x, outputs: [new Dense(1, { name: 'a' }).apply(x), new Dense(2, { name: 'b' }).apply(x)] });
 * model.compile({ optimizer: 'sgd', loss: 'mse', metrics: { b: 'mae' } });
 * console.log(model.outputMetricIds); // [[], [mae]]
 */
export type MetricList = string | Metric | readonly (string | Metric)[];

/**
 * What `model.compile` takes. For a model with several outputs, `loss`, `lossWeights` and `metrics`
 * may be lists (one entry per output, in `model.outputNames` order) or maps from output name, as in
 * Keras; a single loss applies to every output.
 *
 * @example
 * import { Input, Dense, Model } from 'tensile';
 * const x = Input({ shape: [4] });
 * const model = new Model({ inputs: x, outputs: [new Dense(1, { name: 'price' }).apply(x), new Dense(3, { activation: 'softmax', name: 'kind' }).apply(x)] });
 * model.compile({ optimizer: 'adam', loss: { price: 'mse', kind: 'sparse_categorical_crossentropy' }, lossWeights: [1, 0.5], metrics: { kind: ['accuracy'] } });
 */
export interface CompileArgs {
  optimizer: string | Optimizer;
  loss: LossIdentifier | readonly LossIdentifier[] | Readonly<Record<string, LossIdentifier>>;
  /** Total loss = Σ weight · output loss (default: every weight 1). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  metrics?: readonly MetricList[] | Readonly<Record<string, MetricList>>;
}

/**
 * Per-output losses, loss weights and metrics resolved against a model's output names.
 *
 * @example
 * import { resolveCompileOutputs } from 'tensile';
 * const { losses, lossWeights } = resolveCompileOutputs({ optimizer: 'sgd', loss: ['mse', 'mae'], lossWeights: [1, 2] }, ['a', 'b']);
 * console.log(losses.length, lossWeights); // 2 [1, 2]
 */
export interface CompiledOutputs {
  losses: Loss[];
  /** null when no weights were given (Keras then adds the losses unscaled). */
  lossWeights: number[] | null;
  metrics: (string | Metric)[][];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Loss) && !ArrayBuffer.isView(v);

/** Spreads a per-output setting (one value for all, a list, or a name → value map) over the outputs. */
function perOutput<T>(
  what: string,
  value: unknown,
  names: readonly string[],
  fallback: T | undefined,
  isLeaf: (v: unknown) => boolean,
): T[] {
  if (isLeaf(value)) return names.map(() => value as T);
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new ValueError(
        `compile: ${what} has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')})`,
      );
    }
    return value as T[];
  }
  if (isRecord(value)) {
    const unknown = Object.keys(value).filter((k) => !names.includes(k));
    if (unknown.length > 0)
      throw new ValueError(
        `compile: ${what} names no output '${unknown.join("', '")}'; the outputs are ${names.join(', ')}`,
      );
    return names.map((n) => {
      if (n in value) return value[n] as T;
      if (fallback === undefined) throw new ValueError(`compile: ${what} has no entry for output '${n}'`);
      return fallback;
    });
  }
  throw new ValueError(
    `compile: ${what} must be a value, a list or a map from output name, got ${String(value)}`,
  );
}

const isLossLeaf = (v: unknown) => typeof v === 'string' || typeof v === 'function' || v instanceof Loss;

/**
 * Resolves compile's per-output arguments for outputs named `names`.
 *
 * @example
 * import { resolveCompileOutputs } from 'tensile';
 * const c = resolveCompileOutputs({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] }, ['out']);
 * console.log(c.losses[0].name, c.metrics[0]); // mean_squared_error [mae]
 */
export function resolveCompileOutputs(args: CompileArgs, names: readonly string[]): CompiledOutputs {
  const losses = perOutput<LossIdentifier>('loss', args.loss, names, undefined, isLossLeaf).map((id) =>
    Loss.get(id),
  );
  const lossWeights =
    args.lossWeights === undefined
      ? null
      : perOutput<number>('lossWeights', args.lossWeights, names, 1, (v) => typeof v === 'number');
  for (const w of lossWeights ?? []) {
    if (!Number.isFinite(w)) throw new ValueError(`compile: loss weights must be finite numbers, got ${w}`);
  }
  const m = args.metrics ?? [];
  let metrics: (string | Metric)[][];
  if (Array.isArray(m) && m.length === 0) metrics = names.map(() => []);
  else if (names.length === 1 && Array.isArray(m))
    metrics = [(m as MetricList[]).flat() as (string | Metric)[]];
  else {
    const lists = perOutput<MetricList | undefined>('metrics', m, names, [], () => false);
    metrics = lists.map((l) =>
      l === undefined || l === null ? [] : Array.isArray(l) ? [...l] : [l as string | Metric],
    );
  }
  return { losses, lossWeights, metrics };
}

/**
 * The data of a model with several inputs or outputs: one tensor, a list, or a map from name.
 *
 * @example
 * import { Input, Concatenate, Model, tensor } from 'tensile';
 * const [top, bottom] = [Input({ shape: [2], name: 'top' }), Input({ shape: [2], name: 'bottom' })];
 * const model = new Model({ inputs: [top, bottom], outputs: new Concatenate().apply([top, bottom]) });
 * const x = { top: tensor([[1, 2]]), bottom: tensor([[3, 4]]) };
 * console.log(model.predict(x).shape); // [1, 4]
 */
export type ModelData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/**
 * Puts inputs or targets in the model's order (`names`), with errors naming what is missing.
 *
 * @example
 * import { dataList, tensor } from 'tensile';
 * const [a, b] = dataList({ b: tensor([2]), a: tensor([1]) }, ['a', 'b'], 'x', 'fit');
 * console.log(a.dataSync()[0], b.dataSync()[0]); // 1 2
 */
export function dataList(data: ModelData, names: readonly string[], what: 'x' | 'y', op: string): Tensor[] {
  const kind = what === 'x' ? 'inputs' : 'outputs';
  if (Array.isArray(data)) {
    if (data.length !== names.length)
      throw new ValueError(
        `${op}: ${what} has ${data.length} tensors but the model has ${names.length} ${kind} (${names.join(', ')})`,
      );
    return [...data];
  }
  if (isRecord(data) && !(data instanceof Tensor)) {
    const record = data as Record<string, Tensor>;
    const unknown = Object.keys(record).filter((k) => !names.includes(k));
    if (unknown.length > 0)
      throw new ValueError(
        `${op}: ${what} names no model ${kind.slice(0, -1)} '${unknown.join("', '")}'; the ${kind} are ${names.join(', ')}`,
      );
    return names.map((n) => {
      const t = record[n];
      if (!t) throw new ValueError(`${op}: ${what} has no tensor for ${kind.slice(0, -1)} '${n}'`);
      return t;
    });
  }
  if (names.length !== 1)
    throw new ValueError(
      `${op}: the model has ${names.length} ${kind} (${names.join(', ')}); pass ${what} as a list or a map from name`,
    );
  return [data as Tensor];
}
