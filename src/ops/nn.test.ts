import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend, FusedActivation } from '../backend/backend.js';
import { scope } from '../engine/engine.js';
import { Variable } from '../tensor/tensor.js';
import { expectClose, expectTensorsClose, withoutFastPaths } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import {
  add,
  dense,
  logSoftmax,
  matmul,
  mean,
  mul,
  oneHot,
  softmax,
  softmaxCrossEntropy,
  square,
  stopGradient,
  sum,
  tensor,
} from './index.js';

// golden: NumPy output of
//   rng = np.random.default_rng(4)
//   z = np.round(rng.uniform(-3, 3, (3, 5)) * 64) / 64
//   z[2] += 100  # a large shift must not overflow
//   y = np.eye(5)[[1, 4, 0]] * 0.9 + 0.02  # smoothed labels, rows sum to 1
//   def softmax(v, axis): e = np.exp(v - v.max(axis, keepdims=True)); return e / e.sum(axis, keepdims=True)
//   def log_softmax(v, axis): s = v - v.max(axis, keepdims=True); return s - np.log(np.exp(s).sum(axis, keepdims=True))
//   golden = dict(z=z, y=y, softmax=softmax(z, -1), softmax0=softmax(z[:2], 0), log_softmax=log_softmax(z, -1),
//     log_softmax0=log_softmax(z[:2], 0), xent=-(y * log_softmax(z, -1)).sum(-1))
// biome-ignore format: golden values
const SOFTMAX = {
  z: [[2.65625, 0.0625, 2.859375, -2.515625, 0.640625], [-0.734375, 1.8125, -1.953125, 2.234375, 0.265625], [102.40625, 99.859375, 99.578125, 101.734375, 102.90625]],
  y: [[0.02, 0.92, 0.02, 0.02, 0.02], [0.02, 0.02, 0.02, 0.02, 0.92], [0.92, 0.02, 0.02, 0.02, 0.02]],
  softmax: [[0.410024966, 0.0306449551, 0.50237309, 0.00232644896, 0.0546305392], [0.027587276, 0.352210726, 0.0081547832, 0.537057224, 0.0749899909], [0.303313308, 0.0237573342, 0.0179329767, 0.154917279, 0.500079102]],
  softmax0: [[0.967410255, 0.148047198, 0.991938008, 0.00857748541, 0.5926666], [0.0325897448, 0.851952802, 0.00806199153, 0.991422515, 0.4073334]],
  log_softmax: [[-0.891537227, -3.48528723, -0.688412227, -6.06341223, -2.90716223], [-3.59040063, -1.04352563, -4.80915063, -0.621650628, -2.59040063], [-1.19298899, -3.73986399, -4.02111399, -1.86486399, -0.692988988]],
  log_softmax0: [[-0.0331326178, -1.91022415, -0.00809466511, -4.75861448, -0.523123264], [-3.42375762, -0.16022415, -4.82059467, -0.00861448376, -0.898123264]],
  xent: [3.41747473, 2.58446313, 1.30392649],
};

// golden: NumPy output of
//   rng = np.random.default_rng(5)
//   x = np.round(rng.uniform(-1, 1, (4, 3)) * 64) / 64
//   w = np.round(rng.uniform(-1, 1, (3, 5)) * 64) / 64
//   b = np.round(rng.uniform(-1, 1, 5) * 64) / 64
//   z = x @ w + b
//   golden = dict(x=x, w=w, b=b, linear=z, relu=np.maximum(z, 0), sigmoid=1 / (1 + np.exp(-z)),
//     tanh=np.tanh(z), tanh_nobias=np.tanh(x @ w))
// biome-ignore format: golden values
const DENSE = {
  x: [[0.609375, 0.609375, 0.03125], [-0.421875, -0.890625, -0.234375], [-0.1875, -0.90625, -0.90625], [1, 0.3125, -0.53125]],
  w: [[-0.125, 0.953125, 0.796875, 0.6875, -0.21875], [-0.015625, 0.359375, -0.875, 0.109375, -0.453125], [0.765625, -0.875, 0.359375, 0.734375, -0.546875]],
  b: [0.796875, 0.75, -0.96875, 0.421875, -1],
  linear: [[0.735107422, 1.52246094, -1.00512695, 0.930419922, -1.42651367], [0.684082031, 0.232910156, -0.609863281, -0.137695312, -0.375976562], [0.140625, 1.03857422, -0.650878906, -0.471679688, -0.052734375], [0.260253906, 2.28027344, -0.636230469, 0.753417969, -1.06982422]],
  relu: [[0.735107422, 1.52246094, 0, 0.930419922, 0], [0.684082031, 0.232910156, 0, 0, 0], [0.140625, 1.03857422, 0, 0, 0], [0.260253906, 2.28027344, 0, 0.753417969, 0]],
  sigmoid: [[0.675925059, 0.82090058, 0.267934596, 0.717160471, 0.193642476], [0.664649155, 0.557965736, 0.352090386, 0.465630459, 0.407097667], [0.535098429, 0.738574807, 0.342791505, 0.384218761, 0.486819461], [0.564698707, 0.907230063, 0.346099143, 0.679923001, 0.255436514]],
  tanh: [[0.626180078, 0.909125565, -0.763738951, 0.730789617, -0.890949918], [0.594166737, 0.228788009, -0.544030852, -0.136831628, -0.359208253], [0.139705303, 0.777324415, -0.572261343, -0.439555472, -0.0526855461], [0.254533004, 0.979303729, -0.562327458, 0.637183639, -0.789394986]],
  tanh_nobias: [[-0.0616891452, 0.648358165, -0.0363609159, 0.468810698, -0.402403622], [-0.112317064, -0.475450825, 0.344233049, -0.507658553, 0.553923166], [-0.575862391, 0.280821996, 0.307580686, -0.713145023, 0.738542636], [-0.490426002, 0.910471375, 0.320782868, 0.319906521, -0.0697109654]],
};

