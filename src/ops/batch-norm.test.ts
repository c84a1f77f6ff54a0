import { describe, expect, it, vi } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend } from '../backend/backend.js';
import { scope } from '../engine/engine.js';
import { Variable } from '../tensor/tensor.js';
import { expectClose, withoutFastPaths } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import { add, batchNormInference, batchNormTraining, mul, square, sum, tensor } from './index.js';

// golden: PyTorch float64, torch.nn.functional.batch_norm(x, None, None, gamma, beta, training=True,
// eps=1e-3), loss Σ y·r, .backward(); mean and var (unbiased=False) of x's columns.
// biome-ignore format: golden values
const BN = {
  x: [[0.5, -1.25, 2.0], [1.5, 0.75, -0.5], [-2.0, 0.25, 1.0], [0.0, 3.0, -1.5]],
  gamma: [1.5, -0.5, 2.0],
  beta: [0.1, 0.2, -0.3],
  r: [[1, -2, 0.5], [0.25, 1, -1], [-0.5, 0.75, 2], [1.5, -1, 0.25]],
  y: [0.688167458646, 0.835301392628, 2.299017862899, 1.864502375937, 0.179506406689, -1.413864798385, -2.252669834582, 0.343455153174, 0.813864798385, 0.1, -0.558262952492, -2.899017862899],
  mean: [0.0, 0.6875, 0.25],
  variance: [1.625, 2.32421875, 1.8125],
  dx: [0.345087180534, 0.464743257797, -0.870075714904, -0.876282698997, -0.427507918826, -1.72223705248, -0.571618466497, -0.368393871155, 1.907881185544, 1.10281398496, 0.331158532184, 0.68443158184],
  dgamma: [1.470418646614, 0.85048412239, 1.99567443044],
  dbeta: [2.25, -1.25, 1.75],
};

/** The op's outputs and its gradients of Σ y·r with respect to x, gamma and beta. */
function runGolden(b: Backend) {
  return on(b, () =>
    scope(() => {
      const [x, gamma, beta] = [BN.x, BN.gamma, BN.beta].map((v) => new Variable(tensor(v)));
      const out = batchNormTraining(x!, gamma!, beta!, 1e-3);
      const { grads } = valueAndGrads(
        () => sum(mul(batchNormTraining(x!, gamma!, beta!, 1e-3).y, tensor(BN.r))),
        [x!, gamma!, beta!],
      );
      return {
        y: Array.from(out.y.dataSync()),
        mean: Array.from(out.mean.dataSync()),
        variance: Array.from(out.variance.dataSync()),
        grads: grads.map((g) => Array.from(g!.dataSync())),
      };
    }),
  );
}

forEachBackend('batchNormTraining', (backend) => {
  it('matches PyTorch: output, batch mean and biased variance, gradients', () => {
    const got = runGolden(backend);
    on(backend, () => {
      expectClose(tensor(got.y), BN.y, { rtol: 1e-5, atol: 1e-6 });
      expectClose(tensor(got.mean), BN.mean, { atol: 1e-7 });
      expectClose(tensor(got.variance), BN.variance, { rtol: 1e-6 });
      expectClose(tensor(got.grads[0]!), BN.dx, { rtol: 1e-5, atol: 1e-6 });
      expectClose(tensor(got.grads[1]!), BN.dgamma, { rtol: 1e-5, atol: 1e-6 });
      expectClose(tensor(got.grads[2]!), BN.dbeta, { rtol: 1e-6 });
    });
  });

  it('the fused kernels take the composed ops float32 steps forward, and agree in gradients', () => {
    const unfused = withoutFastPaths(backend, 'batchNormTrain', 'batchNormTrainBackward');
    const x = Array.from({ length: 37 * 13 }, (_, i) => Math.sin(i * 0.37) * 4 + (i % 13) * 0.5);
    const run = (b: Backend) =>
      on(b, () =>
        scope(() => {
          const xv = new Variable(tensor(x, [37, 13]));
          const gamma = new Variable(tensor(Array.from({ length: 13 }, (_, j) => 0.5 + j / 7)));
          const out = batchNormTraining(xv, gamma, null, 1e-3);
          const r = tensor(
            Array.from({ length: 37 * 13 }, (_, i) => Math.cos(i)),
            [37, 13],
          );
          const { grads } = valueAndGrads(
            () => sum(mul(batchNormTraining(xv, gamma, null, 1e-3).y, r)),
            [xv, gamma],
          );
          return [out.y, out.mean, out.variance, ...grads].map((t) => Array.from(t!.dataSync()));
        }),
      );
    const [fused, composed] = [run(backend), run(unfused)];
    for (let i = 0; i < 3; i++) expect(fused[i], ['y', 'mean', 'variance'][i]).toEqual(composed[i]);
    on(backend, () => {
      expectClose(tensor(fused[3]!), composed[3]!, { rtol: 1e-4, atol: 1e-5 });
      expectClose(tensor(fused[4]!), composed[4]!, { rtol: 1e-5, atol: 1e-5 });
    });
  });

  it('holds its gradients to the float64 reference, rank 4 (features last) and without gamma', () => {
    expectGradientsMatchReference(backend, (x, g, b) => batchNormTraining(x!, g!, b!, 1e-3).y, [
      { shape: [3, 2, 2, 5] },
      { shape: [5] },
      { shape: [5] },
    ]);
    expectGradientsMatchReference(backend, (x) => batchNormTraining(x!, null, null, 0.01).y, [
      { shape: [6, 7] },
    ]);
  });

  it('names wrong shapes and refuses int input', () => {
    on(backend, () => {
      const x = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(() => batchNormTraining(x, tensor([1, 2, 3]), null, 1e-3)).toThrow(
        'batchNormTraining [2,2] · [3]: gamma must be [2], one value per feature',
      );
      expect(() => batchNormTraining(tensor([1, 2]), null, null, 1e-3)).toThrow(
        'batchNormTraining [2]: expected at least 2 dimensions (batch, ..., features)',
      );
      expect(() => batchNormTraining(tensor([[1]], undefined, 'int32'), null, null, 1e-3)).toThrow(
        /batchNormTraining/,
      );
    });
  });
});

