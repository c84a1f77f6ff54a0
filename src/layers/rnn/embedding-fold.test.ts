import { afterEach, describe, expect, it, vi } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import { withBackend } from '../../backend/select.js';
import { scope } from '../../engine/engine.js';
import { ShapeError } from '../../errors.js';
import { Sequential } from '../../models/sequential.js';
import { concat, gather, mul, reshape, sum, tensor, zeros } from '../../ops/index.js';
import { SGD } from '../../optimizers/index.js';
import { Variable } from '../../tensor/tensor.js';
import { BACKENDS, on } from '../../test-utils/backends.js';
import { expectAll, unfused, wave } from '../../test-utils/recurrent.js';
import { Dense } from '../dense.js';
import { Embedding } from '../embedding.js';
import type { RecurrentCell } from './cell.js';
import { GRUCell } from './gru-cell.js';
import { LSTM } from './lstm.js';
import { LSTMCell } from './lstm-cell.js';
import { type RunOptions, runRnn } from './rnn.js';
import { SimpleRNNCell } from './simple-rnn-cell.js';

// An Embedding feeding a recurrent layer: the fused kernel projects the table once (table·K) and
// gathers its rows instead of projecting every step's input, and returns the table's gradient
// directly. Held to the unfolded fused path and to the composed cell loop (the reference).

// V·2 ≤ B·T, so the fold applies.
const [B, T, V, I, U] = [3, 5, 6, 4, 3];
const INDICES = [
  [0, 5, 2, 2, 1],
  [3, 3, 0, 4, 5],
  [1, 0, 5, 2, 4],
];

const CELLS: { name: string; make: () => RecurrentCell; gates: number; bias: number[] }[] = [
  { name: 'LSTM', make: () => new LSTMCell(U), gates: 4, bias: [4 * U] },
  { name: 'GRU resetAfter', make: () => new GRUCell(U), gates: 3, bias: [2, 3 * U] },
  { name: 'GRU resetBefore', make: () => new GRUCell(U, { resetAfter: false }), gates: 3, bias: [3 * U] },
  { name: 'SimpleRNN tanh', make: () => new SimpleRNNCell(U), gates: 1, bias: [U] },
];

const VARIANTS: { name: string; mask?: number[][]; goBackwards?: boolean; initialState?: boolean }[] = [
  { name: 'plain' },
  {
    name: 'mask + goBackwards',
    goBackwards: true,
    mask: [
      [1, 1, 0, 1, 1],
      [0, 1, 1, 1, 1],
      [1, 1, 1, 1, 0],
    ],
  },
  { name: 'initial state', initialState: true },
];

afterEach(() => {
  delete process.env.TENSILE_FOLD_EMBEDDING;
});

const indices = () => tensor(INDICES, undefined, 'int32');

function options(v: (typeof VARIANTS)[number], fused: boolean): RunOptions {
  return {
    mask: v.mask ? tensor(v.mask, undefined, 'int32') : null,
    inputDropout: null,
    recurrentDropout: null,
    goBackwards: v.goBackwards ?? false,
    fused,
  };
}

/** Value and the gradients of table, kernels, bias (and initial states) of Σ(outputs·r). */
function run(
  c: (typeof CELLS)[number],
  v: (typeof VARIANTS)[number],
  fold: boolean,
  fused = true,
): number[][] {
  return scope(() => {
    const shapes = [[V, I], [I, c.gates * U], [U, c.gates * U], c.bias];
    if (v.initialState) for (let s = 0; s < c.make().stateCount; s++) shapes.push([B, U]);
    const vars = shapes.map(
      (shape, i) =>
        new Variable(
          tensor(
            wave(
              shape.reduce((a, b) => a * b, 1),
              i + 1,
            ),
            shape,
          ),
        ),
    );
    const [table, kernel, recurrentKernel, bias] = [vars[0]!, vars[1]!, vars[2]!, vars[3]!];
    const { value, grads } = valueAndGrads(() => {
      const idx = indices();
      const x = gather(table, idx, 0);
      const states = v.initialState ? { initialState: vars.slice(4) } : {};
      const embedding = fold ? { embedding: { table, indices: idx } } : {};
      const out = runRnn(
        c.make(),
        x,
        { kernel, recurrentKernel, bias },
        { ...options(v, fused), ...states, ...embedding },
      );
      const y = concat([reshape(out.sequence!, [-1]), ...out.states.map((s) => reshape(s, [-1]))]);
      return sum(mul(y, tensor(wave(y.size, 9), y.shape)));
    }, vars);
    return [[value.item()], ...grads.map((g) => Array.from(g!.dataSync()))];
  });
}

