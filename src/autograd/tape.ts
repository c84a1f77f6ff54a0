import type { Tensor } from '../tensor/tensor.js';
import type { OpAttrs, OpKind } from './op-kinds.js';

/** One recorded op: what went in, what came out, and the attributes its gradient needs. */
export interface TapeNode<K extends OpKind = OpKind> {
  readonly kind: K;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: OpAttrs[K];
}

/**
 * The record of one forward pass. Nodes are appended in execution order, which is already a
 * topological order, so backward walks the array in reverse: no recursion, any graph depth.
 * Only ops with at least one input that depends on a watched source are recorded.
 */
export class Tape {
  readonly nodes: TapeNode[] = [];
  private readonly tracked = new Set<number>();

  constructor(sources: readonly Tensor[]) {
    // int32 sources (indices, labels) have no gradient; they get zeros and are never recorded.
    for (const s of sources) if (s.dtype === 'float32') this.tracked.add(s.id);
  }

  requiresGrad(t: Tensor): boolean {
    return this.tracked.has(t.id);
  }

  record<K extends OpKind>(
    kind: K,
    inputs: readonly Tensor[],
    outputs: readonly Tensor[],
    attrs: OpAttrs[K],
  ): void {
    if (!inputs.some((t) => this.tracked.has(t.id))) return;
    this.nodes.push({ kind, inputs, outputs, attrs } as TapeNode);
    for (const o of outputs) if (o.dtype === 'float32') this.tracked.add(o.id);
  }
}
