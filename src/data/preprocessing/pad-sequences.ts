import { ValueError } from '../../errors.js';
import { tensor } from '../../ops/core.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Options of `padSequences`; the defaults are Keras' `pad_sequences` defaults. */
export interface PadOptions {
  /** Length of every row; default the longest sequence. */
  maxlen?: number;
  /** Element type of the result. Default 'int32'. */
  dtype?: 'int32' | 'float32';
  /** Where padding goes: 'pre' (default, before the sequence) or 'post'. */
  padding?: 'pre' | 'post';
  /** Which end of a long sequence is cut: 'pre' (default, keep the end) or 'post' (keep the start). */
  truncating?: 'pre' | 'post';
  /** Padding value. Default 0. */
  value?: number;
}

/**
 * Pads (or truncates) sequences to one length, exactly as Keras' `pad_sequences`, into a
 * [sequences.length, maxlen] tensor.
 *
 * @example
 * import { padSequences } from 'tensile';
 * const x = padSequences([[1, 2, 3], [4, 5], [6]], { maxlen: 2 });
 * console.log(x.toArray()); // [[2, 3], [4, 5], [0, 6]]
 */
export function padSequences(sequences: readonly ArrayLike<number>[], options: PadOptions = {}): Tensor {
  const { dtype = 'int32', padding = 'pre', truncating = 'pre', value = 0 } = options;
  if (!Array.isArray(sequences))
    throw new ValueError('padSequences: `sequences` must be an array of sequences');
  if (padding !== 'pre' && padding !== 'post')
    throw new ValueError(`padSequences: padding type "${padding}" not understood`);
  if (truncating !== 'pre' && truncating !== 'post') {
    throw new ValueError(`padSequences: truncating type "${truncating}" not understood`);
  }
  if (dtype !== 'int32' && dtype !== 'float32')
    throw new ValueError(`padSequences: dtype must be 'int32' or 'float32'`);
  sequences.forEach((s, i) => {
    if (s === null || typeof s !== 'object' || typeof s.length !== 'number') {
      throw new ValueError(`padSequences: sequences[${i}] is not a sequence of numbers`);
    }
  });
  let maxlen = options.maxlen;
  if (maxlen === undefined) {
    if (sequences.length === 0) throw new ValueError('padSequences: no sequences and no maxlen');
    maxlen = Math.max(...sequences.map((s) => s.length));
  }
  if (!Number.isSafeInteger(maxlen) || maxlen < 0) {
    throw new ValueError(`padSequences: maxlen must be a non-negative integer, got ${maxlen}`);
  }
  const n = sequences.length;
  const out = dtype === 'int32' ? new Int32Array(n * maxlen) : new Float32Array(n * maxlen);
  out.fill(value);
  for (let r = 0; r < n; r++) {
    const s = sequences[r]!;
    const len = Math.min(s.length, maxlen);
    const from = truncating === 'pre' ? s.length - len : 0; // 'pre' keeps the last maxlen values
    const to = r * maxlen + (padding === 'pre' ? maxlen - len : 0);
    for (let k = 0; k < len; k++) {
      const v = s[from + k]!;
      if (typeof v !== 'number')
        throw new ValueError(`padSequences: sequences[${r}][${from + k}] is not a number`);
      out[to + k] = v;
    }
  }
  return tensor(out, [n, maxlen], dtype);
}
