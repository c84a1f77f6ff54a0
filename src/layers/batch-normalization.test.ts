import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import { withBackend } from '../backend/select.js';
import { BatchNormalization, Dense, mul, Sequential, sum, tensor, Variable } from '../index.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, f64Backend } from '../test-utils/gradcheck.js';

// Golden values from PyTorch 1.13 (float64), BatchNorm in training mode with eps = 1e-3:
//   x = np.round(np.random.RandomState(0).randn(4, 3), 4); w = np.round(np.random.RandomState(1).randn(4, 3), 4)
//   gamma = [1.5, -0.5, 2.0]; beta = [0.1, 0.2, -0.3]
//   y = F.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-3); (y * w).sum().backward()
//   moving stats with Keras' momentum 0.99 and the biased batch variance: 0.99*init + 0.01*batch
const X = [
  [1.7641, 0.4002, 0.9787],
  [2.2409, 1.8676, -0.9773],
  [0.9501, -0.1514, -0.1032],
  [0.4106, 0.144, 1.4543],
];
const W = [
  [1.6243, -0.6118, -0.5282],
  [-1.073, 0.8654, -2.3015],
  [1.7448, -0.7612, 0.319],
  [-0.2494, 1.4621, -2.0601],
];
const Y = [
  [0.99411126, 0.30603689, 1.05321752],
  [2.00271656, -0.63755638, -3.07884112],
  [-0.72779461, 0.66073639, -1.23230101],
  [-1.86903321, 0.4707831, 2.05792462],
];
const DX = [
  [2.67778067, 0.49609126, 1.20419623],
  [-2.66230321, -0.00206948, -2.25506836],
  [2.30837737, 0.42235281, 3.15256623],
  [-2.32385483, -0.91637459, -2.1016941],
];
const DGAMMA = [-1.02837941, 1.48899044, 0.26288441];
const DBETA = [2.0467, 0.9545, -4.5708];
const MOVING_MEAN = [0.01341425, 0.005651, 0.00338125];
const MOVING_VAR = [0.9950182, 0.99603599, 0.99895323];

const expectClose = (got: ArrayLike<number>, want: number[], tol = 1e-5) => {
  want.forEach((w, i) => {
    expect(Math.abs(got[i]! - w), `index ${i}: ${got[i]} vs ${w}`).toBeLessThan(
      tol * Math.max(1, Math.abs(w)),
    );
  });
};

function makeBn() {
  const bn = new BatchNormalization();
  bn.build([null, 3]);
  bn.gamma!.assign(tensor([1.5, -0.5, 2.0]));
  bn.beta!.assign(tensor([0.1, 0.2, -0.3]));
  return bn;
}

forEachBackend('BatchNormalization', (backend) => {
  it('matches PyTorch in training mode: output, gradients and Keras moving statistics', () =>
    on(backend, () => {
      const bn = makeBn();
      const x = new Variable(tensor(X));
      const { grads } = valueAndGrads(() => {
        const y = bn.apply(x, { training: true });
        expectClose(y.dataSync(), Y.flat());
        return sum(mul(y, tensor(W)));
      }, [x, bn.gamma!, bn.beta!]);
      expectClose(grads[0]!.dataSync(), DX.flat(), 1e-4);
      expectClose(grads[1]!.dataSync(), DGAMMA, 1e-4);
      expectClose(grads[2]!.dataSync(), DBETA, 1e-4);
      expectClose(bn.movingMean!.dataSync(), MOVING_MEAN);
      expectClose(bn.movingVariance!.dataSync(), MOVING_VAR);
    }));

  it('uses the moving statistics at inference and leaves them unchanged', () =>
    on(backend, () => {
      const bn = makeBn();
      bn.movingMean!.assign(tensor([1, 2, 3]));
      bn.movingVariance!.assign(tensor([4, 0.25, 1]));
      const y = bn.apply(tensor([[2, 2, 3]]), { training: false }).dataSync();
      expectClose(y, [1.5 * (1 / Math.sqrt(4.001)) + 0.1, 0.2, -0.3]);
      expectClose(bn.movingMean!.dataSync(), [1, 2, 3]);
    }));
});

describe('BatchNormalization', () => {
  it('has Keras parameter counts, with moving statistics non-trainable', () => {
    const model = new Sequential([new Dense(512, { inputShape: [784] }), new BatchNormalization()]);
    const bn = model.layers[1]!;
    expect(bn.countParams()).toBe(2048);
    expect(bn.nonTrainableWeights.reduce((n, w) => n + w.size, 0)).toBe(1024);
    expect(bn.weightEntries.map((w) => w.name)).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    expect(model.summary({ print: false })).toContain('Non-trainable params: 1,024 (4.00 KB)');
  });

  it('supports center/scale off, other axes and custom initializers', () => {
    const bn = new BatchNormalization({
      axis: 1,
      center: false,
      scale: false,
      movingVarianceInitializer: 'zeros',
    });
    bn.build([null, 2, 5]);
    expect(bn.weights.length).toBe(2);
    const y = bn.apply(tensor(new Float32Array(20).fill(3), [2, 2, 5]), { training: false });
    // zero moving variance: y = (3 - 0) / sqrt(0 + 1e-3)
    expect(y.dataSync()[0]).toBeCloseTo(3 / Math.sqrt(1e-3), 3);
    expect(BatchNormalization.fromConfig(bn.getConfig()).getConfig()).toEqual(bn.getConfig());
  });

  it('gradients match float64 finite differences in training mode', () => {
    withBackend(f64Backend, () => {
      // gamma/beta are a plain multiply-add (checked against PyTorch above); this checks the
      // normalisation itself, whose gradient flows through the batch mean and variance.
      const bn = new BatchNormalization({ epsilon: 0.01, center: false, scale: false });
      bn.build([null, 3]);
      checkGradients((x) => bn.apply(x, { training: true }), [{ shape: [5, 3] }], { tol: 1e-5 });
      const bn3d = new BatchNormalization({ axis: 1, epsilon: 0.01, center: false, scale: false });
      bn3d.build([null, 2, 3]);
      checkGradients((x) => bn3d.apply(x, { training: true }), [{ shape: [2, 2, 3] }], { tol: 1e-5 });
    });
  });
});
