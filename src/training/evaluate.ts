import { scope } from '../engine/engine.js';
import { TensileError } from '../errors.js';
import { type Metric, resolveMetric } from '../metrics/index.js';
import type { Model } from '../models/model.js';
import { tensor } from '../ops/core.js';
import { add, mul } from '../ops/elementwise.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchRanges, takeRows } from './batches.js';
import { dataList, type ModelData } from './compile-args.js';
import { modelBackend, onModelBackend } from './placement.js';
import { conformTargets, validateData } from './validate.js';

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
}

export interface PredictArgs {
  batchSize?: number;
}

/** A compiled metric with the output it watches and its key in the logs. */
export interface OutputMetric {
  output: number;
  metric: Metric;
  name: string;
}

/**
 * The model's compiled metrics, fresh, resolved for these targets (Keras resolves 'accuracy' by
 * shape). With several outputs each is logged as '<output>_<metric>', as Keras 3 does.
 */
export function compiledMetrics(model: Model, ys: readonly Tensor[]): OutputMetric[] {
  const many = ys.length > 1;
  const names = model.outputNames;
  const shapes = model.outputShapes;
  return model.outputMetricIds.flatMap((ids, j) =>
    ids.map((id) => {
      const metric = resolveMetric(id, ys[j]!.shape, shapes[j] as number[]);
      return { output: j, metric, name: many ? `${names[j]}_${metric.name}` : metric.name };
    }),
  );
}

export function requireCompiled(model: Model, op: string) {
  if (!model.loss || !model.optimizer)
    throw new TensileError(`${op}: call model.compile({ optimizer, loss }) first`);
  return { loss: model.loss, optimizer: model.optimizer };
}

/** Σ weight · loss over outputs (Keras multiplies only when loss weights were given). */
export function totalLoss(model: Model, parts: readonly Tensor[]): Tensor {
  const weighted = parts.map((p, j) => (model.lossWeights ? mul(p, model.lossWeights[j]!) : p));
  return weighted.reduce((a, b) => add(a, b));
}

/**
 * Inputs and targets in model order, on the backend the model's weights live on (copied there once
 * when they live elsewhere), targets shaped like the outputs, all checked before any step runs so a
 * mistake is reported once, naming the input or output.
 */
export function prepareData(model: Model, x: ModelData, y: ModelData, op: string): [Tensor[], Tensor[]] {
  const given = model.toInputs(x, op);
  const shapes = model.outputShapes;
  const targets = dataList(y, model.outputNames, 'y', op);
  const moved = onModelBackend(model, [...given, ...targets]);
  const xs = moved.slice(0, given.length);
  const ys = moved.slice(given.length).map((t, j) => conformTargets(t, shapes[j]!));
  const names = model.outputNames;
  ys.forEach((t, j) => {
    const where = ys.length > 1 ? `${op} (output '${names[j]}')` : op;
    validateData(where, xs[0]!, t, model.inputSampleShapes[0]!, shapes[j]!, model.losses[j]!);
  });
  xs.forEach((t, i) => {
    if (i > 0)
      validateData(
        `${op} (input '${model.inputNames[i]}')`,
        t,
        ys[0]!,
        model.inputSampleShapes[i]!,
        null,
        null,
      );
  });
  return [xs, ys];
}

/** Loss and metric values over all of x, y in inference mode, as a named record and as a list. */
export function evaluate(
  model: Model,
  x: ModelData,
  y: ModelData,
  args: EvaluateArgs = {},
): { logs: Record<string, number>; values: number[] } {
  requireCompiled(model, 'evaluate');
  const [xs, ys] = prepareData(model, x, y, 'evaluate');
  const metrics = compiledMetrics(model, ys);
  const batchSize = args.batchSize ?? 32;
  const totals = model.losses.map(() => 0);
  for (const [start, end] of batchRanges(xs[0]!.shape[0]!, batchSize)) {
    scope(() => {
      const xb = xs.map((t) => takeRows(t, start, end, null));
      const yb = ys.map((t) => takeRows(t, start, end, null));
      const yPred = model.callAll(xb, { training: false });
      for (const m of metrics) m.metric.updateState(yb[m.output]!, yPred[m.output]!);
      // Keras' reduction: each batch's loss is the mean over every per-sample (and per-step, for
      // sequence outputs) value, and batches are weighted by their sample count.
      for (const [j, loss] of model.losses.entries())
        totals[j]! += loss.call(yb[j]!, yPred[j]!).item() * (end - start);
    });
  }
  const n = Math.max(1, xs[0]!.shape[0]!);
  const means = totals.map((t) => t / n);
  const logs: Record<string, number> = {
    loss: means.reduce((a, m, j) => a + (model.lossWeights ? model.lossWeights[j]! * m : m), 0),
  };
  if (means.length > 1) for (const [j, name] of model.outputNames.entries()) logs[`${name}_loss`] = means[j]!;
  for (const m of metrics) logs[m.name] = m.metric.result();
  return { logs, values: Object.values(logs) };
}

/**
 * Model outputs for all of x (one tensor per output), computed batch by batch, on the backend the
 * model computes on (x is copied there first when it lives elsewhere).
 */
export function predict(model: Model, x: ModelData, args: PredictArgs = {}): Tensor[] {
  const xs = onModelBackend(model, model.toInputs(x, 'predict'));
  const batchSize = args.batchSize ?? 32;
  const n = xs[0]!.shape[0]!;
  if (xs.some((t) => t.shape[0] !== n)) {
    throw new TensileError(
      `predict: the inputs have different sample counts (${xs.map((t) => t.shape[0]).join(', ')})`,
    );
  }
  let values: Float32Array[] | null = null;
  let shapes: number[][] = [];
  for (const [start, end] of batchRanges(n, batchSize)) {
    // Reading each batch out keeps only one batch of activations alive at a time.
    scope(() => {
      const outs = model.callAll(xs.map((t) => takeRows(t, start, end, null)));
      if (!values) {
        // Output shapes come from the first batch: dims the graph leaves open (null) are known then.
        shapes = outs.map((o) => o.shape.slice(1));
        values = shapes.map((s) => new Float32Array(n * s.reduce((p, d) => p * d, 1)));
      }
      for (const [j, o] of outs.entries()) values![j]!.set(o.dataSync(), start * (values![j]!.length / n));
    });
  }
  values ??= model.outputShapes.map(() => new Float32Array(0));
  if (shapes.length === 0) shapes = model.outputShapes.map((s) => s.slice(1).map((d) => d ?? 0));
  const backend = modelBackend(model) ?? xs[0]!.backend;
  return values.map((v, j) => tensor(v, [n, ...shapes[j]!], 'float32', { backend }));
}