forEachBackend('batchNormInference', (backend) => {
  const unfused = withoutFastPaths(backend, 'batchNormInfer');
  it('takes the composed ops float32 steps (rank 2 and 3, with and without gamma and beta)', () => {
    const values = Array.from({ length: 5 * 3 * 6 }, (_, i) => Math.sin(i * 0.7) * 3);
    const stats = [0.3, -1, 2, 0.01, 5, -0.5];
    const run = (b: Backend) =>
      on(b, () =>
        scope(() => {
          const [mean, variance] = [tensor(stats), tensor(stats.map((v) => v * v + 0.25))];
          const [gamma, beta] = [tensor(stats.map((v) => 1 - v)), tensor(stats.map((v) => v / 3))];
          return [
            batchNormInference(tensor(values, [15, 6]), mean, variance, gamma, beta, 1e-3),
            batchNormInference(tensor(values, [5, 3, 6]), mean, variance, null, beta, 1e-3),
            batchNormInference(tensor(values, [5, 3, 6]), mean, variance, gamma, null, 0.1),
          ].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
        }),
      );
    expect(run(backend)).toEqual(run(unfused));
  });

  it('matches hand-computed values, and names a wrong statistics shape', () => {
    on(backend, () => {
      const y = batchNormInference(
        tensor([
          [1, 10],
          [3, 30],
        ]),
        tensor([2, 20]),
        tensor([4, 100]),
        tensor([2, 1]),
        tensor([0, 1]),
        0,
      );
      expectClose(
        y,
        [
          [-1, 0],
          [1, 2],
        ],
        { atol: 1e-7 },
      );
      expect(() =>
        batchNormInference(tensor([[1, 2]]), tensor([1, 2, 3]), tensor([1, 2]), null, null, 0),
      ).toThrow('batchNormInference [1,2] · [3]: mean must be [2], one value per feature');
    });
  });

  it('is differentiable (the composed ops run under a tape), held to the float64 reference', () => {
    expectGradientsMatchReference(
      backend,
      (x, m, v, g, b) => batchNormInference(x!, m!, add(square(v!), 0.5), g!, b!, 1e-3),
      [{ shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }],
    );
  });
});

describe('batchNorm gradients (float64 central differences)', () => {
  it('inference, with respect to x, the statistics, gamma and beta', () => {
    checkGradients(
      (x, m, v, g, b) => batchNormInference(x!, m!, add(square(v!), 0.5), g!, b!, 1e-3),
      [{ shape: [4, 3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }, { shape: [3] }],
    );
  });
  it('training, with respect to x, gamma and beta', () => {
    checkGradients(
      (x, g, b) => batchNormTraining(x!, g!, b!, 1e-3).y,
      [{ shape: [5, 3] }, { shape: [3] }, { shape: [3] }],
    );
  });
});

describe('the fused kernels run when the backend has them', () => {
  it('one forward and one backward call per training step of a BatchNormalization layer', async () => {
    const { BatchNormalization, Dense, Sequential, getBackend, setBackend } = await import('../index.js');
    setBackend('wasm');
    const b = getBackend();
    if (!b.batchNormTrain) throw new Error('the wasm backend has fused batch normalization');
    const forward = vi.spyOn(b, 'batchNormTrain');
    const backward = vi.spyOn(b, 'batchNormTrainBackward');
    const model = new Sequential([new Dense(4, { inputShape: [3] }), new BatchNormalization(), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tensor(
      Array.from({ length: 24 }, (_, i) => Math.sin(i)),
      [8, 3],
    );
    await model.fit(
      x,
      tensor(
        Array.from({ length: 8 }, (_, i) => i % 2),
        [8, 1],
      ),
      {
        epochs: 1,
        batchSize: 4,
        verbose: 0,
      },
    );
    expect([forward.mock.calls.length, backward.mock.calls.length]).toEqual([2, 2]);
    const inference = vi.spyOn(b, 'batchNormInfer');
    model.predict(x); // inference uses the moving statistics, not the batch's
    expect([forward.mock.calls.length, inference.mock.calls.length]).toEqual([2, 1]);
    for (const spy of [forward, backward, inference]) spy.mockRestore();
  });
});
