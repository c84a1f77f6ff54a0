import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import { withBackend } from '../../backend/select.js';
import { scope } from '../../engine/engine.js';
import { mul, slice, sum, tensor, zeros } from '../../ops/index.js';
import { setRandomSeed } from '../../random/global.js';
import { type Tensor, Variable } from '../../tensor/tensor.js';
import { forEachBackend, on } from '../../test-utils/backends.js';
import { expectAll, unfused, wave } from '../../test-utils/recurrent.js';
import { Bidirectional } from '../bidirectional.js';
import { Dense } from '../dense.js';
import { Embedding } from '../embedding.js';
import { Input } from '../input-layer.js';
import { SymbolicTensor } from '../symbolic.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { getKerasMask } from './masking.js';
import { SimpleRNN } from './simple-rnn.js';

// returnState makes a recurrent layer return [output, ...states] and initialState starts it from
// given states (Keras' return_state / initial_state). The reference for a start state is the layer
// itself: running the first steps, then the rest from the states they ended in, must equal one run
// over the whole sequence.

const [B, T, I, U] = [2, 6, 3, 4];
const xs = () => tensor(wave(B * T * I, 1), [B, T, I]);
const values = (t: Tensor) => Array.from(t.dataSync());

forEachBackend('returnState and initialState', (backend) => {
  it('returns [output, h, c] for LSTM and [output, h] for GRU and SimpleRNN, eagerly', () => {
    on(backend, () => {
      const lstm = new LSTM(U, { returnState: true });
      const [out, h, c] = lstm.apply(xs());
      expect([out!.shape, h!.shape, c!.shape]).toEqual([
        [B, U],
        [B, U],
        [B, U],
      ]);
      expect(values(out!)).toEqual(values(h!));
      expect(lstm.lastStates).toEqual([h, c]);
      expect(
        new GRU(U, { returnState: true, returnSequences: true }).apply(xs()).map((t) => t.shape),
      ).toEqual([
        [B, T, U],
        [B, U],
      ]);
      expect(new SimpleRNN(U, { returnState: true }).apply(xs())).toHaveLength(2);
      // Without returnState the output alone, as before.
      expect(new LSTM(U).apply(xs()).shape).toEqual([B, U]);
    });
  });

  for (const [name, make] of [
    ['LSTM', (r: boolean) => new LSTM(U, { returnState: true, returnSequences: r })],
    ['GRU', (r: boolean) => new GRU(U, { returnState: true, returnSequences: r })],
    [
      'GRU resetBefore',
      (r: boolean) => new GRU(U, { returnState: true, returnSequences: r, resetAfter: false }),
    ],
    ['SimpleRNN', (r: boolean) => new SimpleRNN(U, { returnState: true, returnSequences: r })],
  ] as const) {
    for (const path of ['fused', 'composed'] as const) {
      it(`${name}: the second half of a sequence from the first half's states continues the whole run (${path})`, () => {
        withBackend(path === 'fused' ? backend : unfused(backend), () => {
          setRandomSeed(4);
          const layer = make(true);
          const x = xs();
          const [whole, ...finalStates] = layer.apply(x);
          const [first, ...mid] = layer.apply(slice(x, [0, 0, 0], [B, 3, I]));
          const [second, ...end] = layer.apply(slice(x, [0, 3, 0], [B, 3, I]), { initialState: mid });
          const joined = [
            ...values(slice(whole!, [0, 0, 0], [B, 3, U])),
            ...values(slice(whole!, [0, 3, 0], [B, 3, U])),
          ];
          expectAll([...values(first!), ...values(second!)], joined, 'outputs', 1e-5);
          end.forEach((s, i) => {
            expectAll(values(s), values(finalStates[i]!), `state ${i}`, 1e-5);
          });
          // Zero initial states are the default start.
          const fromZeros = layer.apply(x, { initialState: mid.map((s) => zeros(s.shape)) });
          expectAll(values(fromZeros[0]!), values(whole!), 'zero start', 1e-6);
        });
      });
    }
  }

  it('Bidirectional returns [out, forward states, backward states] and splits initialState in halves', () => {
    on(backend, () => {
      setRandomSeed(5);
      const bi = new Bidirectional(new LSTM(U, { returnState: true }));
      const [out, hf, cf, hb, cb] = bi.apply(xs());
      expect(out!.shape).toEqual([B, 2 * U]);
      expect(bi.lastStates).toEqual([hf, cf, hb, cb]);
      const h0 = tensor(wave(B * U, 7), [B, U]);
      const c0 = tensor(wave(B * U, 8), [B, U]);
      const [withStates] = bi.apply(xs(), { initialState: [h0, c0, zeros([B, U]), zeros([B, U])] });
      // The forward direction starts from (h0, c0): its half of the features equals the forward layer's run.
      const [fwd] = bi.forwardLayer.apply(xs(), { initialState: [h0, c0] }) as Tensor[];
      const firstHalf = (t: Tensor) => (t.toArray() as number[][]).flatMap((row) => row.slice(0, U));
      expectAll(firstHalf(withStates!), values(fwd!), 'forward half', 1e-6);
      // The backward half did not change (zero start states).
      const secondHalf = (t: Tensor) => (t.toArray() as number[][]).flatMap((row) => row.slice(U));
      expectAll(secondHalf(withStates!), secondHalf(out!), 'backward half', 1e-6);
      expect(() => bi.apply(xs(), { initialState: [h0, c0] })).toThrow(
        /layer 'bidirectional(_\d+)?' \(Bidirectional\): initialState must hold 4 states \(the forward layer's, then the backward layer's\), got 2/,
      );
    });
  });

  it('rejects initial states of the wrong count or shape, and on layers without states', () => {
    on(backend, () => {
      const lstm = new LSTM(U, { name: 'enc' });
      expect(() => lstm.apply(xs(), { initialState: [zeros([B, U])] })).toThrow(
        /layer 'enc' \(LSTM\): initialState must hold 2 states \[h, c\], each \[2, 4\]; got 1/,
      );
      expect(() => lstm.apply(xs(), { initialState: [zeros([B, U]), zeros([B, 3])] })).toThrow(
        /layer 'enc' \(LSTM\) initialState\[1\].*expected shape \[2, 4\], got \[2, 3\]/,
      );
      expect(() => lstm.apply(xs(), { initialState: [zeros([3, U]), zeros([3, U])] })).toThrow(
        /initialState\[0\].*expected shape \[2, 4\], got \[3, 4\]/,
      );
      expect(() =>
        new Dense(2, { name: 'd' }).apply(zeros([2, 3]), { initialState: [zeros([2, 2])] }),
      ).toThrow(/layer 'd' \(Dense\): does not take initialState/);
      expect(() => lstm.apply(xs(), { initialState: [] })).toThrow(
        /layer 'enc' \(LSTM\): initialState must be a non-empty list of tensors, got \[\]/,
      );
      const x = Input({ shape: [T, I] });
      expect(() => lstm.apply(x, { initialState: [] })).toThrow(/non-empty list/);
      const h = Input({ shape: [U + 1] });
      expect(() => new GRU(U, { name: 'dec' }).apply(x, { initialState: [h] })).toThrow(
        /layer 'dec' \(GRU\) initialState\[0\].*expected shape \[batch, 4\], got \[batch, 5\]/,
      );
      expect(() => new GRU(U).apply(x, { initialState: [zeros([2, U])] as never })).toThrow(
        /cannot mix symbolic tensors/,
      );
    });
  });

  it('sends gradients into the initial states (they equal float64-checked composed gradients)', () => {
    on(backend, () =>
      scope(() => {
        const layer = new LSTM(U, { returnSequences: true });
        const h0 = new Variable(tensor(wave(B * U, 3), [B, U]));
        const c0 = new Variable(tensor(wave(B * U, 4), [B, U]));
        const x = xs();
        const loss = () => {
          const y = layer.apply(x, { initialState: [h0, c0] });
          return sum(mul(y, tensor(wave(y.size, 9), y.shape)));
        };
        const { grads } = valueAndGrads(loss, [h0, c0]);
        // Central differences on one element of each state (float32: loose tolerance).
        for (const [k, v] of [h0, c0].entries()) {
          const base = v.dataSync().slice();
          const at = (d: number) => {
            const moved = base.slice();
            moved[1]! += d;
            v.assign(tensor(moved, [B, U]));
            return loss().item();
          };
          const numeric = (at(1e-2) - at(-1e-2)) / 2e-2;
          v.assign(tensor(base, [B, U]));
          expect(Math.abs(grads[k]!.dataSync()[1]! - numeric)).toBeLessThan(2e-3);
        }
      }),
    );
  });
});

