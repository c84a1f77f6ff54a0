// Test-only helpers shared by the data tests (summaries that match the Python golden snippets).
import type { Tensor } from '../tensor/tensor.js';

/**
 * The `summary(xs, ys)` of the Python golden snippets: sizes, sums and a position-weighted checksum.
 *
 * @example
 * seqSummary([[1, 2], [2]], [1, 0]); // { n: 2, y_sum: 1, len_sum: 3, tok_sum: 5, oov: 2, weighted: 7, ... }
 */
export function seqSummary(xs: readonly (readonly number[])[], y: Tensor | ArrayLike<number>) {
  const ys = Array.from('dataSync' in y ? y.dataSync() : y);
  let lenSum = 0;
  let tokSum = 0;
  let oov = 0;
  let weighted = 0;
  xs.forEach((x, i) => {
    let s = 0;
    for (const w of x) {
      s += w;
      if (w === 2) oov++;
    }
    lenSum += x.length;
    tokSum += s;
    weighted += (i + 1) * s;
  });
  const ySum = ys.reduce((a, b) => a + b, 0);
  return { n: xs.length, y_sum: ySum, y10: ys.slice(0, 10), len_sum: lenSum, tok_sum: tokSum, oov, weighted };
}

/**
 * Pixel sum, row-weighted pixel sum, label counts and first labels of an image split.
 *
 * @example
 * const [[x, y]] = await mnist.loadData();
 * imageSummary(x, y).counts; // [5923, 6742, ...]
 */
export function imageSummary(x: Tensor, y: Tensor) {
  const px = x.dataSync();
  const labels = Array.from(y.dataSync());
  const row = x.size / x.shape[0]!;
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < x.shape[0]!; i++) {
    let s = 0;
    for (let k = i * row; k < (i + 1) * row; k++) s += px[k]!;
    sum += s;
    weighted += (i + 1) * s;
  }
  const counts = new Array<number>(10).fill(0);
  for (const v of labels) counts[v]!++;
  return { shape: x.shape, sum, weighted, counts, y10: labels.slice(0, 10) };
}
