import { describe, expect, it } from 'vitest';
import { withBackend } from '../../backend/select.js';
import { Sequential, SimpleRNN } from '../../index.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { expectAll, layerGradients, unfused, wave } from '../../test-utils/recurrent.js';

// golden: PyTorch 1.13 (CPU, float64) output of
//   import numpy as np, torch; torch.set_default_dtype(torch.float64)
//   def seq(n, seed): return np.float32(0.5 * np.sin(seed + 1.3 * np.arange(n))).astype(np.float64)  # = wave(n, seed)
//   def T(a, shape): return torch.tensor(a.reshape(shape), requires_grad=True)
//   B, S, I, U = 2, 3, 4, 3
//   # torch nn.RNN(tanh) with weight_ih = kernelᵀ, weight_hh = recurrent_kernelᵀ, bias_ih = bias, bias_hh = 0.
//   x = T(seq(24, 1), (B, S, I)); k = T(seq(12, 2), (I, U)); rk = T(seq(9, 3), (U, U)); b = T(seq(3, 4), (U,))
//   rnn = torch.nn.RNN(I, U, batch_first=True)
//   with torch.no_grad(): rnn.bias_hh_l0.zero_()
//   rnn.weight_ih_l0 = torch.nn.Parameter(k.T); rnn.weight_hh_l0 = torch.nn.Parameter(rk.T); rnn.bias_ih_l0 = torch.nn.Parameter(b)
//   y, h = rnn(x)
//   loss = (y * torch.tensor(seq(18, 5).reshape(B, S, U))).sum() + (h[0] * torch.tensor(seq(6, 6).reshape(B, U))).sum()
//   loss.backward()
//   golden = dict(y=y, h=h, dx=x.grad, dKernel=rnn.weight_ih_l0.grad.T, dRecurrent=rnn.weight_hh_l0.grad.T, dBias=rnn.bias_ih_l0.grad)
// biome-ignore format: golden values
const GOLDEN = {
  y: [-0.41263734, -0.33730603, 0.24583488, -0.72936556, -0.46109258, 0.57874142, -0.78924165, -0.4991203, 0.65050123, -0.27754323, -0.43826968, 0.033510242, -0.22729281, -0.40875817, -0.00091992406, -0.30521276, -0.36780282, 0.10838559],
  h: [-0.78924165, -0.4991203, 0.65050123, -0.30521276, -0.36780282, 0.10838559],
  dx: [-0.330278, 0.20593231, 0.031292175, -0.2513643, 0.12584719, -0.12446178, 0.054854464, 0.044820519, -0.20755953, 0.39674827, -0.36846524, 0.13821338, -0.13398087, -0.033863484, 0.18314607, -0.23203981, 0.20397225, -0.14719768, 0.009738847, 0.13305819, -0.41411807, 0.19597123, 0.12959439, -0.38412471],
  dKernel: [-0.20276595, -0.30688174, 0.21597407, -0.19705255, 0.20745049, 0.0070579199, 0.097343283, 0.41786728, -0.21219809, 0.24913099, 0.016107527, -0.12058341],
  dRecurrent: [0.041815591, -0.41714978, -0.17119863, 0.059562995, -0.18051413, -0.18479896, -0.010917844, 0.38981327, 0.093107592],
  dBias: [-0.77839663, 0.073203521, 0.79792658],
};

const [B, S, I, U] = [2, 3, 4, 3];

forEachBackend('SimpleRNN', (backend) => {
  for (const path of ['fused', 'composed'] as const) {
    it(`matches PyTorch's RNN: outputs and all gradients (${path})`, () => {
      withBackend(path === 'fused' ? backend : unfused(backend), () => {
        const layer = new SimpleRNN(U, { returnSequences: true, returnState: true });
        const run = layerGradients(
          layer,
          wave(B * S * I, 1),
          [B, S, I],
          [wave(I * U, 2), wave(U * U, 3), wave(U, 4)],
        );
        expectAll(run.y, GOLDEN.y, 'y');
        expectAll(run.h, GOLDEN.h, 'h');
        expectAll(run.dx, GOLDEN.dx, 'dx');
        expectAll(run.dWeights[0]!, GOLDEN.dKernel, 'dKernel');
        expectAll(run.dWeights[1]!, GOLDEN.dRecurrent, 'dRecurrentKernel');
        expectAll(run.dWeights[2]!, GOLDEN.dBias, 'dBias');
      });
    });
  }

  it('has Keras parameter counts and output shapes', () => {
    on(backend, () => {
      // Without returnSequences the first layer outputs [batch, 8]: no time axis for the next (Keras rejects it too).
      const stack = () => new Sequential([new SimpleRNN(8, { inputShape: [100, 16] }), new SimpleRNN(8)]);
      expect(stack).toThrow(/\(SimpleRNN\) \[-1,8\]: expected inputs of shape \[batch, time, features\]/);
      const seq = new Sequential([
        new SimpleRNN(8, { inputShape: [100, 16], returnSequences: true }),
        new SimpleRNN(4),
      ]);
      expect(seq.summary({ print: false })).toMatch(/\(SimpleRNN\)\s+│ \(None, 100, 8\)\s+│\s+200 │/);
      expect(seq.countParams()).toBe(200 + 4 * 8 + 16 + 4);
    });
  });
});

describe('SimpleRNN config', () => {
  it('has exactly the Keras 3 config keys and round-trips through fromConfig', () => {
    const config = new SimpleRNN(8, { activation: 'relu', useBias: false }).getConfig();
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
        'use_bias',
        'kernel_initializer',
        'recurrent_initializer',
        'bias_initializer',
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
    expect(config).toMatchObject({ activation: 'relu', use_bias: false });
    expect(SimpleRNN.fromConfig(JSON.parse(JSON.stringify(config))).getConfig()).toEqual(config);
  });
});