const ACTIVATIONS: FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh'];

/** Forward value and gradients of mean(f(x, w, b)²) on `backend`, read back as plain arrays. */
function denseRun(backend: Backend, act: FusedActivation, withBias: boolean) {
  return on(backend, () =>
    scope(() => {
      const [x, w, b] = [
        new Variable(tensor(DENSE.x)),
        new Variable(tensor(DENSE.w)),
        new Variable(tensor(DENSE.b)),
      ];
      const sources = withBias ? [x, w, b] : [x, w];
      let y = tensor(0);
      const { grads } = valueAndGrads(() => {
        y = dense(x, w, withBias ? b : null, act);
        return mean(square(y));
      }, sources);
      return { y: y.toArray(), grads: grads.map((g) => g.toArray()) };
    }),
  );
}

forEachBackend('softmax, logSoftmax, oneHot', (backend) => {
  it('softmax and logSoftmax match numpy along the last and the first axis, even for large logits', () => {
    on(backend, () => {
      expectClose(softmax(tensor(SOFTMAX.z)), SOFTMAX.softmax);
      expectClose(softmax(tensor(SOFTMAX.z.slice(0, 2)), 0), SOFTMAX.softmax0);
      expectClose(logSoftmax(tensor(SOFTMAX.z)), SOFTMAX.log_softmax, { rtol: 2e-6 });
      expectClose(logSoftmax(tensor(SOFTMAX.z.slice(0, 2)), 0), SOFTMAX.log_softmax0, { rtol: 2e-6 });
    });
  });
  it('oneHot encodes int32 indices as float32 rows; out-of-range rows are all 0', () => {
    on(backend, () => {
      const h = oneHot(tensor([0, 2, 1, 3], undefined, 'int32'), 3);
      expect(h.dtype).toBe('float32');
      expect(h.toArray()).toEqual([
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
        [0, 0, 0],
      ]);
      expect(oneHot(tensor([[1], [0]], undefined, 'int32'), 2).shape).toEqual([2, 1, 2]);
    });
  });
});

forEachBackend('dense', (backend) => {
  const unfused = withoutFastPaths(backend, 'dense', 'denseBackward');
  it.each(ACTIVATIONS)('act=%s with bias matches numpy', (act) => {
    on(backend, () => expectClose(dense(tensor(DENSE.x), tensor(DENSE.w), tensor(DENSE.b), act), DENSE[act]));
  });
  it('without bias matches numpy', () => {
    on(backend, () => expectClose(dense(tensor(DENSE.x), tensor(DENSE.w), null, 'tanh'), DENSE.tanh_nobias));
  });
  it.each(
    ACTIVATIONS.flatMap((act) => [
      [act, true],
      [act, false],
    ]),
  )('fused and composed agree: act=%s bias=%s (forward and gradients to 1e-6)', (act, withBias) => {
    expect(unfused.dense).toBeUndefined();
    const fused = denseRun(backend, act as FusedActivation, withBias as boolean);
    const composed = denseRun(unfused, act as FusedActivation, withBias as boolean);
    on(backend, () => {
      expectClose(tensor(fused.y), composed.y);
      fused.grads.forEach((g, i) => {
        expectClose(tensor(g), composed.grads[i]!, { label: `gradient ${i}` });
      });
    });
  });
  it('names the op and the shapes on a mismatch', () => {
    on(backend, () => {
      const [x, w] = [tensor(DENSE.x), tensor(DENSE.w)];
      expect(() => dense(x, tensor(DENSE.x), null)).toThrow('dense [4,3] · [4,3]: expected [n, k] · [k, m]');
      expect(() => dense(x, w, tensor([1, 2]))).toThrow('dense [3,5] · [2]: bias must have shape [5]');
    });
  });
});

