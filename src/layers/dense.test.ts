import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import { layerGraph, runGraph } from '../models/graph.js';
import { tensor } from '../ops/core.js';
import { mul, sum } from '../ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { Dense } from './dense.js';
import { Input } from './input-layer.js';

const x = () =>
  tensor([
    [0.5, -1, 2],
    [3, 0.25, -0.75],
  ]);
const r = () =>
  tensor([
    [1, -2, 0.5, 3],
    [-1, 0.5, 2, 1],
  ]);

/** Output, kernel gradient and whether the output kept its logits, for one call context. */
function run(layer: Dense, logitsNeeded: boolean | undefined) {
  let y: Tensor | undefined;
  const { grads } = valueAndGrads(() => {
    y = layer.apply(x(), { training: true, ...(logitsNeeded === undefined ? {} : { logitsNeeded }) });
    return sum(mul(y, r()));
  }, [layer.kernel!]);
  return {
    y: y!.toArray() as number[][],
    dk: grads[0]!.toArray() as number[][],
    logits: y!.kerasLogits?.kind,
  };
}

forEachBackend('Dense sigmoid fused into the kernel when no loss needs its logits', (backend) => {
  it('gives the same values and kernel gradient as the separate sigmoid, without keeping logits', () =>
    on(backend, () => {
      const layer = new Dense(4, { activation: 'sigmoid' });
      layer.apply(x()); // builds the kernel
      const separate = run(layer, undefined);
      const fused = run(layer, false);
      expect(separate.logits).toBe('sigmoid');
      expect(fused.logits).toBeUndefined();
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 4; j++) {
          expect(fused.y[i]![j]!).toBeCloseTo(separate.y[i]![j]!, 6);
          expect(fused.y[i]![j]!).toBeGreaterThan(0);
        }
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) expect(fused.dk[i]![j]!).toBeCloseTo(separate.dk[i]![j]!, 5);
    }));

  it("a model keeps the output layer's logits and fuses the hidden one", () =>
    on(backend, () => {
      const input = Input({ shape: [3] });
      const hidden = new Dense(4, { activation: 'sigmoid' });
      const h = hidden.apply(input);
      const out = new Dense(1, { activation: 'sigmoid' }).apply(h);
      const g = layerGraph([input], [out], 'm');
      const [y] = runGraph(g, [x()], { training: true });
      expect(y!.kerasLogits?.kind).toBe('sigmoid');
      // The same hidden layer as the output of a second graph keeps its logits there.
      const [yh] = runGraph(layerGraph([input], [h], 'h'), [x()], { training: true });
      expect(yh!.kerasLogits?.kind).toBe('sigmoid');
    }));
});

describe('Dense relu never keeps logits', () => {
  it('is fused whatever the context says', () => {
    const layer = new Dense(2, { activation: 'relu' });
    const y = layer.apply(x(), { training: false });
    expect(y.kerasLogits).toBeUndefined();
  });
});
