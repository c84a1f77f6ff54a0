import type { EmbeddingLookup } from '../ops/rnn.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Which tensors are an Embedding's output, and of what table and indices: a recurrent layer fed
 * directly by an Embedding passes this to the fused kernel, which then projects the table once
 * instead of every step's input (SequenceOptions.embedding). Weak, so outputs are not kept alive.
 */
const lookups = new WeakMap<Tensor, EmbeddingLookup>();

/** Records that `out` is gather(table, indices, 0). */
export function recordEmbeddingLookup(out: Tensor, table: Tensor, indices: Tensor): void {
  lookups.set(out, { table, indices });
}

/** The lookup `x` is the output of, or null. */
export function embeddingLookupOf(x: Tensor): EmbeddingLookup | null {
  return lookups.get(x) ?? null;
}