forEachBackend('softmaxCrossEntropy', (backend) => {
  const unfused = withoutFastPaths(backend, 'softmaxCrossEntropy');
  it('matches numpy (per-row loss), even for large logits', () => {
    on(backend, () =>
      expectClose(softmaxCrossEntropy(tensor(SOFTMAX.z), tensor(SOFTMAX.y)), SOFTMAX.xent, { rtol: 2e-6 }),
    );
  });
  it('fused and composed agree in value and gradients (logits and labels)', () => {
    const run = (b: Backend) =>
      on(b, () =>
        scope(() => {
          const [z, y] = [new Variable(tensor(SOFTMAX.z)), new Variable(tensor(SOFTMAX.y))];
          const { value, grads } = valueAndGrads(() => mean(softmaxCrossEntropy(z, y)), [z, y]);
          return [value.item(), ...grads.map((g) => g.toArray())] as const;
        }),
      );
    const [fused, composed] = [run(backend), run(unfused)];
    on(backend, () => {
      expect(fused[0]).toBeCloseTo(composed[0], 6);
      expectClose(tensor(fused[1]), composed[1]);
      expectClose(tensor(fused[2]), composed[2]);
    });
  });
  it('accepts int32 one-hot labels and names shape mismatches', () => {
    on(backend, () => {
      const z = tensor(SOFTMAX.z);
      const labels = oneHot(tensor([1, 4, 0], undefined, 'int32'), 5);
      expectTensorsClose(
        softmaxCrossEntropy(z, labels),
        softmaxCrossEntropy(z, tensor(labels.toArray(), undefined, 'int32')),
      );
      expect(() => softmaxCrossEntropy(z, tensor([[1, 0]]))).toThrow(
        'softmaxCrossEntropy [3,5] · [1,2]: expected logits and labels of shape [n, c]',
      );
    });
  });
});

forEachBackend('stopGradient', (backend) => {
  it('passes values through and blocks the gradient', () => {
    on(backend, () => {
      const x = new Variable(tensor([1, 2, 3]));
      const { value, grads } = valueAndGrads(() => sum(mul(x, stopGradient(x))), [x]);
      expect(value.item()).toBe(14);
      expect(grads[0]!.toArray()).toEqual([1, 2, 3]);
      expect(stopGradient(x)).toBe(x); // outside a tape there is nothing to stop
    });
  });
});

describe('nn gradients (float64 central differences)', () => {
  it('softmax and logSoftmax along both axes', () => {
    checkGradients((x) => softmax(x), [{ shape: [2, 5] }]);
    checkGradients((x) => softmax(x, 0), [{ shape: [3, 2] }]);
    checkGradients((x) => logSoftmax(x), [{ shape: [2, 5] }]);
    checkGradients((x) => logSoftmax(x, 0), [{ shape: [3, 2] }]);
  });
  it.each(ACTIVATIONS)('dense act=%s, with and without bias (fused kernel)', (act) => {
    const x = { shape: [4, 3], values: DENSE.x.flat() };
    checkGradients((x, w, b) => dense(x, w, b, act), [x, { shape: [3, 5] }, { shape: [5] }]);
    checkGradients((x, w) => dense(x, w, null, act), [x, { shape: [3, 5] }]);
  });
  it('dense composed from matmul, add and the activation', () => {
    checkGradients((x, w, b) => add(matmul(x, w), b), [{ shape: [4, 3] }, { shape: [3, 2] }, { shape: [2] }]);
  });
  it('softmaxCrossEntropy with respect to logits and labels', () => {
    checkGradients((z, y) => softmaxCrossEntropy(z, y), [{ shape: [3, 4] }, { shape: [3, 4] }]);
  });
});

forEachBackend('nn gradients match the float64 reference', (backend) => {
  it('softmax, dense and softmaxCrossEntropy', () => {
    expectGradientsMatchReference(backend, (x) => softmax(x), [{ shape: [3, 5] }]);
    expectGradientsMatchReference(backend, (x, w, b) => dense(x, w, b, 'sigmoid'), [
      { shape: [4, 3] },
      { shape: [3, 5] },
      { shape: [5] },
    ]);
    expectGradientsMatchReference(backend, (z, y) => softmaxCrossEntropy(z, y), [
      { shape: [3, 4] },
      { shape: [3, 4] },
    ]);
  });
});
