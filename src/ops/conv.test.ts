import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients, expectGradientsMatchReference } from '../test-utils/gradcheck.js';
import { conv1d, conv2d } from './conv.js';
import { convGeometry } from './conv-geometry.js';
import { tensor } from './core.js';
import { avgPool1d, avgPool2d, maxPool1d, maxPool2d } from './pool.js';

// golden: NumPy output of (the script prints each case rounded to 5 decimals)
//   import numpy as np
//   def pads(n, k, s, d, mode):
//       e = (k - 1) * d + 1
//       if mode == 'valid': return 0, 0
//       if mode == 'causal': return e - 1, 0
//       t = max((-(-n // s) - 1) * s + e - n, 0)
//       return t // 2, t - t // 2
//   def conv2d(x, w, b, s=(1, 1), d=(1, 1), mode='valid'):  # x [n,h,w,c], w [kh,kw,c,f] (Keras layout)
//       kh, kw, c, f = w.shape
//       (t, bo), (l, r) = pads(x.shape[1], kh, s[0], d[0], mode), pads(x.shape[2], kw, s[1], d[1], mode)
//       xp = np.pad(x, ((0, 0), (t, bo), (l, r), (0, 0)))
//       oh = (xp.shape[1] - (kh - 1) * d[0] - 1) // s[0] + 1
//       ow = (xp.shape[2] - (kw - 1) * d[1] - 1) // s[1] + 1
//       y = np.zeros((x.shape[0], oh, ow, f))
//       for i in range(kh):
//           for j in range(kw):
//               patch = xp[:, i*d[0]: i*d[0] + (oh-1)*s[0] + 1: s[0], j*d[1]: j*d[1] + (ow-1)*s[1] + 1: s[1], :]
//               y += patch @ w[i, j]
//       return y + (0 if b is None else b)
//   def pool2d(x, k, s, mode, kind):
//       (t, bo), (l, r) = pads(x.shape[1], k[0], s[0], 1, mode), pads(x.shape[2], k[1], s[1], 1, mode)
//       xp = np.pad(x, ((0, 0), (t, bo), (l, r), (0, 0)), constant_values=np.nan)
//       oh, ow = (xp.shape[1] - k[0]) // s[0] + 1, (xp.shape[2] - k[1]) // s[1] + 1
//       y = np.zeros((x.shape[0], oh, ow, x.shape[3]))
//       for a in range(oh):
//           for c in range(ow):
//               win = xp[:, a*s[0]: a*s[0]+k[0], c*s[1]: c*s[1]+k[1], :]
//               y[:, a, c] = np.nanmax(win, (1, 2)) if kind == 'max' else np.nanmean(win, (1, 2))
//       return y
//   x = np.arange(2 * 5 * 5 * 2).reshape(2, 5, 5, 2) / 10 - 2.5        # test input
//   w = np.cos(np.arange(3 * 3 * 2 * 3)).reshape(3, 3, 2, 3)             # kernel [3,3,2,3]
//   b = np.array([0.1, -0.2, 0.3])
//   np.set_printoptions(precision=6, suppress=True, linewidth=150)
//   print('same_s1', conv2d(x, w, b, mode='same').round(5).flatten().tolist())
//   print('valid_s2', conv2d(x, w, b, s=(2, 2)).round(5).flatten().tolist())
//   print('same_s2', conv2d(x, w, None, s=(2, 2), mode='same').round(5).flatten().tolist())
//   print('valid_d2', conv2d(x, w, None, d=(2, 2)).round(5).flatten().tolist())
//   x1 = np.sin(np.arange(1 * 7 * 2)).reshape(1, 1, 7, 2); w1 = np.cos(np.arange(3 * 2 * 2)).reshape(1, 3, 2, 2)
//   print('causal1d_d2', conv2d(x1, w1, None, d=(1, 2), mode='causal').round(5).flatten().tolist())
//   xp = np.sin(np.arange(1 * 5 * 5 * 2) * 1.3).reshape(1, 5, 5, 2)
//   print('max_same', pool2d(xp, (2, 2), (2, 2), 'same', 'max').round(5).flatten().tolist())
//   print('avg_same', pool2d(xp, (2, 2), (2, 2), 'same', 'avg').round(5).flatten().tolist())
//   print('avg_valid_3s1', pool2d(xp, (3, 3), (1, 1), 'valid', 'avg').round(5).flatten().tolist())
//   print('max_valid_3s2', pool2d(xp, (3, 3), (2, 2), 'valid', 'max').round(5).flatten().tolist())
// biome-ignore format: golden values
const GOLDEN = {
  same_s1: [-0.77875, -1.02761, 0.28444, -1.19628, -1.24281, 0.46941, -1.04595, -1.1543, 0.41473, -0.89563, -1.0658, 0.36004, -0.55572, -0.70808, 0.40669, -0.76166, -0.52356, 0.81201, -1.02529, -0.46063, 1.14365, -0.84632, -0.42187, 1.00657, -0.66735, -0.38311, 0.86948, -0.33957, -0.25846, 0.6764, -0.12809, -0.30364, 0.4161, -0.13045, -0.26683, 0.45823, 0.04852, -0.22807, 0.32115, 0.22749, -0.18931, 0.18407, 0.22812, -0.21822, 0.15219, 0.50548, -0.08371, 0.02018, 0.76439, -0.07303, -0.22719, 0.94336, -0.03427, -0.36427, 1.12233, 0.00449, -0.50135, 0.79581, -0.17798, -0.37201, 0.42353, -0.48314, -0.32949, 0.52489, -0.73017, -0.6978, 0.63065, -0.76322, -0.83926, 0.73641, -0.79626, -0.98073, 0.44079, -0.73879, -0.623, 1.72305, 0.74892, -0.29764, 2.56186, 0.96982, -0.89775, 2.71219, 1.05832, -0.95244, 2.86251, 1.14683, -1.00712, 1.9875, 0.48568, -0.84655, 2.40618, 0.57606, -1.16757, 3.44892, 0.50838, -2.28344, 3.62789, 0.54714, -2.42052, 3.80685, 0.5859, -2.55761, 2.49888, -0.05726, -1.94463, 3.03975, 0.79598, -1.56349, 4.34376, 0.70218, -2.96886, 4.52273, 0.74094, -3.10594, 4.7017, 0.7797, -3.24302, 3.06657, -0.01701, -2.46884, 3.67332, 1.01591, -1.9594, 5.2386, 0.89599, -3.65427, 5.41757, 0.93475, -3.79136, 5.59654, 0.97351, -3.92844, 3.63426, 0.02323, -2.99304, 2.45464, -0.6862, -2.58003, 3.16897, -1.55623, -4.23451, 3.27473, -1.58927, -4.37598, 3.38049, -1.62231, -4.51745, 1.95916, -1.64464, -3.12025],
  valid_s2: [-1.02529, -0.46063, 1.14365, -0.66735, -0.38311, 0.86948, 0.76439, -0.07303, -0.22719, 1.12233, 0.00449, -0.50135, 3.44892, 0.50838, -2.28344, 3.80685, 0.5859, -2.55761, 5.2386, 0.89599, -3.65427, 5.59654, 0.97351, -3.92844],
  same_s2: [-0.87875, -0.82761, -0.01556, -1.14595, -0.9543, 0.11473, -0.65572, -0.50808, 0.10669, -0.22809, -0.10364, 0.1161, -0.05148, -0.02807, 0.02115, 0.12812, -0.01822, -0.14781, 0.32353, -0.28314, -0.62949, 0.53065, -0.56322, -1.13926, 0.34079, -0.53879, -0.923, 1.62305, 0.94892, -0.59764, 2.61219, 1.25832, -1.25244, 1.8875, 0.68568, -1.14655, 2.93975, 0.99598, -1.86349, 4.42273, 0.94094, -3.40594, 2.96657, 0.18299, -2.76884, 2.35464, -0.4862, -2.88003, 3.17473, -1.38927, -4.67598, 1.85916, -1.44464, -3.42025],
  valid_d2: [0.18451, 0.6156, 0.48072, 4.65872, 1.58462, -2.94637],
  causal1d_d2: [-0.70605, 0.00372, -0.25071, -0.82786, 1.72268, 1.31969, -0.96946, 0.62182, -1.26598, -2.67027, 2.58225, 1.25888, -0.88321, 1.62251],
  max_same: [0.5155, 0.98677, 0.99854, 0.60554, -0.82783, -0.41936, 0.9638, 0.82733, 0.68712, 0.99859, -0.76141, 0.42097, 0.98663, 0.10687, 0.60625, 0.92847, -0.41855, 0.76313],
  avg_same: [0.26086, 0.08336, 0.10976, 0.25778, -0.90737, -0.59067, 0.1795, -0.13487, 0.25178, 0.13447, -0.86236, 0.21093, 0.02859, -0.24863, 0.24836, -0.0293, -0.41855, 0.76313],
  avg_valid_3s1: [-0.02406, 0.20742, 0.13503, -0.13518, -0.20735, 0.02425, 0.07143, 0.22291, 0.04783, -0.19732, -0.1534, 0.11525, 0.15368, 0.19713, -0.04822, -0.22293, -0.07105, 0.18492],
  max_valid_3s2: [0.76256, 0.98677, 0.99854, 0.88387, 0.98663, 0.99859, 0.68712, 0.99859],
};

