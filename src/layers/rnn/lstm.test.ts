import { describe, expect, it } from 'vitest';
import { withBackend } from '../../backend/select.js';
import { clearSession, Dense, Embedding, initializers, LSTM, Sequential, tensor } from '../../index.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { expectAll, type LayerRun, layerGradients, unfused, wave } from '../../test-utils/recurrent.js';

// golden: PyTorch 1.13 (CPU, float64) output of
//   import numpy as np, torch; torch.set_default_dtype(torch.float64)
//   def seq(n, seed): return np.float32(0.5 * np.sin(seed + 1.3 * np.arange(n))).astype(np.float64)  # = wave(n, seed)
//   def T(a, shape): return torch.tensor(a.reshape(shape), requires_grad=True)
//   B, S, I, U = 2, 3, 4, 3
//   # Keras kernel [I, 4U] (gates i,f,c,o) = torch weight_ih_l0ᵀ (gates i,f,g,o: the same order).
//   x = T(seq(24, 1), (B, S, I)); k = T(seq(48, 2), (I, 4*U)); rk = T(seq(36, 3), (U, 4*U)); b = T(seq(12, 4), (4*U,))
//   lstm = torch.nn.LSTM(I, U, batch_first=True)
//   with torch.no_grad(): lstm.bias_hh_l0.zero_()
//   lstm.weight_ih_l0 = torch.nn.Parameter(k.T); lstm.weight_hh_l0 = torch.nn.Parameter(rk.T); lstm.bias_ih_l0 = torch.nn.Parameter(b)
//   y, (h, c) = lstm(x)
//   loss = (y * torch.tensor(seq(18, 5).reshape(B, S, U))).sum() + (h[0] * torch.tensor(seq(6, 6).reshape(B, U))).sum() \
//        + (c[0] * torch.tensor(seq(6, 7).reshape(B, U))).sum()
//   loss.backward()
//   golden = dict(y=y, h=h, c=c, dx=x.grad, dKernel=lstm.weight_ih_l0.grad.T, dRecurrent=lstm.weight_hh_l0.grad.T, dBias=lstm.bias_ih_l0.grad)
// biome-ignore format: golden values
const GOLDEN = {
  y: [-0.082618993, 0.016684586, 0.08372859, -0.10740007, 0.042251294, 0.1245279, -0.11012271, 0.071735986, 0.15627847, -0.055605782, 0.052748636, 0.12403475, -0.11162009, 0.066547918, 0.15199084, -0.15306078, 0.059843445, 0.14907643],
  h: [-0.11012271, 0.071735986, 0.15627847, -0.15306078, 0.059843445, 0.14907643],
  c: [-0.237893, 0.19574864, 0.35547961, -0.29769498, 0.14949752, 0.37203404],
  dx: [-0.026267759, 0.030161956, -0.033704925, 0.03685541, -0.064252869, 0.056581483, -0.048251222, 0.039359089, -0.169949, 0.16066341, -0.14950694, 0.1366095, 0.04691112, -0.038595729, 0.029830902, -0.020718701, 0.020568892, -0.015615687, 0.010480643, -0.0052235557, 0.09600662, -0.071501264, 0.046163296, -0.020287771],
  dKernel: [0.04195395, -0.024476755, 0.020266631, 0.027336026, -0.015740554, 0.021802745, -0.1881974, -0.11986377, 0.08015182, 0.018885457, -0.016769595, -0.0018060042, -0.017021873, 0.029004041, -0.022269568, -0.0071949665, 0.0064748974, -0.0090686801, 0.082928394, 0.17770968, -0.08557861, 0.019172083, 0.01044311, -0.0082689558, -0.051060612, 0.03999385, -0.032180796, -0.031185316, 0.019204609, -0.026654466, 0.23256389, 0.21493804, -0.12593617, -0.0086284359, 0.022356635, -0.0026178658, -0.010295435, -0.0076074244, 0.0050529168, -0.0094891049, 0.0037995237, -0.0051913975, 0.041492749, -0.062718334, 0.018203051, -0.023788277, 0.0015176379, 0.0068684029],
  dRecurrent: [-0.0045800223, -0.0068315043, -0.0073822631, -0.0021644769, -0.00080901001, -0.0062779207, 0.013640726, -0.025696407, -0.02761686, -0.0017072271, -0.0029422743, -0.0041719029, 0.0039161456, 0.0018738328, 0.0051009956, 0.001997853, -0.00022399949, 0.0040742697, -0.014400624, 0.0036499525, 0.019381585, 0.00035930907, 0.0008427429, 0.0024971515, 0.0076328094, 0.0068013164, 0.011179793, 0.0037035426, 0.00018788589, 0.0091194274, -0.025535553, 0.021698757, 0.041858327, 0.00048709, 0.0028543515, 0.0049231634],
  dBias: [0.071530255, 0.043132821, 0.097652129, 0.017884929, 0.005005745, 0.05881311, -0.24993174, 0.23307265, 0.35722935, 0.026742653, 0.0093429415, 0.054389498],
};

