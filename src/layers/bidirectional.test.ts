import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../io/index.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/core.js';
import { RMSprop } from '../optimizers/index.js';
import { setRandomSeed } from '../random/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { expectClose } from '../test-utils/assert.js';
import { forEachBackend, on } from '../test-utils/backends.js';
import { checkGradients } from '../test-utils/gradcheck.js';
import { Bidirectional, type MergeMode } from './bidirectional.js';
import { Dense } from './dense.js';
import { Embedding } from './embedding.js';
import { clearSession } from './layer.js';
import { GRU } from './rnn/gru.js';
import { LSTM } from './rnn/lstm.js';
import { SimpleRNN } from './rnn/simple-rnn.js';

// golden: NumPy output of
//   x = np.sin(np.arange(1 * 4 * 3)).reshape(1, 4, 3)                   # [batch, time, features]
//   def weights(seed):                                                    # SimpleRNN(2): kernel [3,2], recurrent [2,2], bias [2]
//       return (np.cos(np.arange(6) + seed).reshape(3, 2) * 0.5, np.sin(np.arange(4) + seed).reshape(2, 2) * 0.5, np.array([0.1, -0.1]) * seed)
//   def rnn(xs, k, r, b):
//       h, out = np.zeros(2), []
//       for t in range(xs.shape[0]):
//           h = np.tanh(xs[t] @ k + h @ r + b); out.append(h)
//       return np.array(out)
//   f = rnn(x[0], *weights(1)); b = rnn(x[0][::-1], *weights(2))[::-1]   # backward run, flipped back to time order
//   print('concat_seq', np.concatenate([f, b], -1).round(6).flatten().tolist())
//   print('ave_last', ((f[-1] + b[0]) / 2).round(6).tolist())          # last outputs: forward at t=3, backward after t=0
// biome-ignore format: golden values
const GOLDEN = {
  concat_seq: [-0.18539, 0.061452, 0.569836, 0.555083, 0.294119, -0.421841, -0.003015, -0.758774, -0.06629, 0.471302, 0.602458, 0.619798, 0.331184, -0.60215, -0.185848, -0.695279],
  ave_last: [0.45051, -0.023534],
};

const ramp = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const X = () => tensor(ramp(12, Math.sin), [1, 4, 3]);

/** Sets the golden SimpleRNN weights (forward seed 1, backward seed 2) on a built Bidirectional. */
function setGoldenWeights(bi: Bidirectional): void {
  const [fk, fr, fb, bk, br, bb] = bi.weights;
  for (const [seed, k, r, b] of [
    [1, fk, fr, fb],
    [2, bk, br, bb],
  ] as const) {
    k!.assign(
      tensor(
        ramp(6, (i) => Math.cos(i + seed) * 0.5),
        [3, 2],
      ),
    );
    r!.assign(
      tensor(
        ramp(4, (i) => Math.sin(i + seed) * 0.5),
        [2, 2],
      ),
    );
    b!.assign(tensor([0.1 * seed, -0.1 * seed]));
  }
}

forEachBackend('Bidirectional matches NumPy', (backend) => {
  for (const fused of [true, false]) {
    it(`concat sequences and averaged last outputs (${fused ? 'fused kernels' : 'composed cell loop'})`, () =>
      on(backend, () => {
        const seq = new Bidirectional(new SimpleRNN(2, { returnSequences: true }));
        const last = new Bidirectional(new SimpleRNN(2), { mergeMode: 'ave' });
        for (const bi of [seq, last]) {
          bi.apply(X());
          setGoldenWeights(bi);
          bi.forwardLayer.useFusedKernels = fused;
          bi.backwardLayer.useFusedKernels = fused;
        }
        expectClose(seq.apply(X()), [timeSteps(GOLDEN.concat_seq)], { atol: 2e-6 });
        expectClose(last.apply(X()), [GOLDEN.ave_last], { atol: 2e-6 });
      }));
  }
  it('merge modes combine the same two outputs; masks are honoured by both directions', () =>
    on(backend, () => {
      setRandomSeed(3);
      const outputs = new Map<MergeMode, number[]>();
      const base = new LSTM(3, { returnSequences: true });
      const bis = (['concat', 'sum', 'mul', 'ave'] as const).map(
        (m) => new Bidirectional(base, { mergeMode: m }),
      );
      bis[0]!.apply(X());
      for (const bi of bis.slice(1)) {
        bi.apply(X());
        for (const [i, w] of bi.weights.entries()) w.assign(bis[0]!.weights[i]!);
      }
      for (const bi of bis) outputs.set(bi.mergeMode, Array.from(bi.apply(X()).dataSync()));
      const cat = outputs.get('concat')!;
      for (let i = 0; i < 12; i++) {
        const [f, b] = [cat[Math.floor(i / 3) * 6 + (i % 3)]!, cat[Math.floor(i / 3) * 6 + 3 + (i % 3)]!];
        expect(outputs.get('sum')![i]).toBeCloseTo(f + b, 5);
        expect(outputs.get('mul')![i]).toBeCloseTo(f * b, 5);
        expect(outputs.get('ave')![i]).toBeCloseTo((f + b) / 2, 5);
      }
      // Masked padding (Embedding maskZero) gives the same last output as the unpadded sequence.
      const emb = new Embedding(10, 4, { maskZero: true });
      const bi = new Bidirectional(new GRU(3));
      const padded = bi.apply(emb.apply(tensor([[4, 7, 2, 0, 0]], undefined, 'int32'))).dataSync();
      const short = bi.apply(emb.apply(tensor([[4, 7, 2]], undefined, 'int32'))).dataSync();
      for (let i = 0; i < 6; i++) expect(padded[i]).toBeCloseTo(short[i]!, 5);
    }));
});