const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const X = () =>
  tensor(
    ramp(100, (i) => i / 10 - 2.5),
    [2, 5, 5, 2],
  );
const W = () => tensor(ramp(54, Math.cos), [3, 3, 2, 3]);
const B = () => tensor([0.1, -0.2, 0.3]);
const XP = () =>
  tensor(
    ramp(50, (i) => Math.sin(i * 1.3)),
    [1, 5, 5, 2],
  );
const near = (y: Tensor, want: number[]) => expectClose(y, want.length ? [...want] : [], { atol: 2e-5 });
const flat = (y: Tensor) => tensor(y.dataSync(), [y.size]);

forEachBackend('conv2d and conv1d match NumPy', (backend) => {
  it('same / valid padding, strides and dilation', () =>
    on(backend, () => {
      near(flat(conv2d(X(), W(), B(), { padding: 'same' })), GOLDEN.same_s1);
      near(flat(conv2d(X(), W(), B(), { strides: 2 })), GOLDEN.valid_s2);
      const s2 = conv2d(X(), W(), null, { strides: [2, 2], padding: 'same' });
      expect(s2.shape).toEqual([2, 3, 3, 3]);
      near(flat(s2), GOLDEN.same_s2);
      near(flat(conv2d(X(), W(), null, { dilation: 2 })), GOLDEN.valid_d2);
    }));
  it('causal dilated conv1d', () =>
    on(backend, () => {
      const x = tensor(ramp(14, Math.sin), [1, 7, 2]);
      const y = conv1d(x, tensor(ramp(12, Math.cos), [3, 2, 2]), null, { padding: 'causal', dilation: 2 });
      expect(y.shape).toEqual([1, 7, 2]);
      near(flat(y), GOLDEN.causal1d_d2);
    }));
  it('fuses relu', () =>
    on(backend, () => {
      const y = conv2d(X(), W(), B(), { padding: 'same', activation: 'relu' }).dataSync();
      for (const [i, v] of GOLDEN.same_s1.entries()) expect(y[i]).toBeCloseTo(Math.max(v, 0), 4);
    }));
});

