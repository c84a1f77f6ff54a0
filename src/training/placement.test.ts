import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { valueAndGrads } from '../autograd/backward.js';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend } from '../backend/select.js';
import { backendSelectionCount } from '../engine/engine.js';
import {
  createTsBackend,
  Dense,
  Dropout,
  Embedding,
  LSTM,
  loadWeights,
  RMSprop,
  Sequential,
  SGD,
  setRandomSeed,
  sum,
  tensor,
} from '../index.js';
import { BACKENDS } from '../test-utils/backends.js';
import { modelBackend } from './placement.js';

const dir = mkdtempSync(join(tmpdir(), 'tensile-placement-'));
const selectedAtStart = getBackend();
afterEach(() => setBackend(selectedAtStart));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A selected backend that throws on any use: while it is selected, any tensor the engine makes or
 * computes on the selected backend (instead of its operands' or its weights') fails the test.
 */
const poison = new Proxy({ name: 'poison' } as Backend, {
  get(target, key) {
    if (key === 'name') return target.name;
    if (key === 'then') return undefined; // not a promise
    return () => {
      throw new Error(`the selected backend was used: ${String(key)}`);
    };
  },
});

function trainedModel(backend: Backend) {
  setBackend(backend);
  setRandomSeed(5);
  const model = new Sequential([
    new Embedding(12, 3, { inputShape: [4], maskZero: true }),
    new LSTM(4, { dropout: 0.2, recurrentDropout: 0.1 }),
    new Dropout(0.3),
    new Dense(2, { activation: 'softmax' }),
  ]);
  model.compile({
    optimizer: new RMSprop({ momentum: 0.5 }),
    loss: 'categorical_crossentropy',
    metrics: ['accuracy'],
  });
  const x = tensor(
    Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 12),
    [10, 4],
    'int32',
  );
  const y = tensor(
    Float32Array.from({ length: 20 }, (_, i) => (i % 2 === (i >> 2) % 2 ? 1 : 0)),
    [10, 2],
  );
  return { model, x, y };
}

describe('the selected backend is a user choice the engine never changes', () => {
  for (const backend of BACKENDS) {
    it(`fit, evaluate, predict, layerOutputs, save and loadWeights run on '${backend.name}' weights with a poisoned backend selected, never setting it`, async () => {
      const { model, x, y } = trainedModel(backend);
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
      const file = join(dir, `poison-${backend.name}.weights.h5`);
      setBackend(poison);
      const selections = backendSelectionCount();
      const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.2 });
      expect(history.history.loss!.every(Number.isFinite)).toBe(true);
      expect(model.evaluate(x, y).every(Number.isFinite)).toBe(true);
      expect(model.predict(x).backend).toBe(backend);
      expect(model.layerOutputs(x).map((o) => o.output.backend)).toEqual([
        backend,
        backend,
        backend,
        backend,
      ]);
      model.setWeights(model.getWeights());
      await model.saveWeights(file);
      await loadWeights(model, file);
      expect(model.weights.every((w) => w.backend === backend)).toBe(true);
      expect(backendSelectionCount()).toBe(selections);
      expect(getBackend()).toBe(poison);
    });
    it(`valueAndGrads on '${backend.name}' never sets the selected backend`, () => {
      const w = tensor([1, 2], undefined, 'float32', { backend });
      setBackend(poison);
      const selections = backendSelectionCount();
      const { grads } = valueAndGrads(() => sum(w), [w]);
      expect(grads[0]!.toArray()).toEqual([1, 1]);
      expect(backendSelectionCount()).toBe(selections);
    });
  }
});

describe('data from another backend', () => {
  for (const backend of BACKENDS) {
    it(`is copied to a model on '${backend.name}' once per fit, evaluate or predict call, never per batch`, async () => {
      let reads = 0;
      const base = createTsBackend({ name: 'counting' });
      const counting: Backend = {
        ...base,
        read: (x) => {
          reads++;
          return base.read(x);
        },
      };
      setBackend(backend);
      const model = new Sequential([new Dense(1, { inputShape: [2] })]);
      model.compile({ optimizer: new SGD(), loss: 'binary_crossentropy' });
      const on = { backend: counting };
      const x = tensor(
        Float32Array.from({ length: 40 }, (_, i) => Math.cos(i)),
        [20, 2],
        'float32',
        on,
      );
      const y = tensor(
        Float32Array.from({ length: 20 }, (_, i) => i % 2),
        [20, 1],
        'float32',
        on,
      );
      await model.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, validationData: [x, y] }); // 30 steps
      expect(reads).toBe(4); // x and y, and the validation x and y, once each
      reads = 0;
      model.evaluate(x, y, { batchSize: 2 });
      expect(reads).toBe(2);
      reads = 0;
      expect(model.predict(x, { batchSize: 2 }).backend).toBe(backend);
      expect(reads).toBe(1);
    });
  }
});

describe('modelBackend', () => {
  it('is where the weights were made, null for a model without weights', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const model = new Sequential([new Dense(2, { inputShape: [3] })]);
      setBackend(poison);
      expect(modelBackend(model)).toBe(backend);
      expect(modelBackend(new Sequential([new Dropout(0.5)]))).toBeNull();
    }
  });
  it('a layer added after setBackend gets its weights where the model already lives', async () => {
    const [a, b] = BACKENDS as [Backend, Backend];
    setBackend(a);
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    setBackend(b);
    model.add(new Dense(1));
    expect(model.weights.map((w) => w.backend)).toEqual([a, a, a, a]);
    model.compile({ optimizer: new SGD(), loss: 'mse' });
    const history = await model.fit(tensor([[1, 2, 3]]), tensor([[1]]), { verbose: 0 });
    expect(Number.isFinite(history.history.loss![0])).toBe(true);
  });
  it('names two weights and their backends when a model would be split across backends', () => {
    const [a, b] = BACKENDS as [Backend, Backend];
    setBackend(b);
    const second = new Dense(1, { name: 'second' });
    second.build([null, 2]); // built on its own, before joining a model on `a`
    setBackend(a);
    const model = new Sequential([new Dense(2, { inputShape: [3], name: 'first' })], { name: 'split' });
    expect(() => model.add(second)).toThrow(
      `model 'split': its weights live on different backends ('first/kernel' on '${a.name}', ` +
        `'second/kernel' on '${b.name}'); build all its layers with one backend selected`,
    );
    expect(model.layers.map((l) => l.name)).toEqual(['first']); // the refused layer was not kept
    expect(model.predict(tensor([[1, 2, 3]])).shape).toEqual([1, 2]);
  });
  it('calling a model on a tensor from another backend is an error naming the op, backends and shapes', () => {
    const [a, b] = BACKENDS as [Backend, Backend];
    setBackend(a);
    const model = new Sequential([new Dense(2, { inputShape: [3] })]);
    const x = tensor([[1, 2, 3]], undefined, 'float32', { backend: b });
    expect(() => model.call(x)).toThrow(
      `inputs live on different backends ('${b.name}' and '${a.name}'); shapes [1,3] on '${b.name}', [3,2] on '${a.name}'`,
    );
    expect(model.predict(x).toArray()).toEqual(model.call(tensor([[1, 2, 3]])).toArray()); // predict moves x
  });
});
