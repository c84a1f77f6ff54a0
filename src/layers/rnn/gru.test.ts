import { describe, expect, it } from 'vitest';
import { withBackend } from '../../backend/select.js';
import { GRU, Sequential } from '../../index.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { expectAll, type LayerRun, layerGradients, unfused, wave } from '../../test-utils/recurrent.js';

// golden: PyTorch 1.13 (CPU, float64) output of
//   import numpy as np, torch; torch.set_default_dtype(torch.float64)
//   def seq(n, seed): return np.float32(0.5 * np.sin(seed + 1.3 * np.arange(n))).astype(np.float64)  # = wave(n, seed)
//   def T(a, shape): return torch.tensor(a.reshape(shape), requires_grad=True)
//   B, S, I, U = 2, 3, 4, 3
//   def keras_to_torch(m): return torch.cat([m[..., U:2*U], m[..., :U], m[..., 2*U:]], -1)  # [z|r|h] -> [r|z|n]
//   torch_to_keras = keras_to_torch  # the same swap of the first two blocks
//   # reset_after=True: torch.nn.GRU is Keras' GRU(reset_after=True), n = tanh(W_in x + b_in + r*(W_hn h + b_hn)).
//   x = T(seq(24, 1), (B, S, I)); k = T(seq(36, 2), (I, 3*U)); rk = T(seq(27, 3), (U, 3*U)); b = T(seq(18, 4), (2, 3*U))
//   gru = torch.nn.GRU(I, U, batch_first=True)
//   gru.weight_ih_l0 = torch.nn.Parameter(keras_to_torch(k).T.detach().clone())
//   gru.weight_hh_l0 = torch.nn.Parameter(keras_to_torch(rk).T.detach().clone())
//   gru.bias_ih_l0 = torch.nn.Parameter(keras_to_torch(b[0]).detach().clone())
//   gru.bias_hh_l0 = torch.nn.Parameter(keras_to_torch(b[1]).detach().clone())
//   y, h = gru(x)
//   loss = (y * torch.tensor(seq(18, 5).reshape(B, S, U))).sum() + (h[0] * torch.tensor(seq(6, 6).reshape(B, U))).sum()
//   loss.backward()
//   golden = dict(y=y, h=h, dx=x.grad, dKernel=torch_to_keras(gru.weight_ih_l0.grad.T),
//     dRecurrent=torch_to_keras(gru.weight_hh_l0.grad.T),
//     dBias=torch.stack([torch_to_keras(gru.bias_ih_l0.grad), torch_to_keras(gru.bias_hh_l0.grad)]))
// biome-ignore format: golden values
const GOLDEN = {
  y: [-0.35753693, -0.29191173, 0.38845016, -0.33105112, -0.15884281, 0.31842648, -0.17193209, 0.18621265, 0.30120692, -0.29798684, 0.41661151, 0.21756086, -0.52466504, 0.26650023, 0.47083383, -0.61734162, -0.16910481, 0.57352161],
  h: [-0.17193209, 0.18621265, 0.30120692, -0.61734162, -0.16910481, 0.57352161],
  dx: [0.0029970933, -0.10613947, -0.14046815, -0.075793853, -0.0011074177, 0.10062931, 0.13144176, 0.069613097, -0.21517073, -0.28272096, -0.15100738, 0.087137302, 0.1065918, 0.00074641201, -0.10562504, -0.1375512, -0.038554936, 0.055784836, 0.11080704, 0.087731638, 0.064084174, -0.075742819, -0.16218571, -0.13431893],
  dKernel: [-0.029024981, 0.031929391, -0.023743392, -0.0022545535, 0.0078080809, 0.0036093674, 0.0018040406, -0.17960774, 0.052114913, -0.028850522, -0.031296888, -0.037586044, -0.0038399551, -0.0021063801, 0.0063408443, 0.069520806, 0.069826234, 0.043678861, 0.013590018, -0.048673157, 0.0036349463, 0.00020018672, -0.0089349894, -0.00021703044, 0.035389424, 0.21696461, -0.028746816, 0.036121152, 0.0052568636, 0.039530733, 0.0039470542, -0.0026738184, -0.0064569555, -0.050587544, 0.046249326, -0.059058346],
  dRecurrent: [0.0059458622, 0.056242049, -0.0027397785, 0.0012659442, 0.0012929591, -0.00015051901, -0.0061787738, -0.026052901, -0.033020793, 0.0058941279, 0.016529143, 0.014761068, -0.00042868717, 0.0030407749, -0.0014675451, -0.0096821613, -0.04011926, 0.015390109, -0.0069897863, -0.053427786, -7.1686269e-05, -0.0010846568, -0.0012776108, 0.00021308097, 0.0067293904, 0.025675842, 0.028341036],
  dBias: [-0.10619401, -0.1043522, -0.040763622, 0.021836853, -0.0019702622, 0.019148197, -0.18918405, 0.14491919, 0.32299596, -0.10619401, -0.1043522, -0.040763622, 0.021836853, -0.0019702622, 0.019148197, -0.14364799, 0.035457699, 0.14004506],
};

