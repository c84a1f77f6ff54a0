import { setActiveTape } from '../engine/engine.js';
import { ShapeError, TensileError } from '../errors.js';
import { onesLike, zerosLike } from '../ops/creation.js';
import { add } from '../ops/elementwise.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { GRADIENTS } from './gradients.js';
import { InPlacePlan, type InPlaceRule } from './in-place.js';
import type { OpKind } from './op-kinds.js';
import { Tape, type TapeNode } from './tape.js';

/**
 * Runs `f`, recording its ops, then differentiates its scalar result with respect to `sources`.
 * Backward walks the tape in reverse (already a topological order), so it never recurses and
 * handles graphs of any depth; gradients reaching a tensor along several paths are added up.
 *
 * @example
 * import { valueAndGrads, Variable, tensor, square, sum } from 'tensile';
 * const w = new Variable(tensor([1, 2, 3]));
 * const { value, grads } = valueAndGrads(() => sum(square(w)), [w]);
 * grads[0].toArray(); // [2, 4, 6]
 */
export function valueAndGrads(
  f: () => Tensor,
  sources: readonly Tensor[],
): { value: Tensor; grads: Tensor[] } {
  const { value, grads } = run(f, sources, null);
  return { value, grads: sources.map((s) => grads.get(s.id) ?? zerosLike(s)) };
}

/**
 * valueAndGrads for an SGD step (fit's, plain or with momentum): where a backend can, the step is
 * applied inside the product that computes dw (InPlaceUpdate) and that source's entry in `grads` is
 * null; the caller applies the other gradients itself.
 */
export function valueAndGradsUpdating(
  f: () => Tensor,
  sources: readonly Tensor[],
  update: InPlaceRule,
): { value: Tensor; grads: (Tensor | null)[] } {
  const { value, grads, plan } = run(f, sources, update);
  return { value, grads: sources.map((s) => (plan?.applied(s) ? null : (grads.get(s.id) ?? zerosLike(s)))) };
}

function run(f: () => Tensor, sources: readonly Tensor[], update: InPlaceRule | null) {
  const tape = new Tape(sources);
  const previous = setActiveTape(tape);
  let value: Tensor;
  try {
    value = f();
  } finally {
    setActiveTape(previous);
  }
  if (value.size !== 1) {
    throw new ShapeError(
      'valueAndGrads',
      [value.shape],
      'the function must return a single value (e.g. a mean loss)',
    );
  }
  // Every tensor backward makes follows an operand (the seed is onesLike(value), missing gradients
  // are zerosLike), so it runs where the loss lives whichever backend is selected.
  const plan = update ? new InPlacePlan(update, tape, sources) : null;
  return { value, grads: backward(tape, value, plan), plan };
}

/** Propagates d(value)/d(value) = 1 back through the tape; returns gradients by tensor id. */
function backward(tape: Tape, value: Tensor, plan: InPlacePlan | null): Map<number, Tensor> {
  const grads = new Map<number, Tensor>();
  if (!tape.requiresGrad(value)) return grads;
  grads.set(value.id, onesLike(value));
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i]!;
    const dys = node.outputs.map((o) => grads.get(o.id) ?? null);
    if (dys.every((d) => d === null)) continue;
    const filled = dys.map((d, j) => d ?? zerosLike(node.outputs[j]!));
    const needs = node.inputs.map((t) => tape.requiresGrad(t));
    const gradFn = GRADIENTS[node.kind] as (
      dys: readonly Tensor[],
      n: TapeNode<OpKind>,
      needs: boolean[],
      plan: InPlacePlan | null,
    ) => (Tensor | null)[];
    const inputGrads = gradFn(filled, node, needs, plan);
    node.inputs.forEach((input, j) => {
      const g = inputGrads[j];
      if (!needs[j] || !g) return;
      if (!shapesEqual(g.shape, input.shape)) {
        throw new TensileError(
          `gradient of ${node.kind}: input ${j} has shape [${input.shape}] but its gradient [${g.shape}]`,
        );
      }
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, g) : g);
    });
  }
  return grads;
}
