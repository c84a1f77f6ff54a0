import { describe, expect, it, vi } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { getBackend, setBackend, withBackend } from '../backend/select.js';
import { tsBackend } from '../backends/ts/index.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { expectClose, rand } from '../backends/wasm/test-utils/parity.js';
import { scope } from '../engine/engine.js';
import { Dense } from '../layers/dense.js';
import { Embedding } from '../layers/embedding.js';
import { LSTM } from '../layers/rnn/lstm.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { reshape } from '../ops/layout.js';
import { setRandomSeed } from '../random/global.js';
import { liveStats, Variable } from '../tensor/tensor.js';
import { withoutFastPaths } from '../test-utils/assert.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const wasm = createWasmBackend();
/** The same backend without the fast path: every step runs the composed tensor-op update. */
const wasmComposed = withoutFastPaths(wasm, 'optimizerStep');

const CONFIGS: [string, () => Optimizer][] = [
  ['sgd', () => new SGD({ learningRate: 0.05 })],
  ['sgd momentum', () => new SGD({ learningRate: 0.05, momentum: 0.9 })],
  ['sgd nesterov', () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true })],
  ['rmsprop', () => new RMSprop({ learningRate: 0.01 })],
  ['rmsprop momentum', () => new RMSprop({ learningRate: 0.01, momentum: 0.5 })],
  ['rmsprop centered', () => new RMSprop({ learningRate: 0.01, centered: true })],
  ['rmsprop momentum centered', () => new RMSprop({ learningRate: 0.01, momentum: 0.5, centered: true })],
  ['adam', () => new Adam({ learningRate: 0.01 })],
  ['adam amsgrad', () => new Adam({ learningRate: 0.01, amsgrad: true })],
];
/** Odd sizes (partial last vectors), a scalar-like bias, and one big enough for the thread pool. */
const SHAPES = [[37, 5], [3], [1], [300, 70]];
const STEPS = 20;

/** 20 steps with seeded gradients; returns every variable's and slot's final values. */
function train(backend: Backend, make: () => Optimizer): number[][] {
  return withBackend(backend, () => {
    const opt = make();
    const vars = SHAPES.map(
      (s, i) =>
        new Variable(
          tensor(
            rand(
              s.reduce((p, d) => p * d, 1),
              i + 1,
            ),
            s,
          ),
        ),
    );
    for (let step = 0; step < STEPS; step++) {
      scope(() => {
        const grads = vars.map((v, i) => tensor(rand(v.size, 100 * step + i, -2, 2), v.shape));
        opt.applyGradients(grads, vars);
      });
    }
    return [...vars, ...vars.flatMap((v) => opt.slotsOf(v)!)].map((v) => Array.from(v.dataSync()));
  });
}

describe('fused optimizer step (wasm optimizerStep) matches the composed update', () => {
  for (const [name, make] of CONFIGS) {
    it(`${name}: ${STEPS} steps, variables and slots, against composed wasm and composed ts`, () => {
      const spy = vi.spyOn(wasm, 'optimizerStep');
      const fused = train(wasm, make);
      expect(spy).toHaveBeenCalledTimes(STEPS); // one call per step, every step on the fast path
      spy.mockRestore();
      const references: [string, number[][]][] = [
        ['composed wasm', train(wasmComposed, make)],
        ['composed ts', train(tsBackend, make)],
      ];
      for (const [what, ref] of references) {
        expect(fused.length).toBe(ref.length);
        // Same f32 operations in the same order: the paths agree to 1e-6 (in practice bit for bit).
        fused.forEach((values, i) => {
          expectClose(values, ref[i]!, `${name} vs ${what}, tensor ${i}`, 1e-6, 0);
        });
      }
    });
  }

  it('falls back to the composed path with clipping or weight decay, and agrees with it', () => {
    for (const extra of [
      { clipnorm: 0.5 },
      { clipvalue: 0.1 },
      { weightDecay: 0.01 },
      { globalClipnorm: 1 },
    ]) {
      const make = () => new Adam({ learningRate: 0.01, ...extra });
      // Against the same backend without the fast path (the ts backend sums the norms in another order).
      const fused = train(wasm, make);
      const ref = train(wasmComposed, make);
      fused.forEach((values, i) => {
        expectClose(values, ref[i]!, `adam ${JSON.stringify(extra)} tensor ${i}`, 0, 0);
      });
    }
  });
});

