import { describe, expect, it } from 'vitest';
import { withBackend } from '../backend/select.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { tensor } from '../ops/core.js';
import { dense } from '../ops/nn.js';
import { mean, sum } from '../ops/reduce.js';
import { type Tensor, Variable } from '../tensor/tensor.js';
import { valueAndGrads, valueAndGradsUpdating } from './backward.js';
import type { InPlaceRule } from './in-place.js';

// InPlacePlan with momentum: a weight is stepped inside its product only when its momentum slot may
// change in place too. Two rows (products stay in wasm, below every momentum threshold).
const wasm = createWasmBackend({ native: false });
const [lr, mu] = [0.1, 0.9];

/** A variable owning its storage (the tensor it was made from is freed). */
function owned(values: number[], shape: number[]): Variable {
  const t = tensor(values, shape);
  const v = new Variable(t);
  t.dispose();
  return v;
}

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.7));

function setup(velocity: 'owned' | 'shared' | 'absent' | 'wrong shape') {
  return withBackend(wasm, () => {
    const x = tensor(values(2 * 3, 1), [2, 3]);
    const w = owned(values(3 * 5, 2), [3, 5]);
    const v0 = values(3 * 5, 3).map((a) => a * 0.1);
    let kept: Tensor | null = null;
    let v: Variable | undefined;
    if (velocity === 'owned') v = owned(v0, [3, 5]);
    else if (velocity === 'wrong shape') v = owned(v0, [5, 3]);
    else if (velocity === 'shared') {
      kept = tensor(v0, [3, 5]);
      v = new Variable(kept); // shares kept's storage
    }
    const rule: InPlaceRule = {
      lr,
      momentum: mu,
      nesterov: true,
      velocityOf: (t) => (t === w ? v : undefined),
    };
    return { x, w, v, v0, kept, rule };
  });
}

describe('InPlacePlan with a momentum slot', () => {
  it('steps the weight and its slot inside the product: Keras Nesterov from the gradient', () => {
    const { x, w, v, v0, rule } = setup('owned');
    const w0 = Array.from(w.dataSync());
    const loss = () => mean(sum(dense(x, w, null, 'tanh')));
    const { grads: reference } = withBackend(wasm, () => valueAndGrads(loss, [w]));
    const g = Array.from(reference[0]!.dataSync());
    const { grads } = withBackend(wasm, () => valueAndGradsUpdating(loss, [w], rule));
    expect(grads, 'the gradient was returned: not stepped in place').toEqual([null]);
    const vWant = v0.map((a, i) => mu * a - lr * g[i]!);
    const wWant = w0.map((a, i) => a + mu * vWant[i]! - lr * g[i]!);
    Array.from(v!.dataSync()).forEach((a, i) => {
      expect(a).toBeCloseTo(vWant[i]!, 6);
    });
    Array.from(w.dataSync()).forEach((a, i) => {
      expect(a).toBeCloseTo(wWant[i]!, 6);
    });
  });

  for (const velocity of ['shared', 'absent', 'wrong shape'] as const) {
    it(`leaves the weight to the optimizer when its slot is ${velocity}`, () => {
      const { x, w, v, kept, rule } = setup(velocity);
      const before = Array.from(w.dataSync());
      const slot = v ? Array.from(v.dataSync()) : [];
      const { grads } = withBackend(wasm, () =>
        valueAndGradsUpdating(() => mean(sum(dense(x, w, null, 'tanh'))), [w], rule),
      );
      expect(grads[0], 'no gradient returned').not.toBeNull();
      expect(Array.from(w.dataSync())).toEqual(before);
      if (v) expect(Array.from(v.dataSync())).toEqual(slot);
      if (kept) expect(Array.from(kept.dataSync())).toEqual(slot);
    });
  }
});
