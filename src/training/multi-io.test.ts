import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/select.js';
import { tsBackend } from '../backends/ts/index.js';
import { wasmBackend } from '../backends/wasm/index.js';
import {
  add,
  Concatenate,
  Dense,
  Input,
  Loss,
  Model,
  mul,
  SGD,
  setRandomSeed,
  sub,
  type Tensor,
  tensor,
  valueAndGrads,
} from '../index.js';

const values = (t: Tensor) => Array.from(t.dataSync());

/** Two inputs (a: 3 features, b: 2) → shared trunk → 'score' (regression) and 'kind' (3 classes). */
function twoByTwo() {
  const a = Input({ shape: [3], name: 'a' });
  const b = Input({ shape: [2], name: 'b' });
  const layers = {
    trunk: new Dense(4, { activation: 'tanh' }),
    concat: new Concatenate(),
    score: new Dense(1, { name: 'score' }),
    kind: new Dense(3, { activation: 'softmax', name: 'kind' }),
  };
  const h = layers.concat.apply([layers.trunk.apply(a), b]);
  const model = new Model({ inputs: [a, b], outputs: [layers.score.apply(h), layers.kind.apply(h)] });
  return { model, layers };
}

function data() {
  const n = 6;
  const xa = tensor(
    Array.from({ length: n * 3 }, (_, i) => Math.sin(i)),
    [n, 3],
  );
  const xb = tensor(
    Array.from({ length: n * 2 }, (_, i) => Math.cos(i)),
    [n, 2],
  );
  const score = tensor(
    Array.from({ length: n }, (_, i) => i / n - 0.5),
    [n, 1],
  );
  const kind = tensor([0, 1, 2, 1, 0, 2], [n]);
  return { xa, xb, score, kind };
}

