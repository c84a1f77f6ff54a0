import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { Adam, getOptimizer, RMSprop, SGD, type Tensor, tensor, Variable } from '../index.js';
import { BACKENDS, on } from '../test-utils/backends.js';
import type { Optimizer } from './optimizer.js';

/** Applies `steps` updates with the given gradients to w0 and returns the final weights. */
function run(opt: Optimizer, w0: number[], grads: number[][]): number[] {
  const w = new Variable(tensor(w0));
  for (const g of grads) opt.applyGradients([tensor(g)], [w]);
  return Array.from(w.dataSync());
}

const close = (got: number[], want: number[]) => {
  got.forEach((v, i) => {
    expect(v).toBeCloseTo(want[i]!, 6);
  });
};

// Hand-computed from Keras 3's update rules (keras/src/optimizers/{sgd,rmsprop,adam}.py):
// w0 = [1, -2], g1 = [0.5, -1], g2 = [0.1, 0.2].
describe('optimizers follow Keras update formulas', () => {
  const w0 = [1, -2];
  const g = [
    [0.5, -1],
    [0.1, 0.2],
  ];

  it('SGD without momentum: w -= lr·g', () => {
    close(run(new SGD({ learningRate: 0.1 }), w0, g), [1 - 0.05 - 0.01, -2 + 0.1 - 0.02]);
  });

  it('SGD momentum and nesterov', () => {
    // m1 = -lr·g1; m2 = 0.9·m1 - lr·g2. Plain: w += m each step. Nesterov: w += 0.9·m - lr·g.
    const lr = 0.1;
    const m1 = g[0]!.map((v) => -lr * v);
    const m2 = m1.map((m, i) => 0.9 * m - lr * g[1]![i]!);
    close(
      run(new SGD({ learningRate: lr, momentum: 0.9 }), w0, g),
      w0.map((w, i) => w + m1[i]! + m2[i]!),
    );
    const nest = w0.map((w, i) => w + (0.9 * m1[i]! - lr * g[0]![i]!) + (0.9 * m2[i]! - lr * g[1]![i]!));
    close(run(new SGD({ learningRate: lr, momentum: 0.9, nesterov: true }), w0, g), nest);
  });

  it('RMSprop (epsilon inside the square root), plain, momentum and centered', () => {
    const lr = 0.01;
    const eps = 1e-7;
    let v = [0, 0];
    let w = [...w0];
    for (const gs of g) {
      v = v.map((vi, i) => 0.9 * vi + 0.1 * gs[i]! ** 2);
      w = w.map((wi, i) => wi - (lr * gs[i]!) / Math.sqrt(v[i]! + eps));
    }
    close(run(new RMSprop({ learningRate: lr }), w0, g), w);

    let mom = [0, 0];
    let a = [0, 0];
    v = [0, 0];
    w = [...w0];
    for (const gs of g) {
      v = v.map((vi, i) => 0.9 * vi + 0.1 * gs[i]! ** 2);
      a = a.map((ai, i) => 0.9 * ai + 0.1 * gs[i]!);
      const inc = gs.map((gi, i) => (lr * gi) / Math.sqrt(v[i]! - a[i]! ** 2 + eps));
      mom = mom.map((m, i) => 0.5 * m + inc[i]!);
      w = w.map((wi, i) => wi - mom[i]!);
    }
    close(run(new RMSprop({ learningRate: lr, momentum: 0.5, centered: true }), w0, g), w);
  });

  it('Adam and AMSGrad with bias correction folded into alpha', () => {
    for (const amsgrad of [false, true]) {
      const lr = 0.01;
      let m = [0, 0];
      let v = [0, 0];
      let vh = [0, 0];
      let w = [...w0];
      g.forEach((gs, step) => {
        const t = step + 1;
        const alpha = (lr * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
        m = m.map((mi, i) => mi + (gs[i]! - mi) * 0.1);
        v = v.map((vi, i) => vi + (gs[i]! ** 2 - vi) * 0.001);
        vh = vh.map((h, i) => Math.max(h, v[i]!));
        const denom = amsgrad ? vh : v;
        w = w.map((wi, i) => wi - (m[i]! * alpha) / (Math.sqrt(denom[i]!) + 1e-7));
      });
      close(run(new Adam({ learningRate: lr, amsgrad }), w0, g), w);
    }
  });

  it('clips by value and by norm', () => {
    close(run(new SGD({ learningRate: 1, clipvalue: 0.25 }), w0, [g[0]!]), [0.75, -1.75]);
    const norm = Math.hypot(0.5, -1);
    close(run(new SGD({ learningRate: 1, clipnorm: 0.5 }), w0, [g[0]!]), [
      1 - (0.5 * 0.5) / norm,
      -2 + (1 * 0.5) / norm,
    ]);
  });

  it('resolves Keras names with Keras defaults and rejects unknown ones', () => {
    expect(getOptimizer('sgd').learningRate).toBe(0.01);
    expect(getOptimizer('RMSprop').learningRate).toBe(0.001);
    const adam = getOptimizer('adam') as Adam;
    expect([adam.beta1, adam.beta2, adam.epsilon]).toEqual([0.9, 0.999, 1e-7]);
    expect(() => getOptimizer('adagrad')).toThrow(/unknown optimizer 'adagrad'/);
  });
});

describe('optimizer state lives where its variables live', () => {
  const optimizers: [string, () => Optimizer][] = [
    ['SGD momentum (fused where the backend has it)', () => new SGD({ momentum: 0.9 })],
    ['Adam amsgrad (fused where the backend has it)', () => new Adam({ amsgrad: true })],
    [
      'RMSprop centered, clipvalue (composed)',
      () => new RMSprop({ centered: true, momentum: 0.5, clipvalue: 0.3 }),
    ],
  ];
  /** Two steps on a variable made on `home`, with `selected` as the selected backend throughout. */
  const steps = (make: () => Optimizer, home: Backend, selected: Backend) => {
    const w = new Variable(tensor([1, -2, 3], undefined, 'float32', { backend: home }), { name: 'w' });
    const opt = make();
    on(selected, () => {
      for (const g of [
        [0.5, -1, 0.25],
        [0.1, 0.2, -0.3],
      ])
        opt.applyGradients([tensor(g, undefined, 'float32', { backend: home })], [w]);
    });
    return { w, slots: opt.slotsOf(w)! };
  };
  for (const home of BACKENDS) {
    const other = BACKENDS.find((b) => b !== home)!;
    for (const [name, make] of optimizers) {
      it(`${name}: slots on '${home.name}' while '${other.name}' is selected, same values`, () => {
        const { w, slots } = steps(make, home, other);
        const stay = steps(make, home, home);
        expect(slots.length).toBeGreaterThan(0);
        for (const t of [w, ...slots]) expect(t.backend).toBe(home);
        expect(Array.from(w.dataSync())).toEqual(Array.from(stay.w.dataSync()));
        const values = (ts: readonly Tensor[]) => ts.map((t) => Array.from(t.dataSync()));
        expect(values(slots)).toEqual(values(stay.slots));
      });
    }
  }
});