// golden: the same inputs, with mask [[1, 1, 0], [0, 1, 1]] and go_backwards, as Keras runs them
// (a masked step keeps the state and repeats the previous output; outputs in processing order):
//   mask = torch.tensor([[1, 1, 0], [0, 1, 1]], dtype=torch.bool)
//   cell = torch.nn.LSTMCell(I, U)  # weights as above (weight_ih = kᵀ, weight_hh = rkᵀ, bias_ih = b, bias_hh = 0)
//   h = torch.zeros(B, U); c = torch.zeros(B, U); ys = []
//   for t in reversed(range(S)):
//       h2, c2 = cell(x[:, t], (h, c)); m = mask[:, t:t+1]
//       h = torch.where(m, h2, h); c = torch.where(m, c2, c); ys.append(h)
//   y = torch.stack(ys, 1)  # then the same loss, backward and golden dict as above
// biome-ignore format: golden values
const GOLDEN_MASKED_BACKWARDS = {
  y: [0.0, 0.0, 0.0, -0.062946822, 0.033881025, 0.092034959, -0.12060309, 0.035321082, 0.11840229, -0.087291416, 0.020227311, 0.091532141, -0.12247051, 0.048685258, 0.14343448, -0.12247051, 0.048685258, 0.14343448],
  h: [-0.12060309, 0.035321082, 0.11840229, -0.12247051, 0.048685258, 0.14343448],
  c: [-0.23088318, 0.085577323, 0.28803523, -0.24933143, 0.13170906, 0.34772551],
  dx: [-0.20251601, 0.1966711, -0.188536, 0.17820546, -0.077142588, 0.068914835, -0.05988459, 0.050157004, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.062212159, -0.044782534, 0.02683143, -0.0085678821, 0.085752035, -0.072131679, 0.05767137, -0.042539493],
  dKernel: [0.013934572, 0.00089209359, 0.025614854, -0.0021381247, 0.0071056479, 0.0044435932, -0.049019649, 0.063534813, 0.097364402, 0.0058243302, 0.0047019517, 0.025483143, -0.038913669, 0.022899383, -0.026715578, -0.01241528, 0.0078299911, -0.0069407378, 0.17108278, 0.23217472, -0.099202975, -0.002050064, 0.0072588881, -0.00032748523, -0.034753294, 0.011359022, -0.039907625, -0.0045040211, -0.0029166211, -0.0081568719, 0.14054853, 0.060678115, -0.15043776, -0.0069211094, -0.0008184638, -0.025658346, 0.020320739, -0.016822333, 0.0053650911, 0.010005639, -0.0093903769, 0.0025768302, -0.095889641, -0.19971208, 0.018719122, -0.0016527135, -0.0076967646, -0.013399671],
  dRecurrent: [-0.0021675798, 7.3966608e-05, -0.0047627356, -0.0011258906, -0.00085241064, -0.0021598061, 0.00771537, -0.013631719, -0.017090316, -0.0002583974, -0.00084600508, -0.0019505324, -2.4662598e-05, 0.00035192645, 0.0013215322, 7.6653729e-05, 0.00053594496, 0.00061513739, 0.00059789047, 0.0095359156, 0.0048985465, 8.5984075e-05, 0.00056556299, 0.0011365434, 0.0015620088, 0.00042033515, 0.0052880814, 0.00093203621, 0.0013503773, 0.0024194211, -0.0048717097, 0.022897173, 0.019186483, 0.00030617186, 0.0013856197, 0.0029688132],
  dBias: [0.042413295, 0.0134773, 0.0695673, 0.010235065, 0.014656688, 0.02639983, -0.12945713, 0.27014075, 0.23662182, 0.010377752, 0.0046409243, 0.020777318],
};

type Golden = typeof GOLDEN;
const [B, S, I, U] = [2, 3, 4, 3];
const weights = () => [wave(4 * 4 * U, 2), wave(U * 4 * U, 3), wave(4 * U, 4)];
const lstm = (args: ConstructorParameters<typeof LSTM>[1] = {}) =>
  new LSTM(U, { returnSequences: true, returnState: true, ...args });

function expectGolden(run: LayerRun, g: Golden): void {
  expectAll(run.y, g.y, 'y');
  expectAll(run.h, g.h, 'h');
  expectAll(run.c!, g.c, 'c');
  expectAll(run.dx, g.dx, 'dx');
  expectAll(run.dWeights[0]!, g.dKernel, 'dKernel');
  expectAll(run.dWeights[1]!, g.dRecurrent, 'dRecurrentKernel');
  expectAll(run.dWeights[2]!, g.dBias, 'dBias');
}