// golden: reset_after=False (torch has no such GRU), Keras' cell written out in torch, gradients by autograd:
//   x = T(seq(24, 1), (B, S, I)); k = T(seq(36, 2), (I, 3*U)); rk = T(seq(27, 3), (U, 3*U)); b = T(seq(9, 4), (3*U,))
//   hs = []; h = torch.zeros(B, U)
//   for t in range(S):
//       mx = x[:, t] @ k + b; mh = h @ rk[:, :2*U]
//       z = torch.sigmoid(mx[:, :U] + mh[:, :U]); r = torch.sigmoid(mx[:, U:2*U] + mh[:, U:])
//       hh = torch.tanh(mx[:, 2*U:] + (r * h) @ rk[:, 2*U:])
//       h = z * h + (1 - z) * hh; hs.append(h)
//   y = torch.stack(hs, 1)
//   loss = (y * torch.tensor(seq(18, 5).reshape(B, S, U))).sum() + (h * torch.tensor(seq(6, 6).reshape(B, U))).sum()
//   loss.backward()
//   golden = dict(y=y, h=h, dx=x.grad, dKernel=k.grad, dRecurrent=rk.grad, dBias=b.grad)
// biome-ignore format: golden values
const GOLDEN_RESET_BEFORE = {
  y: [-0.26931278, -0.18323159, 0.26965376, -0.18242362, -0.087285684, 0.18746764, 0.020926682, 0.19596171, 0.17564653, -0.062687544, 0.37634474, 0.15639861, -0.32690942, 0.34946967, 0.38056708, -0.45594547, -0.022967162, 0.46511423],
  h: [0.020926682, 0.19596171, 0.17564653, -0.45594547, -0.022967162, 0.46511423],
  dx: [-0.0045026755, -0.12740016, -0.16050507, -0.080484839, -0.041505105, 0.060929632, 0.12042072, 0.0950384, -0.16695808, -0.24944433, -0.15612039, 0.047238339, 0.10442719, -0.0039089311, -0.10949, -0.13790172, -0.03482097, 0.074418012, 0.13120663, 0.095519857, 0.06218846, -0.095420385, -0.18577624, -0.14519564],
  dKernel: [-0.034461465, 0.027585913, -0.019303885, -0.0066596904, 0.0013130542, 0.0016539508, -0.009336218, -0.14605433, 0.074272004, -0.037936173, -0.036591763, -0.035091734, 0.0034687423, 0.0031945943, 0.00018983392, 0.068055255, 0.092181736, 0.065161404, 0.0141657, -0.047162424, 0.00052988898, 0.0085154591, 0.00039604656, -0.0015523904, 0.045745615, 0.19537134, -0.039410796, 0.045514791, 0.011359977, 0.035375224, 0.0010870085, -0.0029827103, -0.0010203591, -0.043581453, 0.012341476, -0.086246093],
  dRecurrent: [0.012957288, 0.034144906, 0.0039305229, 0.0020558797, -0.0033157817, 0.0023932935, 0.0039525833, -0.018846176, -0.035569799, 0.002232599, 0.0045063275, 0.011730237, -0.0057100451, 0.0001152806, -0.00098585888, -0.017202379, -0.035625582, 0.02611419, -0.011745845, -0.036103644, -0.00087700338, -0.0026335005, 0.0033223822, -0.0025398345, -0.001487581, 0.010290424, 0.029211957],
  dBias: [-0.075125458, -0.09960254, -0.027279834, -0.0035363743, 0.0087539419, -0.0090996741, -0.25718416, 0.17274621, 0.3641329],
};