/** The 4 time steps of 4 features each, as nested rows. */
function timeSteps(flat: readonly number[]): number[][] {
  return ramp(4, () => 0).map((_, t) => flat.slice(t * 4, t * 4 + 4));
}

describe('Bidirectional: Keras layout, config, errors, gradients, files', () => {
  it('names the copies and weights as Keras does', () => {
    clearSession();
    const m = new Sequential([
      new Embedding(500, 16, { inputShape: [100] }),
      new Bidirectional(new LSTM(8)),
      new Dense(1),
    ]);
    const bi = m.layers[1] as Bidirectional;
    expect([bi.name, bi.forwardLayer.name, bi.backwardLayer.name]).toEqual([
      'bidirectional',
      'forward_lstm',
      'backward_lstm',
    ]);
    expect(bi.countParams()).toBe(1600);
    expect(bi.weightEntries.map((w) => w.name)).toEqual([
      'forward_lstm/lstm_cell/kernel',
      'forward_lstm/lstm_cell/recurrent_kernel',
      'forward_lstm/lstm_cell/bias',
      'backward_lstm/lstm_cell/kernel',
      'backward_lstm/lstm_cell/recurrent_kernel',
      'backward_lstm/lstm_cell/bias',
    ]);
    expect(m.outputShape).toEqual([null, 1]);
    const config = bi.getConfig();
    expect(config).toMatchObject({
      merge_mode: 'concat',
      layer: { class_name: 'LSTM' },
      backward_layer: { class_name: 'LSTM' },
    });
    expect((config.backward_layer as { config: { go_backwards: boolean } }).config.go_backwards).toBe(true);
  });

  it('refuses bad options by name; mergeMode null gives both outputs (apply, as Keras, or callBoth)', () => {
    expect(() => new Bidirectional(new LSTM(2), { mergeMode: 'max' as MergeMode })).toThrow(
      /mergeMode must be/,
    );
    expect(() => new Bidirectional(new LSTM(2), { backwardLayer: new LSTM(2) })).toThrow(
      /different goBackwards/,
    );
    expect(
      () =>
        new Bidirectional(new LSTM(2), {
          backwardLayer: new LSTM(2, { goBackwards: true, returnSequences: true }),
        }),
    ).toThrow(/differ in returnSequences/);
    const both = new Bidirectional(new GRU(2, { returnSequences: true }), { mergeMode: null });
    expect(() => both.call(X(), { training: false })).toThrow(/layer.apply\(x\) returns both/);
    const [y, yRev] = both.callBoth(X(), { training: false });
    expect([y.shape, yRev.shape]).toEqual([
      [1, 4, 2],
      [1, 4, 2],
    ]);
    const [ya, yRevA] = both.apply(X());
    expect([ya!.toArray(), yRevA!.toArray()]).toEqual([y.toArray(), yRev.toArray()]);
  });

  it('gradient w.r.t. the inputs (float64 central differences)', () => {
    const bi = new Bidirectional(new LSTM(2, { returnSequences: true }), { mergeMode: 'mul' });
    checkGradients((x) => bi.apply(x!), [{ shape: [2, 3, 2] }], { tol: 1e-5 });
  });

  const dir = mkdtempSync(join(tmpdir(), 'tensile-bi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each(['keras', 'h5'])('trains and round-trips through .%s with a custom backward layer', async (ext) => {
    setRandomSeed(2);
    const m = new Sequential([
      new Embedding(20, 4, { inputShape: [6], maskZero: true }),
      new Bidirectional(new LSTM(3, { returnSequences: true }), {
        backwardLayer: new GRU(3, { returnSequences: true, goBackwards: true }),
        mergeMode: 'sum',
      }),
      new Bidirectional(new SimpleRNN(2)),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    m.compile({ optimizer: new RMSprop({ learningRate: 0.01 }), loss: 'binary_crossentropy' });
    const x = tensor(
      ramp(60, (i) => (i * 7) % 20),
      [10, 6],
      'int32',
    );
    const y = tensor(
      ramp(10, (i) => i % 2),
      [10, 1],
    );
    await m.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0 });
    const path = join(dir, `bi.${ext}`);
    await m.save(path);
    const back = await loadModel(path);
    expect((back.layers[1] as Bidirectional).backwardLayer.className).toBe('GRU');
    expect(Array.from((back.predict(x) as Tensor).dataSync())).toEqual(Array.from(m.predict(x).dataSync()));
  });
});