forEachBackend('LSTM', (backend) => {
  for (const path of ['fused', 'composed'] as const) {
    const b = path === 'fused' ? backend : unfused(backend);
    it(`matches PyTorch: outputs, states and all gradients (${path})`, () => {
      withBackend(b, () =>
        expectGolden(layerGradients(lstm(), wave(B * S * I, 1), [B, S, I], weights()), GOLDEN),
      );
    });
    it(`matches PyTorch with a mask and goBackwards (${path})`, () => {
      withBackend(b, () => {
        const mask = tensor(
          [
            [1, 1, 0],
            [0, 1, 1],
          ],
          undefined,
          'int32',
        );
        expectGolden(
          layerGradients(lstm({ goBackwards: true }), wave(B * S * I, 1), [B, S, I], weights(), { mask }),
          GOLDEN_MASKED_BACKWARDS,
        );
      });
    });
  }

  it('has Keras parameter counts, weight names and shapes', () => {
    on(backend, () => {
      clearSession();
      const model = new Sequential([
        new Embedding(500, 16, { inputLength: 100 }),
        new LSTM(8),
        new Dense(1, { activation: 'sigmoid' }),
      ]);
      expect(model.layers.map((l) => l.countParams())).toEqual([8000, 800, 9]);
      const text = model.summary({ print: false });
      expect(text).toMatch(/embedding \(Embedding\)\s+│ \(None, 100, 16\)\s+│\s+8,000 │/);
      expect(text).toMatch(/lstm \(LSTM\)\s+│ \(None, 8\)\s+│\s+800 │/);
      expect(text).toContain('Total params: 8,809');
      const layer = model.layers[1]!;
      expect(layer.weightEntries.map((w) => [w.name, w.variable.shape])).toEqual([
        ['kernel', [16, 32]],
        ['recurrent_kernel', [8, 32]],
        ['bias', [32]],
      ]);
      const stacked = new Sequential([
        new LSTM(8, { returnSequences: true, inputShape: [100, 16] }),
        new LSTM(8),
      ]);
      expect(stacked.summary({ print: false })).toMatch(/lstm_1 \(LSTM\)\s+│ \(None, 100, 8\)\s+│\s+800 │/);
    });
  });

  it('initialises the forget-gate bias to 1 (unit_forget_bias) and the rest with bias_initializer', () => {
    on(backend, () => {
      const withForget = new LSTM(2, { inputShape: [3, 4] });
      withForget.build([null, 3, 4]);
      expect(Array.from(withForget.weights[2]!.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
      const ones = new LSTM(2, { unitForgetBias: false, biasInitializer: 'ones' });
      ones.build([null, 3, 4]);
      expect(Array.from(ones.weights[2]!.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      const recurrent = Array.from(withForget.weights[1]!.dataSync());
      // Orthogonal recurrent kernel [2, 8]: its rows are orthonormal.
      const dot = (a: number, b: number) =>
        recurrent.slice(8 * a, 8 * a + 8).reduce((s, v, j) => s + v * recurrent[8 * b + j]!, 0);
      expect(dot(0, 0)).toBeCloseTo(1, 5);
      expect(dot(0, 1)).toBeCloseTo(0, 5);
    });
  });
});

describe('LSTM config', () => {
  it('has exactly the Keras 3 config keys and round-trips through fromConfig', () => {
    const layer = new LSTM(8, { dropout: 0.3, returnSequences: true, name: 'enc', seed: 3 });
    const config = layer.getConfig();
    expect(Object.keys(config).sort()).toEqual(
      [
        'name',
        'trainable',
        'dtype',
        'return_sequences',
        'return_state',
        'go_backwards',
        'stateful',
        'unroll',
        'zero_output_for_mask',
        'units',
        'activation',
        'recurrent_activation',
        'use_bias',
        'kernel_initializer',
        'recurrent_initializer',
        'bias_initializer',
        'unit_forget_bias',
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
        'dropout',
        'recurrent_dropout',
        'seed',
      ].sort(),
    );
    expect(config).toMatchObject({
      units: 8,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
      use_bias: true,
      unit_forget_bias: true,
      dropout: 0.3,
      recurrent_dropout: 0,
      return_sequences: true,
      stateful: false,
      unroll: false,
      seed: 3,
      kernel_initializer: initializers.serialize(new initializers.GlorotUniform()),
      recurrent_initializer: initializers.serialize(new initializers.Orthogonal()),
      bias_initializer: initializers.serialize(new initializers.Zeros()),
    });
    const copy = LSTM.fromConfig(JSON.parse(JSON.stringify(config)));
    expect(copy.getConfig()).toEqual(config);
  });

  it('rejects stateful and unsupported regularizers clearly', () => {
    expect(() => new LSTM(4, { stateful: true })).toThrow(/LSTM: stateful=true is not supported yet/);
    expect(() => LSTM.fromConfig({ units: 4, kernel_regularizer: { class_name: 'L2' } })).toThrow(
      /kernel_regularizer is not supported yet/,
    );
    expect(() => new LSTM(0)).toThrow(/units must be a positive integer/);
    expect(() => new LSTM(4, { dropout: 1.5 })).toThrow(/dropout must be in \[0, 1\]/);
  });
});
