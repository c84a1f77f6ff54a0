import { expect, it } from 'vitest';
import { getBackend } from '../backend/select.js';
import { scope } from '../engine/engine.js';
import { add, cast, exp, expandDims, gather, mean, mul, sum, tanh, tensor, zeros } from '../ops/index.js';
import { liveStats, Variable } from '../tensor/tensor.js';
import { expectClose } from '../test-utils/assert.js';
import { BACKENDS, forEachBackend, on } from '../test-utils/backends.js';
import { valueAndGrads } from './backward.js';

forEachBackend('valueAndGrads', (backend) => {
  it('accumulates gradients when a tensor is used twice (x·x)', () => {
    on(backend, () => {
      const x = new Variable(tensor([1, -2, 3]));
      const { value, grads } = valueAndGrads(() => sum(mul(x, x)), [x]);
      expect(value.item()).toBe(14);
      expect(grads[0]!.toArray()).toEqual([2, -4, 6]);
    });
  });
  it('accumulates along several paths of different shapes (x used directly and broadcast)', () => {
    on(backend, () => {
      const x = new Variable(tensor([[1, 2]]));
      const { grads } = valueAndGrads(() => sum(add(mul(x, tensor([[1], [2], [3]])), exp(x))), [x]);
      expectClose(grads[0]!, [[6 + 3 * Math.E, 6 + 3 * Math.exp(2)]]);
    });
  });
  it('gives zeros of the right shape to sources the value does not depend on', () => {
    on(backend, () => {
      const [x, unused] = [new Variable(tensor([1, 2])), new Variable(tensor([[1, 2, 3]]))];
      const { grads } = valueAndGrads(() => sum(x), [x, unused]);
      expect(grads[1]!.toArray()).toEqual([[0, 0, 0]]);
      const constant = valueAndGrads(() => sum(tensor([1, 2])), [x]);
      expect(constant.grads[0]!.toArray()).toEqual([0, 0]);
    });
  });
  it('differentiates with respect to plain tensors as well as variables', () => {
    on(backend, () => {
      const x = tensor([0.5, 1]);
      const { grads } = valueAndGrads(() => sum(mul(x, 3)), [x]);
      expect(grads[0]!.toArray()).toEqual([3, 3]);
    });
  });
  it('a value that is itself a source has gradient 1', () => {
    on(backend, () => {
      const x = tensor(2);
      expect(valueAndGrads(() => x, [x]).grads[0]!.item()).toBe(1);
    });
  });
  it('a non-scalar objective is a clear error', () => {
    on(backend, () => {
      const x = new Variable(tensor([1, 2]));
      expect(() => valueAndGrads(() => mul(x, 2), [x])).toThrow(
        'valueAndGrads [2]: the function must return a single value (e.g. a mean loss)',
      );
    });
  });
  it('int32 inputs are not differentiated: they get int32 zeros and the float path is unaffected', () => {
    on(backend, () => {
      const ids = tensor([1, 0, 1], undefined, 'int32');
      const table = new Variable(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      );
      const { grads } = valueAndGrads(
        () => sum(mul(gather(table, ids), expandDims(cast(ids, 'float32'), -1))),
        [table, ids],
      );
      expect(grads[0]!.toArray()).toEqual([
        [0, 0],
        [2, 2],
      ]);
      expect(grads[1]!.dtype).toBe('int32');
      expect(grads[1]!.toArray()).toEqual([0, 0, 0]);
    });
  });
  it('backpropagates through a chain of 7,500 ops (an unrolled recurrence) without recursion', () => {
    // h ← tanh(h·w + x) for 2,500 steps; the reference gradient is the same recurrence in JS.
    const steps = 2500;
    const [w0, x0, h0] = [0.9, 0.05, 0.1];
    const hs = [h0];
    for (let t = 0; t < steps; t++) hs.push(Math.tanh(hs[t]! * w0 + x0));
    let [dh, dw] = [1, 0];
    for (let t = steps - 1; t >= 0; t--) {
      const dz = dh * (1 - hs[t + 1]! ** 2);
      dw += dz * hs[t]!;
      dh = dz * w0;
    }
    on(backend, () =>
      scope(() => {
        const w = new Variable(tensor([w0]));
        const x = tensor([x0]);
        const { value, grads } = valueAndGrads(() => {
          let h = tensor([h0]);
          for (let t = 0; t < steps; t++) h = tanh(add(mul(h, w), x));
          return sum(h);
        }, [w]);
        expect(value.item()).toBeCloseTo(hs[steps]!, 5);
        expect(grads[0]!.item()).toBeCloseTo(dw, 4);
      }),
    );
  });
  it('frees every intermediate of forward and backward when run in a scope', () => {
    on(backend, () => {
      const w = new Variable(tensor([[0.5, -0.25]]));
      const before = { ...liveStats };
      const g = scope(() => valueAndGrads(() => mean(tanh(mul(w, zeros([3, 2])))), [w]).grads[0]!);
      expect(liveStats.tensors).toBe(before.tensors + 1);
      expect(g.shape).toEqual([1, 2]);
    });
  });
});

forEachBackend('valueAndGrads on a backend that is not selected', (backend) => {
  const other = BACKENDS.find((b) => b !== backend)!;
  it('differentiates where the loss lives and leaves the selected backend alone', () => {
    const x = new Variable(tensor([[1, -2]], undefined, 'float32', { backend }));
    const unused = new Variable(tensor([3], undefined, 'float32', { backend }));
    on(other, () => {
      // tanh(x)·[[1],[2]] summed: d/dx = (1 - tanh²(x)) · [1, 2] broadcast over the columns.
      const { value, grads } = valueAndGrads(() => sum(mul(tanh(x), [[1], [2]])), [x, unused]);
      expect(getBackend()).toBe(other);
      for (const t of [value, ...grads]) expect(t.backend).toBe(backend);
      const d = (v: number) => 3 * (1 - Math.tanh(v) ** 2);
      expectClose(grads[0]!, [[d(1), d(-2)]]);
      expect(grads[1]!.toArray()).toEqual([0]);
    });
  });
});