describe('returnState and initialState on symbolic tensors', () => {
  it('returns symbolic [output, ...states] with their shapes and indices, and records states as node inputs', () => {
    const x = Input({ shape: [T, I] });
    const encoder = new LSTM(U, { returnState: true, name: 'encoder' });
    const [out, h, c] = encoder.apply(x);
    expect([out, h, c].every((t) => t instanceof SymbolicTensor)).toBe(true);
    expect([out!.shape, h!.shape, c!.shape]).toEqual([
      [null, U],
      [null, U],
      [null, U],
    ]);
    expect([out, h, c].map(String)).toEqual(['encoder[0][0]', 'encoder[0][1]', 'encoder[0][2]']);
    expect(encoder.output).toEqual([out, h, c]);
    expect(encoder.getOutputAt(0)).toEqual([out, h, c]);
    const y = Input({ shape: [5, 2] });
    const decoder = new LSTM(U, { returnSequences: true, name: 'decoder' });
    const seq = decoder.apply(y, { initialState: [h!, c!] });
    expect(seq.shape).toEqual([null, 5, U]);
    const node = decoder.inboundNodes[0]!;
    expect(node.inputs).toEqual([y, h, c]);
    expect([node.args, node.initialState]).toEqual([[y], [h, c]]);
    expect(decoder.input).toEqual([y, h, c]);
    const bi = new Bidirectional(new GRU(3, { returnState: true, returnSequences: true }));
    expect(bi.apply(x).map((t) => t.shape)).toEqual([
      [null, T, 6],
      [null, 3],
      [null, 3],
    ]);
  });
});

describe('masks with initial states (Keras 3)', () => {
  it('a call with initialState runs unmasked, as Keras 3 does, and its output sequence keeps the mask', () => {
    setRandomSeed(6);
    const emb = new Embedding(10, I, { maskZero: true });
    const tokens = tensor([[3, 0, 5, 0]], undefined, 'int32');
    const embedded = emb.apply(tokens);
    const lstm = new LSTM(U, { returnSequences: true });
    const start = [zeros([1, U]), zeros([1, U])];
    const masked = lstm.apply(embedded);
    const withStates = lstm.apply(embedded, { initialState: start });
    // Unmasked: the same as the layer on the embedding without its mask.
    const unmasked = lstm.apply(tensor(embedded.dataSync(), embedded.shape));
    expect(values(withStates)).toEqual(values(unmasked));
    expect(values(withStates)).not.toEqual(values(masked));
    expect(getKerasMask(withStates)).toBe(getKerasMask(embedded));
  });
});
