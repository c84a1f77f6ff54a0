import { describe, expect, it } from 'vitest';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { reshape, slice } from '../ops/layout.js';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv1D } from './conv1d.js';
import { Dense } from './dense.js';
import { Embedding } from './embedding.js';
import { Add } from './merge/add.js';
import { getKerasMask } from './rnn/masking.js';
import { TimeDistributed } from './time-distributed.js';

const seq = (b: number, t: number, f: number) =>
  tensor(
    Float32Array.from({ length: b * t * f }, (_, i) => Math.sin(i * 0.7)),
    [b, t, f],
  );

describe('TimeDistributed', () => {
  forEachBackend('values', (backend) => {
    it('applies the wrapped layer to every step with one set of weights', () => {
      on(backend, () => {
        const dense = new Dense(3, { activation: 'tanh' });
        const td = new TimeDistributed(dense);
        const x = seq(2, 4, 5);
        const y = td.apply(x);
        expect(y.shape).toEqual([2, 4, 3]);
        expect(td.countParams()).toBe(18);
        expect(td.weights).toEqual(dense.weights);
        // Step t of sample b is the Dense of that step alone.
        for (const [b, t] of [
          [0, 0],
          [1, 3],
          [0, 2],
        ] as const) {
          const step = dense.apply(reshape(slice(x, [b, t, 0], [1, 1, 5]), [1, 5]));
          expectClose(reshape(slice(y, [b, t, 0], [1, 1, 3]), [1, 3]), [Array.from(step.dataSync())]);
        }
        // A Conv1D on each step of [batch, time, steps, channels].
        const conv = new TimeDistributed(new Conv1D(2, 3));
        expect(conv.apply(tensor(new Float32Array(2 * 3 * 6 * 4), [2, 3, 6, 4])).shape).toEqual([2, 3, 4, 2]);
      });
    });
  });

  it('has float64 gradients that match central differences (inputs and weights)', () => {
    const td = new TimeDistributed(new Dense(2, { activation: 'sigmoid' }));
    checkGradients((x) => td.apply(x!), [{ shape: [2, 3, 4] }], { tol: 1e-5 });
  });

  it("normalises each step with its own batch statistics in training, as Keras 3's step loop does", () => {
    const td = new TimeDistributed(new BatchNormalization({ momentum: 0 }));
    // Step 0 holds values around 10, step 1 around -5: a merged batch·time statistic would mix them.
    const x = tensor(
      [
        [[10], [-5]],
        [[12], [-7]],
      ],
      [2, 2, 1],
    );
    const y = td.apply(x, { training: true });
    expectClose(
      y,
      [
        [[-1], [1]],
        [[1], [-1]],
      ],
      { atol: 1e-2 },
    );
    expect(new Sequential([new TimeDistributed(new Dense(2), { inputShape: [3, 4] })]).outputShape).toEqual([
      null,
      3,
      2,
    ]);
  });

  it('passes a Keras mask through and refuses what it cannot wrap, by name', () => {
    const emb = new Embedding(10, 4, { maskZero: true }).apply(tensor([[1, 2, 0]], [1, 3], 'int32'));
    const y = new TimeDistributed(new Dense(2)).apply(emb);
    expect(Array.from(getKerasMask(y)!.dataSync())).toEqual([1, 1, 0]);
    expect(() => new TimeDistributed(new Add())).toThrow(
      /TimeDistributed: layer 'add.*' \(Add\) takes a list/,
    );
    expect(() => new TimeDistributed(new Dense(2), { name: 'td' }).apply(tensor([1, 2], [1, 2]))).toThrow(
      /layer 'td' \(TimeDistributed\).*expected inputs \[batch, time, \.\.\.\]/,
    );
    expect(() => new TimeDistributed('dense' as unknown as Dense)).toThrow(/expected a layer to wrap/);
    expect(() => new TimeDistributed(new TimeDistributed(new Dense(2)))).toThrow(
      /wrapping layer .* is not supported yet/,
    );
    expect(() => new TimeDistributed(new Sequential([new Dense(2)]))).toThrow(
      /\(Sequential\) is not supported yet/,
    );
  });
});
