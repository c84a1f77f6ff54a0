import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import { withBackend } from '../../backend/select.js';
import {
  Dense,
  Embedding,
  GRU,
  LSTM,
  liveStats,
  mean,
  RMSprop,
  Sequential,
  SimpleRNN,
  scope,
  setRandomSeed,
  tensor,
} from '../../index.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { expectAll, expectRunsClose, layerGradients, unfused, wave } from '../../test-utils/recurrent.js';
import type { RNN } from './rnn.js';

const KINDS: [
  string,
  (args: { returnSequences?: boolean; seed?: number; dropout?: number; recurrentDropout?: number }) => RNN,
][] = [
  ['LSTM', (a) => new LSTM(3, a)],
  ['GRU', (a) => new GRU(3, a)],
  ['GRU resetAfter=false', (a) => new GRU(3, { ...a, resetAfter: false })],
  ['SimpleRNN', (a) => new SimpleRNN(3, a)],
];

forEachBackend('recurrent layers', (backend) => {
  for (const [kind, make] of KINDS) {
    for (const path of ['fused', 'composed'] as const) {
      const b = path === 'fused' ? backend : unfused(backend);
      it(`${kind} skips padding masked by Embedding(maskZero), also through a stacked layer (${path})`, () => {
        withBackend(b, () => {
          setRandomSeed(1);
          const model = new Sequential([
            new Embedding(20, 4, { maskZero: true }),
            make({ returnSequences: true }),
            make({}),
          ]);
          const rows = model
            .predict(
              tensor(
                [
                  [0, 0, 5, 7, 9],
                  [3, 0, 8, 0, 0],
                ],
                undefined,
                'int32',
              ),
            )
            .toArray() as number[][];
          // Index 0 is padding wherever it is: the same result as the sequences without it.
          const run = (x: number[][]) =>
            model.layers.reduce((t, l) => l.apply(t), tensor(x, undefined, 'int32')).toArray() as number[][];
          expectAll(rows[0]!, run([[5, 7, 9]])[0]!, 'pre-padded row', 1e-6);
          expectAll(rows[1]!, run([[3, 8]])[0]!, 'row with gaps', 1e-6);
        });
      });
    }

    it(`${kind}: dropout is active only in training, and fused and composed paths draw the same masks`, () => {
      on(backend, () => {
        const x = wave(2 * 5 * 4, 1);
        const w = (layer: RNN) => {
          layer.build([null, 5, 4]);
          return layer.weights.map((v, i) => wave(v.size, 2 + i));
        };
        const args = { returnSequences: true, dropout: 0.4, recurrentDropout: 0.3, seed: 11 };
        const fusedLayer = make(args);
        const fused = layerGradients(fusedLayer, x, [2, 5, 4], w(fusedLayer), { training: true });
        const composedLayer = make(args);
        composedLayer.useFusedKernels = false;
        const composed = layerGradients(composedLayer, x, [2, 5, 4], w(composedLayer), { training: true });
        expectRunsClose(fused, composed, 1e-5);
        const plain = make({ returnSequences: true });
        const weights = w(plain);
        const inference = layerGradients(make(args), x, [2, 5, 4], weights, { training: false });
        const noDropout = layerGradients(plain, x, [2, 5, 4], weights, { training: false });
        expectRunsClose(inference, noDropout, 1e-7);
        expect(Math.max(...fused.y.map((v, i) => Math.abs(v - noDropout.y[i]!)))).toBeGreaterThan(1e-3);
      });
    });
  }

  it('keeps the final states in lastStates (returnState) and the last output equals h', () => {
    on(backend, () => {
      const lstm = new LSTM(4, { returnState: true });
      const [out, h, c] = lstm.apply(tensor(wave(2 * 6 * 3, 1), [2, 6, 3]));
      expect(lstm.lastStates!.map((s) => s.shape)).toEqual([
        [2, 4],
        [2, 4],
      ]);
      expect(lstm.lastStates).toEqual([h, c]);
      expect(out!.toArray()).toEqual(h!.toArray());
      expect(lstm.getConfig().return_state).toBe(true);
      const gru = new GRU(4, { returnSequences: true });
      expect(gru.apply(tensor(wave(2 * 6 * 3, 1), [2, 6, 3])).shape).toEqual([2, 6, 4]);
      expect(gru.lastStates!.length).toBe(1);
    });
  });

  it('zeroOutputForMask zeroes the masked outputs but keeps carrying the state', () => {
    on(backend, () => {
      setRandomSeed(2);
      const emb = new Embedding(10, 3, { maskZero: true });
      const rnn = new SimpleRNN(2, { returnSequences: true, zeroOutputForMask: true });
      const out = rnn.apply(emb.apply(tensor([[4, 0, 5]], undefined, 'int32'))).toArray() as number[][][];
      expect(out[0]![1]).toEqual([0, 0]);
      expect(out[0]![2]!.some((v) => v !== 0)).toBe(true);
    });
  });

  for (const path of ['fused', 'composed'] as const) {
    it(`backpropagates through a 300-step sequence without stack overflow (${path})`, () => {
      withBackend(path === 'fused' ? backend : unfused(backend), () =>
        scope(() => {
          const lstm = new LSTM(2);
          const x = tensor(wave(300 * 2, 1), [1, 300, 2]);
          lstm.build([null, 300, 2]);
          const { grads } = valueAndGrads(() => mean(lstm.apply(x)), lstm.weights);
          expect(grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite))).toBe(true);
          expect(Math.abs(grads[0]!.dataSync()[0]!)).toBeGreaterThan(0);
        }),
      );
    });
  }

  it('trains Embedding → LSTM → Dense with fit on int32 sequences, with flat live storage', async () => {
    await withBackendAsync(backend, async () => {
      setRandomSeed(3);
      // Label: does token 1 occur? Sequences are pre-padded with 0 (masked).
      const n = 64;
      const xs = new Int32Array(n * 8);
      const ys = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        for (let t = i % 3; t < 8; t++) xs[i * 8 + t] = 2 + ((i * 7 + t * 3) % 6);
        if (i % 2 === 0) xs[i * 8 + 7 - (i % 4)] = 1;
        ys[i] = i % 2 === 0 ? 1 : 0;
      }
      const model = new Sequential([
        new Embedding(8, 4, { maskZero: true, inputLength: 8 }),
        new LSTM(4, { dropout: 0.1 }),
        new Dense(1, { activation: 'sigmoid' }),
      ]);
      model.compile({
        optimizer: new RMSprop({ learningRate: 0.02 }),
        loss: 'binary_crossentropy',
        metrics: ['accuracy'],
      });
      const x = tensor(xs, [n, 8], 'int32');
      const y = tensor(ys, [n, 1]);
      await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      const before = liveStats.storages;
      const history = await model.fit(x, y, { epochs: 12, batchSize: 16, verbose: 0 });
      expect(liveStats.storages - before).toBeLessThanOrEqual(2);
      const losses = history.history.loss!;
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
      expect(model.predict(x).shape).toEqual([n, 1]);
    });
  });
});

describe('recurrent layer errors', () => {
  it('names the layer and the shapes', () => {
    const lstm = new LSTM(2, { name: 'enc' });
    expect(() => lstm.apply(tensor([[1, 2]]))).toThrow(
      /layer 'enc' \(LSTM\) \[-1,2\]: expected inputs of shape \[batch, time, features\]/,
    );
    lstm.apply(tensor(new Float32Array(6), [1, 2, 3]));
    expect(() => lstm.apply(tensor(new Float32Array(8), [1, 2, 4]))).toThrow(
      /layer 'enc' \(LSTM\) \[1,2,4\]: expected last dimension 3, got 4/,
    );
  });
});

/** withBackend for an async body: the backend stays selected until the promise settles. */
async function withBackendAsync(
  backend: Parameters<typeof withBackend>[0],
  fn: () => Promise<void>,
): Promise<void> {
  const { getBackend, setBackend } = await import('../../backend/select.js');
  const previous = getBackend();
  setBackend(backend);
  try {
    await fn();
  } finally {
    setBackend(previous);
  }
}
