import type { InPlaceUpdate } from '../backend/backend.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tape } from './tape.js';

/**
 * Which sources one backward pass may update in place, and which it did: fit folds a plain
 * SGD step into the dense weight-gradient product (InPlaceUpdate), so the gradient is never written out.
 * A source qualifies only when it is float32, no other tensor shares its storage, and the tape uses it
 * exactly once: then nothing later in the backward pass reads its old values.
 */
export class InPlacePlan {
  private readonly eligible = new Set<number>();
  private readonly done = new Set<number>();

  constructor(
    private readonly update: InPlaceUpdate,
    tape: Tape,
    sources: readonly Tensor[],
  ) {
    const uses = new Map<number, number>();
    for (const node of tape.nodes) for (const t of node.inputs) uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
    for (const s of sources) {
      if (s.dtype !== 'float32' || uses.get(s.id) !== 1) continue;
      if (s.liveRef('in-place update').refs === 1) this.eligible.add(s.id);
    }
  }

  /** The update to fold into the product that makes w's gradient, if w may change now. */
  updateFor(w: Tensor): InPlaceUpdate | undefined {
    return this.eligible.has(w.id) ? this.update : undefined;
  }

  /** Records that w was updated in place (its gradient is then absent). */
  markApplied(w: Tensor): void {
    this.done.add(w.id);
  }

  applied(w: Tensor): boolean {
    return this.done.has(w.id);
  }
}