forEachBackend('pooling matches NumPy', (backend) => {
  it('max and average, same and valid', () =>
    on(backend, () => {
      near(flat(maxPool2d(XP(), { poolSize: 2, padding: 'same' })), GOLDEN.max_same);
      near(flat(avgPool2d(XP(), { poolSize: 2, padding: 'same' })), GOLDEN.avg_same);
      near(flat(avgPool2d(XP(), { poolSize: 3, strides: 1 })), GOLDEN.avg_valid_3s1);
      near(flat(maxPool2d(XP(), { poolSize: 3, strides: 2 })), GOLDEN.max_valid_3s2);
    }));
  it('1-D pools window the steps axis', () =>
    on(backend, () => {
      const x = tensor([1, 5, 2, 4, 3, 0, 7], [1, 7, 1]);
      expect(Array.from(maxPool1d(x, { poolSize: 3, strides: 2 }).dataSync())).toEqual([5, 4, 7]);
      expect(Array.from(avgPool1d(x, { poolSize: 2, padding: 'same' }).dataSync())).toEqual([3, 3, 1.5, 7]);
    }));
});

describe('conv and pool gradients (float64 central differences)', () => {
  it('conv2d: same padding, stride 2, bias', () =>
    checkGradients(
      (x, w, b) => conv2d(x!, w!, b!, { padding: 'same', strides: 2 }),
      [{ shape: [2, 5, 4, 2] }, { shape: [3, 2, 2, 3] }, { shape: [3] }],
    ));
  it('conv2d: dilation 2 with relu', () =>
    checkGradients(
      (x, w) => conv2d(x!, w!, null, { dilation: 2, activation: 'relu' }),
      [{ shape: [1, 6, 6, 2] }, { shape: [2, 2, 2, 2] }],
    ));
  it('conv1d: causal', () =>
    checkGradients(
      (x, w) => conv1d(x!, w!, null, { padding: 'causal', dilation: 2 }),
      [{ shape: [2, 6, 2] }, { shape: [3, 2, 3] }],
    ));
  it('max and average pooling with same padding', () => {
    checkGradients((x) => maxPool2d(x!, { poolSize: 2, padding: 'same' }), [{ shape: [2, 5, 3, 2] }]);
    checkGradients(
      (x) => avgPool2d(x!, { poolSize: 3, strides: 2, padding: 'same' }),
      [{ shape: [1, 5, 4, 2] }],
    );
  });
});