describe('in-place updates never change a value someone else holds', () => {
  it('copies on write: reshape views, the source tensor, aliased gradients, assigned values', () => {
    withBackend(wasm, () => {
      const source = tensor([1, 2, 3, 4], [2, 2]);
      const w = new Variable(source); // shares source's storage
      const view = reshape(w, [4]);
      const opt = new SGD({ learningRate: 0.5, momentum: 0.9 });
      opt.applyGradients([tensor([1, 1, 1, 1], [2, 2])], [w]);
      expect(Array.from(source.dataSync())).toEqual([1, 2, 3, 4]);
      expect(Array.from(view.dataSync())).toEqual([1, 2, 3, 4]);
      expect(Array.from(w.dataSync())).toEqual([0.5, 1.5, 2.5, 3.5]);
      // The gradient is a view of the variable's storage: it must keep the old values.
      const g = reshape(reshape(w, [4]), [2, 2]);
      opt.applyGradients([g], [w]);
      expect(Array.from(g.dataSync())).toEqual([0.5, 1.5, 2.5, 3.5]);
      // m = 0.9·(-0.5) - 0.5·g; w += m.
      const expected = [0.5, 1.5, 2.5, 3.5].map((v) => Math.fround(v + (0.9 * -0.5 - 0.5 * v)));
      expectClose(Array.from(w.dataSync()), expected, 'aliased gradient', 1e-6, 1e-7);
      // A value given to assign keeps its values when the variable moves on.
      const value = tensor([9, 9, 9, 9], [2, 2]);
      w.assign(value);
      opt.applyGradients([tensor([1, 1, 1, 1], [2, 2])], [w]);
      expect(Array.from(value.dataSync())).toEqual([9, 9, 9, 9]);
    });
  });

  it('getWeights snapshots stay valid across training steps', async () => {
    const model = await trainedModel(wasm, new Adam({ learningRate: 0.01 }), 2);
    const snapshot = model.getWeights().map((t) => Array.from(t.dataSync()));
    const held = model.getWeights();
    await onBackend(wasm, () => {
      const x = tensor(rand(16 * 6, 5), [16, 6]);
      const y = tensor(rand(16 * 3, 6, 0, 1), [16, 3]);
      return model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    });
    held.forEach((t, i) => {
      expect(Array.from(t.dataSync())).toEqual(snapshot[i]);
    });
    expect(Array.from(model.getWeights()[0]!.dataSync())).not.toEqual(snapshot[0]);
  });
});

/** Runs an async `fn` with `backend` active throughout (withBackend restores at the first await). */
async function onBackend<T>(backend: Backend, fn: () => Promise<T>): Promise<T> {
  const previous = getBackend();
  setBackend(backend);
  try {
    return await fn();
  } finally {
    setBackend(previous);
  }
}

/**
 * A small MLP on `backend`, trained `steps` single-batch fits (batch 8, seeded data); each step's loss
 * is pushed to `losses`.
 */
async function trainedModel(backend: Backend, opt: Optimizer, steps: number, losses: number[] = []) {
  return onBackend(backend, async () => {
    setRandomSeed(11);
    const model = new Sequential([
      new Dense(32, { activation: 'relu', inputShape: [6] }),
      new Dense(16, { activation: 'tanh' }),
      new Dense(3, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: opt, loss: 'categorical_crossentropy' });
    for (let s = 0; s < steps; s++) {
      const x = tensor(rand(8 * 6, 10 + s), [8, 6]);
      const y = tensor(rand(8 * 3, 20 + s, 0, 1), [8, 3]);
      const h = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
      losses.push(h.history.loss![0]!);
    }
    return model;
  });
}

describe('training with the fused step', () => {
  for (const [name, make] of [CONFIGS[2]!, CONFIGS[6]!, CONFIGS[8]!]) {
    it(`${name}: an MLP's 20 step losses match the composed path to 1e-5`, async () => {
      const fused: number[] = [];
      const composed: number[] = [];
      await trainedModel(wasm, make(), 20, fused);
      await trainedModel(wasmComposed, make(), 20, composed);
      expect(fused.length).toBe(20);
      expectClose(fused, composed, `${name} losses`, 1e-5, 0);
    });
  }

  it('updates in place after the first step: no layer keeps views that force copies', async () => {
    const own = createWasmBackend();
    for (const layers of [
      () => [new Dense(16, { activation: 'relu', inputShape: [6] }), new Dense(3, { activation: 'softmax' })],
      () => [new Embedding(20, 6, { inputLength: 5 }), new LSTM(8), new Dense(3, { activation: 'softmax' })],
    ]) {
      await onBackend(own, async () => {
        const model = new Sequential(layers());
        const opt = new Adam();
        model.compile({ optimizer: opt, loss: 'categorical_crossentropy' });
        const isEmbedding = model.layers[0] instanceof Embedding;
        const x = isEmbedding
          ? tensor(Int32Array.from(rand(16 * 5, 1, 0, 20), Math.floor), [16, 5], 'int32')
          : tensor(rand(16 * 6, 1), [16, 6]);
        const y = tensor(rand(16 * 3, 2, 0, 1), [16, 3]);
        const fitOnce = () => model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
        await fitOnce(); // the first step may copy (initializer outputs still share storage)
        const state = () => model.trainableWeights.flatMap((v) => [v, ...opt.slotsOf(v)!]).map((v) => v.ref);
        const before = state();
        await fitOnce();
        // The same DataRef objects: updated in place, never copied or reassigned.
        state().forEach((ref, i) => {
          expect(ref).toBe(before[i]);
        });
      });
    }
  });

  it('keeps live storage and the wasm heap flat', async () => {
    // A private backend, so only this model's storages count; 'flat' is ≤ because garbage from
    // building the model (initializer outputs) may be collected in between.
    const own = createWasmBackend();
    const model = await trainedModel(own, new Adam({ amsgrad: true }), 2);
    const [x, y] = withBackend(own, () => [
      tensor(rand(64 * 6, 3), [64, 6]),
      tensor(rand(64 * 3, 4, 0, 1), [64, 3]),
    ]);
    const fitOnce = () => onBackend(own, () => model.fit(x!, y!, { epochs: 1, batchSize: 8, verbose: 0 }));
    await fitOnce();
    const before = { storages: liveStats.storages, tensors: liveStats.tensors, heap: own.heapBytes() };
    for (let i = 0; i < 10; i++) await fitOnce(); // 80 steps
    expect(own.heapBytes()).toBeLessThanOrEqual(before.heap);
    expect(liveStats.storages).toBeLessThanOrEqual(before.storages);
    expect(liveStats.tensors).toBeLessThanOrEqual(before.tensors);
  });
});
