import { tensor } from '../ops/core.js';
import { gather, slice } from '../ops/layout.js';
import type { Tensor } from '../tensor/tensor.js';

/** Row indices [start, end) of each batch, in order. */
export function batchRanges(samples: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < samples; start += batchSize)
    out.push([start, Math.min(samples, start + batchSize)]);
  return out;
}

/** Rows [start, end) of `t`, or the rows named by `order[start..end)` when shuffling. */
export function takeRows(t: Tensor, start: number, end: number, order: Int32Array | null): Tensor {
  if (order === null)
    return slice(t, [start, ...t.shape.slice(1).map(() => 0)], [end - start, ...t.shape.slice(1)]);
  // Indices go on the data's backend, whichever backend is selected.
  const indices = tensor(order.subarray(start, end), [end - start], 'int32', { backend: t.backend });
  return gather(t, indices, 0);
}

/** Splits off the last `fraction` of samples, as Keras' validation_split does (before shuffling). */
export function splitValidation(
  x: readonly Tensor[],
  y: readonly Tensor[],
  fraction: number,
): [[Tensor[], Tensor[]], [Tensor[], Tensor[]]] {
  const n = x[0]!.shape[0]!;
  const at = Math.floor(n * (1 - fraction));
  const head = (ts: readonly Tensor[]) => ts.map((t) => takeRows(t, 0, at, null));
  const tail = (ts: readonly Tensor[]) => ts.map((t) => takeRows(t, at, n, null));
  return [
    [head(x), head(y)],
    [tail(x), tail(y)],
  ];
}
