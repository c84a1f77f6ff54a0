import { scope } from '../engine/engine.js';
import { TensileError } from '../errors.js';
import { type Metric, resolveMetric } from '../metrics/index.js';
import type { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { sum } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { batchRanges, takeRows } from './batches.js';
import { modelBackend, onModelBackend } from './placement.js';
import { conformTargets, validateData } from './validate.js';

export interface EvaluateArgs {
  batchSize?: number;
  verbose?: 0 | 1;
}

export interface PredictArgs {
  batchSize?: number;
}

/** The model's compiled metrics, fresh, resolved for these targets (Keras resolves 'accuracy' by shape). */
export function compiledMetrics(model: Sequential, y: Tensor): Metric[] {
  return model.metricIds.map((id) => resolveMetric(id, y.shape, model.outputShape as number[]));
}

export function requireCompiled(model: Sequential, op: string) {
  if (!model.loss || !model.optimizer)
    throw new TensileError(`${op}: call model.compile({ optimizer, loss }) first`);
  return { loss: model.loss, optimizer: model.optimizer };
}

/**
 * Loss and metric values over all of x, y in inference mode, as a named record and as a list; runs
 * where the model's weights live (x and y are copied there first when they live elsewhere).
 */
export function evaluate(
  model: Sequential,
  x: Tensor,
  y: Tensor,
  args: EvaluateArgs = {},
): { logs: Record<string, number>; values: number[] } {
  const { loss } = requireCompiled(model, 'evaluate');
  model.checkInput(x);
  [x, y] = onModelBackend(model, [x, y]) as [Tensor, Tensor];
  y = conformTargets(y, model.outputShape);
  validateData('evaluate', x, y, model.sampleShape!, model.outputShape, loss);
  const metrics = compiledMetrics(model, y);
  const batchSize = args.batchSize ?? 32;
  let total = 0;
  for (const [start, end] of batchRanges(x.shape[0]!, batchSize)) {
    total += scope(() => {
      const xb = takeRows(x, start, end, null);
      const yb = takeRows(y, start, end, null);
      const yPred = model.call(xb, { training: false });
      for (const m of metrics) m.updateState(yb, yPred);
      return sum(loss.fn(yb, yPred)).item();
    });
  }
  const logs: Record<string, number> = { loss: total / Math.max(1, x.shape[0]!) };
  for (const m of metrics) logs[m.name] = m.result();
  return { logs, values: [logs.loss!, ...metrics.map((m) => m.result())] };
}

/**
 * Model outputs for all of x, computed batch by batch and joined into one tensor on the backend the
 * model computes on (x is copied there first when it lives elsewhere).
 */
export function predict(model: Sequential, x: Tensor, args: PredictArgs = {}): Tensor {
  model.checkInput(x);
  [x] = onModelBackend(model, [x]) as [Tensor];
  const batchSize = args.batchSize ?? 32;
  const outShape = model.outputShape.slice(1) as number[];
  const rowSize = outShape.reduce((p, d) => p * d, 1);
  const n = x.shape[0]!;
  const values = new Float32Array(n * rowSize);
  for (const [start, end] of batchRanges(n, batchSize)) {
    // Reading each batch out keeps only one batch of activations alive at a time.
    scope(() => values.set(model.call(takeRows(x, start, end, null)).dataSync(), start * rowSize));
  }
  return tensor(values, [n, ...outShape], 'float32', { backend: modelBackend(model) ?? x.backend });
}