for (const backend of BACKENDS.filter((b) => b.rnnSequence)) {
  describe(`an Embedding folded into the recurrent input projection [${backend.name}]`, () => {
    for (const c of CELLS) {
      for (const v of VARIANTS) {
        it(`${c.name}, ${v.name}: same value and gradients as unfolded and as the composed loop`, () => {
          const folded = on(backend, () => run(c, v, true));
          const plain = on(backend, () => run(c, v, false));
          const composed = withBackend(unfused(backend), () => run(c, v, true, false));
          folded.forEach((g, i) => {
            const label = i === 0 ? 'value' : `gradient ${i - 1}`;
            expectAll(g, plain[i]!, `${label} vs unfolded`, 1e-5);
            expectAll(g, composed[i]!, `${label} vs composed`, 1e-5);
          });
        });
      }
    }

    /** The final h when x is zeros but the lookup says table[indices]: table rows mean the fold ran. */
    const finalH = (opts: Partial<RunOptions>, vocab = V) =>
      on(backend, () =>
        scope(() => {
          const table = tensor(wave(vocab * I, 3), [vocab, I]);
          const kernel = tensor(wave(I * 4 * U, 4), [I, 4 * U]);
          const recurrentKernel = tensor(wave(U * 4 * U, 5), [U, 4 * U]);
          const embedding = { table, indices: indices() };
          const base = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false };
          const out = runRnn(
            new LSTMCell(U),
            zeros([B, T, I]),
            { kernel, recurrentKernel, bias: null },
            {
              ...base,
              embedding,
              ...opts,
            },
          );
          return Array.from(out.states[0]!.dataSync());
        }),
      );
    const fromZeros = () =>
      on(backend, () =>
        scope(() => {
          const kernel = tensor(wave(I * 4 * U, 4), [I, 4 * U]);
          const recurrentKernel = tensor(wave(U * 4 * U, 5), [U, 4 * U]);
          const base = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false };
          const out = runRnn(
            new LSTMCell(U),
            zeros([B, T, I]),
            { kernel, recurrentKernel, bias: null },
            base,
          );
          return Array.from(out.states[0]!.dataSync());
        }),
      );

    it('folds only without input dropout, for a vocabulary up to half of batch·time, unless turned off', () => {
      const zerosH = fromZeros();
      expect(finalH({})).not.toEqual(zerosH);
      const ones = on(backend, () => tensor(new Float32Array(B * I).fill(1), [B, I]));
      expect(finalH({ inputDropout: ones })).toEqual(zerosH);
      expect(finalH({}, 8)).toEqual(zerosH); // 2·8 > 15
      process.env.TENSILE_FOLD_EMBEDDING = '0';
      expect(finalH({})).toEqual(zerosH);
    });

    it('refuses lookup indices out of the table, naming the op', () => {
      on(backend, () =>
        scope(() => {
          const table = tensor(wave(V * I, 3), [V, I]);
          const bad = tensor(
            INDICES.map((r) => r.map((i) => (i === 4 ? V : i))),
            undefined,
            'int32',
          );
          const w = { kernel: zeros([I, 4 * U]), recurrentKernel: zeros([U, 4 * U]), bias: null };
          const opts = { mask: null, inputDropout: null, recurrentDropout: null, goBackwards: false };
          expect(() =>
            runRnn(new LSTMCell(U), zeros([B, T, I]), w, { ...opts, embedding: { table, indices: bad } }),
          ).toThrow(ShapeError);
          expect(() =>
            runRnn(new LSTMCell(U), zeros([B, T, I]), w, { ...opts, embedding: { table, indices: bad } }),
          ).toThrow('lstmSequence [6,4] · [3,5]: embedding index 6 at position 8 is out of range 0..5');
        }),
      );
    });

    it('an Embedding → LSTM model trains to the same weights with and without the fold', async () => {
      const train = async (fold: boolean) => {
        process.env.TENSILE_FOLD_EMBEDDING = fold ? '1' : '0';
        return on(backend, async () => {
          const model = new Sequential([
            new Embedding(V, I, { inputShape: [T] }),
            new LSTM(U),
            new Dense(1, { activation: 'sigmoid' }),
          ]);
          model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'binary_crossentropy' });
          model.setWeights(model.getWeights().map((w, i) => tensor(wave(w.size, i + 1), w.shape)));
          const x = tensor(INDICES, undefined, 'int32');
          const y = tensor([[1], [0], [1]]);
          await model.fit(x, y, { epochs: 3, batchSize: 3, shuffle: false, verbose: 0 });
          return model.getWeights().map((w) => Array.from(w.dataSync()));
        });
      };
      const spy = vi.spyOn(backend, 'rnnSequence');
      const folded = await train(true);
      const foldedCalls = spy.mock.calls.map(([args]) => args.embedding ?? null);
      spy.mockClear();
      const plain = await train(false);
      const plainCalls = spy.mock.calls.map(([args]) => args.embedding ?? null);
      spy.mockRestore();
      expect(foldedCalls.length).toBeGreaterThan(0);
      expect(foldedCalls.every((e) => e !== null)).toBe(true); // the model path folds
      expect(plainCalls.every((e) => e === null)).toBe(true);
      for (const [i, w] of folded.entries()) expectAll(w, plain[i]!, `weight ${i}`, 1e-5);
      expect(folded[0]).not.toEqual(Array.from(wave(V * I, 1))); // the table did train
    });
  });
}
