import type { InPlaceUpdate } from '../backend/backend.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tape } from './tape.js';

/**
 * The SGD step a backward pass may fold into the dense weight-gradient products (see InPlaceUpdate):
 * the rate, the momentum (0: plain SGD) and, with momentum, where each weight's momentum slot is.
 */
export interface InPlaceRule {
  readonly lr: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  /** w's momentum slot (momentum > 0), or undefined when it has none yet (w is then not stepped in place). */
  velocityOf(w: Tensor): Tensor | undefined;
}

/**
 * Which sources one backward pass may update in place, and which it did: fit folds an SGD step into
 * the dense weight-gradient product (InPlaceUpdate), so the gradient is never written out. A source
 * qualifies only when it is float32, no other tensor shares its storage, and the tape uses it exactly
 * once: then nothing later in the backward pass reads its old values. With momentum its slot must
 * qualify too (float32 of its shape on its backend, storage of its own, not on the tape): else the
 * source is left to the optimizer's step, which gives the slot its own storage first.
 */
export class InPlacePlan {
  private readonly eligible = new Map<number, Tensor | null>();
  private readonly done = new Set<number>();

  constructor(
    private readonly rule: InPlaceRule,
    tape: Tape,
    sources: readonly Tensor[],
  ) {
    const uses = new Map<number, number>();
    for (const node of tape.nodes) for (const t of node.inputs) uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
    const owned = (t: Tensor) => t.liveRef('in-place update').refs === 1;
    for (const s of sources) {
      if (s.dtype !== 'float32' || uses.get(s.id) !== 1 || !owned(s)) continue;
      if (rule.momentum === 0) {
        this.eligible.set(s.id, null);
        continue;
      }
      const v = rule.velocityOf(s);
      if (!v || v.isDisposed || v.dtype !== 'float32' || v.backend !== s.backend) continue;
      if (shapesEqual(v.shape, s.shape) && owned(v) && !uses.has(v.id)) this.eligible.set(s.id, v);
    }
  }

  /** The update to fold into the product that makes w's gradient, if w may change now. */
  updateFor(w: Tensor): InPlaceUpdate | undefined {
    const velocity = this.eligible.get(w.id);
    if (velocity === undefined) return undefined;
    const { lr, momentum, nesterov } = this.rule;
    return { lr, momentum, nesterov, velocity: velocity?.info('in-place update') ?? null };
  }

  /** Records that w was updated in place (its gradient is then absent). */
  markApplied(w: Tensor): void {
    this.done.add(w.id);
  }

  applied(w: Tensor): boolean {
    return this.done.has(w.id);
  }
}