describe('fit with several inputs and outputs', () => {
  it('matches a hand-composed training loop: weighted loss sum, per-output logs, SGD steps', async () => {
    setRandomSeed(21);
    const { model, layers } = twoByTwo();
    const initial = model.getWeights();
    const { xa, xb, score, kind } = data();
    const lr = 0.1;
    const lossWeights = [0.5, 2];
    model.compile({
      optimizer: new SGD({ learningRate: lr }),
      loss: { kind: 'sparse_categorical_crossentropy', score: 'mse' },
      lossWeights,
      metrics: { kind: ['accuracy'] },
    });
    const history = await model.fit({ a: xa, b: xb }, [score, kind], {
      epochs: 2,
      batchSize: 4,
      shuffle: false,
      verbose: 0,
    });
    expect(Object.keys(history.history)).toEqual(['loss', 'score_loss', 'kind_loss', 'kind_accuracy']);

    // The same steps written out by hand on the same layers, from the same starting weights.
    model.setWeights(initial.map((t) => tensor(t.dataSync(), t.shape)));
    const vars = model.trainableWeights;
    const run = (xa: Tensor, xb: Tensor) => {
      const h = layers.concat.apply([layers.trunk.apply(xa), xb]);
      return [layers.score.apply(h), layers.kind.apply(h)] as const;
    };
    const take = (t: Tensor, s: number, e: number) =>
      tensor(t.dataSync().slice((s * t.size) / t.shape[0]!, (e * t.size) / t.shape[0]!), [
        e - s,
        ...t.shape.slice(1),
      ]);
    for (let epoch = 0; epoch < 2; epoch++) {
      let [total, scoreTotal, kindTotal] = [0, 0, 0];
      for (const [s, e] of [
        [0, 4],
        [4, 6],
      ] as const) {
        let parts: number[] = [];
        const { value, grads } = valueAndGrads(() => {
          const [ps, pk] = run(take(xa, s, e), take(xb, s, e));
          const ls = Loss.get('mse').call(take(score, s, e), ps);
          const lk = Loss.get('sparse_categorical_crossentropy').call(take(kind, s, e), pk);
          parts = [ls.item(), lk.item()];
          return add(mul(ls, lossWeights[0]!), mul(lk, lossWeights[1]!));
        }, vars);
        for (const [i, v] of vars.entries()) v.assign(sub(v, mul(grads[i]!, lr)));
        total += value.item() * (e - s);
        scoreTotal += parts[0]! * (e - s);
        kindTotal += parts[1]! * (e - s);
      }
      expect(history.history.loss![epoch]).toBeCloseTo(total / 6, 5);
      expect(history.history.score_loss![epoch]).toBeCloseTo(scoreTotal / 6, 5);
      expect(history.history.kind_loss![epoch]).toBeCloseTo(kindTotal / 6, 5);
    }
    const byHand = model.getWeights();
    model.setWeights(initial);
    await model.fit([xa, xb], { score, kind }, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(values(byHand[0]!)).not.toEqual(values(initial[0]!)); // the steps did move the weights
    for (const [i, w] of model.getWeights().entries()) {
      for (const [k, v] of values(w).entries()) expect(v).toBeCloseTo(values(byHand[i]!)[k]!, 6);
    }
  });

  it('evaluates and predicts per output, with validation data given as maps', async () => {
    setRandomSeed(4);
    const { model } = twoByTwo();
    const { xa, xb, score, kind } = data();
    model.compile({
      optimizer: 'adam',
      loss: ['mse', 'sparse_categorical_crossentropy'],
      metrics: [[], ['accuracy']],
    });
    const history = await model.fit([xa, xb], [score, kind], {
      epochs: 1,
      verbose: 0,
      validationData: [
        { a: xa, b: xb },
        { score, kind },
      ],
    });
    const logs = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[0]!]));
    const evaluated = model.evaluate([xa, xb], [score, kind]);
    expect(evaluated).toEqual([
      logs.val_loss,
      logs.val_score_loss,
      logs.val_kind_loss,
      logs.val_kind_accuracy,
    ]);
    // Without loss weights the total is the plain sum.
    expect(evaluated[0]).toBeCloseTo(evaluated[1]! + evaluated[2]!, 6);
    const [ps, pk] = model.predict([xa, xb], { batchSize: 4 }) as Tensor[];
    expect(ps!.shape).toEqual([6, 1]);
    expect(pk!.shape).toEqual([6, 3]);
    const direct = model.callAll([xa, xb]);
    expect(values(pk!)).toEqual(values(direct[1]!));
  });

  it('explains bad per-output settings and data by name', async () => {
    const { model } = twoByTwo();
    const { xa, xb, score, kind } = data();
    expect(() => model.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(
      'compile: loss has 1 entries but the model has 2 outputs (score, kind)',
    );
    expect(() => model.compile({ optimizer: 'sgd', loss: { score: 'mse', kinds: 'mse' } })).toThrow(
      "compile: loss names no output 'kinds'; the outputs are score, kind",
    );
    expect(() => model.compile({ optimizer: 'sgd', loss: { score: 'mse' } })).toThrow(
      "compile: loss has no entry for output 'kind'",
    );
    model.compile({ optimizer: 'sgd', loss: ['mse', 'sparse_categorical_crossentropy'] });
    await expect(model.fit([xa, xb], [score], { verbose: 0 })).rejects.toThrow(
      'fit: y has 1 tensors but the model has 2 outputs (score, kind)',
    );
    await expect(model.fit([xa, xb], [score, tensor([0, 1, 5, 1, 0, 2])], { verbose: 0 })).rejects.toThrow(
      "fit (output 'kind'): label 5 at sample 2 is out of range for 3 classes",
    );
    await expect(
      model.fit([xa, tensor(new Float32Array(10), [5, 2])], [score, kind], { verbose: 0 }),
    ).rejects.toThrow("fit (input 'b') [5,2] · [6,1]: x has 5 samples but y has 6");
  });

  it('splits validation data off every input and output', async () => {
    setRandomSeed(8);
    const { model } = twoByTwo();
    const { xa, xb, score, kind } = data();
    model.compile({ optimizer: 'sgd', loss: ['mse', 'sparse_categorical_crossentropy'] });
    const history = await model.fit([xa, xb], [score, kind], { validationSplit: 0.5, verbose: 0, epochs: 1 });
    expect(Object.keys(history.history)).toEqual([
      'loss',
      'score_loss',
      'kind_loss',
      'val_loss',
      'val_score_loss',
      'val_kind_loss',
    ]);
  });
});

describe('a two-input, two-output Functional model trains alike on ts and wasm', () => {
  async function train(backend: Backend): Promise<Record<string, number[]>> {
    const previous = getBackend();
    setBackend(backend);
    try {
      setRandomSeed(17);
      const { model } = twoByTwo();
      const { xa, xb, score, kind } = data();
      model.compile({
        optimizer: 'adam',
        loss: ['mse', 'sparse_categorical_crossentropy'],
        lossWeights: [1, 0.3],
      });
      return (await model.fit([xa, xb], [score, kind], { epochs: 3, batchSize: 2, verbose: 0 })).history;
    } finally {
      setBackend(previous);
    }
  }

  it('gives the same per-output losses', async () => {
    const [ref, got] = [await train(tsBackend), await train(wasmBackend)];
    expect(Object.keys(got)).toEqual(['loss', 'score_loss', 'kind_loss']);
    for (const key of Object.keys(ref)) {
      for (const [i, l] of ref[key]!.entries())
        expect(Math.abs(got[key]![i]! - l) / Math.abs(l), `${key} epoch ${i + 1}`).toBeLessThan(1e-4);
    }
  });
});