const [B, S, I, U] = [2, 3, 4, 3];

function expectGolden(run: LayerRun, g: typeof GOLDEN | typeof GOLDEN_RESET_BEFORE): void {
  expectAll(run.y, g.y, 'y');
  expectAll(run.h, g.h, 'h');
  expectAll(run.dx, g.dx, 'dx');
  expectAll(run.dWeights[0]!, g.dKernel, 'dKernel');
  expectAll(run.dWeights[1]!, g.dRecurrent, 'dRecurrentKernel');
  expectAll(run.dWeights[2]!, g.dBias, 'dBias');
}

forEachBackend('GRU', (backend) => {
  for (const path of ['fused', 'composed'] as const) {
    const b = path === 'fused' ? backend : unfused(backend);
    it(`resetAfter=true matches PyTorch's GRU: outputs and all gradients (${path})`, () => {
      withBackend(b, () => {
        const layer = new GRU(U, { returnSequences: true, returnState: true });
        expectGolden(
          layerGradients(
            layer,
            wave(B * S * I, 1),
            [B, S, I],
            [wave(I * 3 * U, 2), wave(U * 3 * U, 3), wave(2 * 3 * U, 4)],
          ),
          GOLDEN,
        );
      });
    });
    it(`resetAfter=false matches Keras' cell written in torch (${path})`, () => {
      withBackend(b, () => {
        const layer = new GRU(U, { returnSequences: true, returnState: true, resetAfter: false });
        const w = [wave(I * 3 * U, 2), wave(U * 3 * U, 3), wave(3 * U, 4)];
        expectGolden(layerGradients(layer, wave(B * S * I, 1), [B, S, I], w), GOLDEN_RESET_BEFORE);
      });
    });
  }

  it('has Keras parameter counts and bias layouts for both reset conventions', () => {
    on(backend, () => {
      const after = new Sequential([new GRU(8, { inputShape: [100, 16] })]);
      const before = new Sequential([new GRU(8, { inputShape: [100, 16], resetAfter: false })]);
      expect([after.countParams(), before.countParams()]).toEqual([624, 600]);
      expect(after.layers[0]!.weightEntries.map((w) => [w.name, w.variable.shape])).toEqual([
        ['kernel', [16, 24]],
        ['recurrent_kernel', [8, 24]],
        ['bias', [2, 24]],
      ]);
      expect(before.layers[0]!.weights[2]!.shape).toEqual([24]);
      expect(after.summary({ print: false })).toMatch(/\(GRU\)\s+│ \(None, 8\)\s+│\s+624 │/);
    });
  });
});

describe('GRU config', () => {
  it('has exactly the Keras 3 config keys and round-trips through fromConfig', () => {
    const layer = new GRU(8, { resetAfter: false, goBackwards: true, recurrentDropout: 0.25 });
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
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
        'dropout',
        'recurrent_dropout',
        'reset_after',
        'seed',
      ].sort(),
    );
    expect(config).toMatchObject({
      units: 8,
      reset_after: false,
      go_backwards: true,
      recurrent_dropout: 0.25,
      seed: null,
    });
    expect(GRU.fromConfig(JSON.parse(JSON.stringify(config))).getConfig()).toEqual(config);
    expect(GRU.fromConfig({ units: 2 }).getConfig()).toMatchObject({
      reset_after: true,
      activation: 'tanh',
      recurrent_activation: 'sigmoid',
    });
  });
});