forEachBackend('conv and pool gradients match the float64 reference', (backend) => {
  it('conv2d + max pool + avg pool', () =>
    expectGradientsMatchReference(
      backend,
      (x, w, b) => {
        const y = conv2d(x!, w!, b!, { padding: 'same', activation: 'relu' });
        return avgPool2d(maxPool2d(y, { poolSize: 2 }), { poolSize: 2, padding: 'same' });
      },
      [{ shape: [3, 8, 7, 3] }, { shape: [3, 3, 3, 4] }, { shape: [4] }],
      { tol: 2e-5 },
    ));
});

describe('conv errors name the op and the shapes', () => {
  it('rejects bad shapes and options', () => {
    const x = tensor(new Float32Array(16), [1, 4, 4, 1]);
    expect(() => conv2d(x, tensor(new Float32Array(18), [3, 3, 2, 1]), null)).toThrow(ShapeError);
    expect(() => conv2d(x, tensor(new Float32Array(25), [5, 5, 1, 1]), null)).toThrow(/does not fit/);
    expect(() => conv2d(x, tensor(new Float32Array(9), [3, 3, 1, 1]), null, { strides: 0 })).toThrow(
      ValueError,
    );
    expect(() => convGeometry('conv2d', [4, 4], { kernel: [1, 1] })).toThrow(/\[n, h, w, c\]/);
    expect(() => maxPool2d(tensor([1, 2], [1, 2]))).toThrow(/maxPool2d \[1,2\]/);
  });
});
