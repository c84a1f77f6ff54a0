import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import type { Backend, FusedActivation } from '../../backend/backend.js';
import { withBackend } from '../../backend/select.js';
import { scope } from '../../engine/engine.js';
import type { RecurrentCell } from '../../layers/rnn/cell.js';
import { GRUCell } from '../../layers/rnn/gru-cell.js';
import { LSTMCell } from '../../layers/rnn/lstm-cell.js';
import { runRnn } from '../../layers/rnn/rnn.js';
import { SimpleRNNCell } from '../../layers/rnn/simple-rnn-cell.js';
import { add, mean, mul, sum, tensor } from '../../ops/index.js';
import {
  gruSequence,
  lstmSequence,
  rnnSequence,
  type SequenceOptions,
  simpleRnnSequence,
} from '../../ops/rnn.js';
import { type Tensor, Variable } from '../../tensor/tensor.js';
import { f64Backend } from '../../test-utils/gradcheck.js';
import { writeLstmBackwardArgs, writeLstmForwardArgs } from './generated/kernels-exports.js';
import { createWasmBackend } from './index.js';
import { instantiateKernels } from './kernels.js';
import { rand, wasm } from './test-utils/parity.js';

// The wasm fused recurrent kernels (rnn.ts, assembly/rnn-*.ts) against the reference: the composed
// cell loop (cell.step through runRnn, differentiated by the gradient table) run in float64 on the
// ts backend. Forward outputs, final states and every gradient, on random inputs over odd sizes,
// masks, goBackwards, dropout masks, no bias, initial states (and their gradients).
//
// Tolerance: every element within 1e-5 of the largest magnitude of its tensor. Why float64: the
// weight and bias gradients are sums over batch·time = 6400 terms that largely cancel, and float32
// summation in any order is off by ~1e-5 of the scale there, so comparing two float32 orders at
// 1e-5 tests luck, while float64 measures the kernel's own error. Recurrent weights are drawn in
// ±0.8/√units so the random nets are contractive (a chaotic net amplifies any rounding over 100 steps).

type Cell = 'lstm' | 'gru' | 'gru-reset-before' | FusedActivation;
const CELLS: Cell[] = ['lstm', 'gru', 'gru-reset-before', 'tanh', 'relu', 'sigmoid', 'linear'];
const gates = (c: Cell) => (c === 'lstm' ? 4 : c.startsWith('gru') ? 3 : 1);

function makeCell(c: Cell, units: number): RecurrentCell {
  if (c === 'lstm') return new LSTMCell(units);
  if (c.startsWith('gru')) return new GRUCell(units, { resetAfter: c === 'gru' });
  return new SimpleRNNCell(units, { activation: c as FusedActivation });
}

interface Variant {
  mask?: boolean;
  goBackwards?: boolean;
  dropout?: boolean;
  noBias?: boolean;
  /** Start from random states (Keras' initial_state) and check their gradients too. */
  initialState?: boolean;
}
const PLAIN: Variant = {};
const ALL: Variant = { mask: true, goBackwards: true, dropout: true };
const STATES: Variant = { ...ALL, initialState: true };
const NO_BIAS: Variant = { mask: true, dropout: true, noBias: true };

/** [units, input, batch, time]: every unit count against every input dim, batch and time. */
const SIZES: [number, number, number, number][] = [];
for (const U of [3, 8, 13]) {
  for (const [I, B, T] of [
    [1, 1, 1],
    [16, 5, 7],
    [1, 64, 100],
    [16, 64, 100],
    [16, 1, 100],
    [1, 5, 7],
    [16, 64, 1],
  ] as const)
    SIZES.push([U, I, B, T]);
}

type Outputs = Record<string, number[]>;

/**
 * One forward and backward of `cell` on `backend`: the fused sequence op on a backend that has it
 * (the test fails if it does not), the composed loop on the float64 reference. The loss is
 * Σ y·dy + Σ h·dh (+ Σ c·dc), so the gradients reaching the sequence op are exactly dy, dh and dc.
 */
function run(backend: Backend, cell: Cell, [U, I, B, T]: number[], v: Variant, seed: number): Outputs {
  const G = gates(cell);
  const bits = (n: number, s: number, p: number, on: number) => rand(n, s, 0, 1).map((u) => (u < p ? 0 : on));
  const biasShape = cell === 'gru' ? [2, G * U!] : [G * U!];
  const r = 0.8 / Math.sqrt(U!);
  return withBackend(backend, () =>
    scope(() => {
      const vars = [
        new Variable(tensor(rand(B! * T! * I!, seed), [B!, T!, I!])),
        new Variable(tensor(rand(I! * G * U!, seed + 1, -0.5, 0.5), [I!, G * U!])),
        new Variable(tensor(rand(U! * G * U!, seed + 2, -r, r), [U!, G * U!])),
      ];
      if (!v.noBias) vars.push(new Variable(tensor(rand(G * U! * biasShape.length, seed + 3), biasShape)));
      const [x, kernel, recurrentKernel, bias] = [vars[0]!, vars[1]!, vars[2]!, vars[3]];
      const stateCount = cell === 'lstm' ? 2 : 1;
      const initialState = v.initialState
        ? Array.from(
            { length: stateCount },
            (_, i) => new Variable(tensor(rand(B! * U!, seed + 10 + i), [B!, U!])),
          )
        : [];
      vars.push(...initialState);
      const opts: SequenceOptions = {
        // Some rows masked at the first step, so masked rows at s = 0 are covered too.
        mask: v.mask ? tensor(bits(B! * T!, seed + 4, 0.3, 1), [B!, T!]) : null,
        inputDropout: v.dropout ? tensor(bits(B! * I!, seed + 5, 0.3, 1 / 0.7), [B!, I!]) : null,
        recurrentDropout: v.dropout ? tensor(bits(B! * U!, seed + 6, 0.3, 1 / 0.7), [B!, U!]) : null,
        goBackwards: v.goBackwards ?? false,
        ...(v.initialState ? { initialState } : {}),
      };
      const upstream = [
        tensor(rand(B! * T! * U!, seed + 7), [B!, T!, U!]),
        tensor(rand(B! * U!, seed + 8), [B!, U!]),
        tensor(rand(B! * U!, seed + 9), [B!, U!]),
      ];
      const c = makeCell(cell, U!);
      const w = { kernel, recurrentKernel, bias: bias ?? null };
      let outs: Tensor[] = [];
      const { grads } = valueAndGrads(() => {
        if (backend === f64Backend) {
          const { sequence, states } = runRnn(c, x, w, { ...opts, fused: false });
          outs = [sequence!, ...states];
        } else {
          const out = rnnSequence(x, kernel, recurrentKernel, w.bias, { ...opts, ...c.fusedKind()! });
          expect(out, `${backend.name} has a fused ${cell}`).toBeDefined();
          outs = [out!.sequence, ...out!.states];
        }
        return outs.map((o, i) => sum(mul(o, upstream[i]!))).reduce((a, b) => add(a, b));
      }, vars);
      const read = (t: Tensor) => Array.from(t.dataSync());
      const result: Outputs = { y: read(outs[0]!), h: read(outs[1]!) };
      if (outs[2]) result.c = read(outs[2]);
      const names = ['dx', 'dKernel', 'dRecurrentKernel', ...(v.noBias ? [] : ['dBias']), 'dH0', 'dC0'];
      for (const [i, name] of names.entries()) if (grads[i]) result[name] = read(grads[i]!);
      return result;
    }),
  );
}

/** Every element within `tol` of the tensor's largest magnitude; returns the worst ratio seen. */
function expectNormClose(actual: number[], expected: number[], what: string, tol = 1e-5): number {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const scale = expected.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= tol * scale))
      expect.fail(`${what}[${i}]: ${actual[i]}, reference ${expected[i]} (scale ${scale})`);
    if (scale > 0) worst = Math.max(worst, err / scale);
  }
  return worst;
}

describe('wasm fused recurrent kernels match the composed cell loop (float64)', () => {
  for (const cell of CELLS) {
    it(`${cell}: odd sizes × plain, mask + goBackwards + dropout, no bias, initial states`, () => {
      let worst = 0;
      SIZES.forEach((size, n) => {
        const variants =
          size[3] === 1 || size[2] === 1
            ? [PLAIN, ALL, NO_BIAS, STATES]
            : n % 2
              ? [PLAIN, STATES]
              : [ALL, NO_BIAS];
        for (const v of variants) {
          const seed = 1000 * n + 17 * variants.indexOf(v);
          const exact = run(f64Backend, cell, size, v, seed);
          const actual = run(wasm, cell, size, v, seed);
          expect(Object.keys(actual)).toEqual(Object.keys(exact));
          if (v.initialState) expect(Object.keys(actual)).toContain('dH0');
          for (const key of Object.keys(exact)) {
            const what = `${cell} [U, I, B, T] = [${size}] ${JSON.stringify(v)} ${key}`;
            worst = Math.max(worst, expectNormClose(actual[key]!, exact[key]!, what));
          }
        }
      });
      expect(worst).toBeLessThan(1e-5);
    });
  }

  it('a masked first step outputs zeros and carries the zero state; empty sequences give zero states', () => {
    for (const cell of CELLS) {
      const exp = run(f64Backend, cell, [3, 2, 2, 4], { mask: true }, 5);
      const act = run(wasm, cell, [3, 2, 2, 4], { mask: true }, 5);
      // Masked first steps output exact zeros; elsewhere a few float32 roundings on a tiny scale.
      expect(exp.y!.filter((e) => e === 0).length, 'the fixture masks a first step').toBeGreaterThan(0);
      for (const [i, e] of exp.y!.entries()) if (e === 0) expect(act.y![i], `${cell} y[${i}]`).toBe(0);
      expectNormClose(act.y!, exp.y!, `${cell} y`, 1e-4);
      const empty = run(wasm, cell, [5, 3, 2, 0], {}, 1);
      expect(empty.h).toEqual(new Array(10).fill(0));
      expect(empty.dKernel!.every((g) => g === 0)).toBe(true);
      expect(empty.dBias!.every((g) => g === 0)).toBe(true);
    }
  });
});

describe('wasm fused recurrent kernels: memory', () => {
  it('500 forward + backward steps of each cell inside scope() keep heapBytes flat', () => {
    const backend = createWasmBackend();
    withBackend(backend, () => {
      const [B, T, I, U] = [6, 9, 5, 7]; // odd sizes: the padded temporaries are made and freed too
      const v = (n: number, shape: number[], seed: number) =>
        new Variable(tensor(rand(n, seed, -0.4, 0.4), shape));
      const x = v(B * T * I, [B, T, I], 1);
      const weights = [4, 3, 1].map((G, i) => [
        v(I * G * U, [I, G * U], 10 * i + 2),
        v(U * G * U, [U, G * U], 10 * i + 3),
        v(2 * G * U, [2, G * U], 10 * i + 4),
      ]);
      const h0 = v(B * U, [B, U], 9); // the GRU starts from it: its gradient buffer is freed too
      const opts = (): SequenceOptions => ({
        mask: tensor(
          rand(B * T, 5, 0, 1).map((u) => (u < 0.3 ? 0 : 1)),
          [B, T],
        ),
        inputDropout: tensor(rand(B * I, 6, 0, 2).map(Math.round), [B, I]),
        recurrentDropout: tensor(rand(B * U, 7, 0, 2).map(Math.round), [B, U]),
        goBackwards: true,
      });
      const step = () =>
        scope(() => {
          let total = 0;
          for (const [i, [k, r, b]] of weights.entries()) {
            const { value, grads } = valueAndGrads(() => {
              const o = opts();
              const out =
                i === 0
                  ? lstmSequence(x, k!, r!, tensor(rand(4 * U, 8), [4 * U]), o)!
                  : i === 1
                    ? gruSequence(x, k!, r!, b!, { ...o, resetAfter: true, initialState: [h0] })!
                    : simpleRnnSequence(x, k!, r!, null, { ...o, activation: 'tanh' })!;
              return sum(mul(mean(out.sequence), out.states[0]!));
            }, [x, k!, r!, h0]);
            total += value.item() + grads.reduce((s, g) => s + g.dataSync()[0]!, 0);
          }
          return total;
        });
      for (let i = 0; i < 5; i++) step();
      const baseline = backend.heapBytes();
      expect(baseline).toBeGreaterThan(0); // the variables
      for (let i = 0; i < 500; i++) {
        step();
        if (i % 100 === 0) expect(backend.heapBytes()).toBe(baseline);
      }
      expect(backend.heapBytes()).toBe(baseline);
    });
  });
});

describe('wasm fused recurrent kernels: row slices', () => {
  // Batch rows never interact, so a kernel call can be split by rows (e.g. across threads): each
  // part gets its rows' pointers and the workspace's full batch stride (wsB). Bit-identical.
  it('LSTM forward and backward over two row slices equal one call', () => {
    const k = instantiateKernels();
    let top = Math.ceil(k.heapBase() / 16) * 16;
    const put = (values: Float32Array): number => {
      const p = top;
      top += Math.ceil((values.length * 4 + 16) / 16) * 16;
      if (top > k.memory.buffer.byteLength)
        k.memory.grow(Math.ceil((top - k.memory.buffer.byteLength) / 65536));
      new Float32Array(k.memory.buffer, p, values.length).set(values);
      return p;
    };
    const read = (p: number, n: number) => Array.from(new Float32Array(k.memory.buffer, p, n));
    const [B, T, U, Up] = [6, 5, 5, 8];
    const [Gp, W] = [4 * Up, 5 * U];
    const xp = put(rand(B * T * Gp, 1));
    const rp = put(rand(U * Gp, 2, -0.5, 0.5));
    const rt = put(rand(Gp * Up, 3, -0.5, 0.5));
    const bias = put(rand(Gp, 4));
    const mask = put(rand(B * T, 5, 0, 1).map((u) => (u < 0.3 ? 0 : 1)));
    const rd = put(rand(B * Up, 6, 0, 2).map(Math.round));
    const dy = put(rand(B * T * U, 7));
    const dh = put(rand(B * U, 8));
    const dc = put(rand(B * U, 9));
    const outputs = () => ({
      y: put(new Float32Array(B * T * U)),
      ws: put(new Float32Array(T * B * W)),
      h: put(new Float32Array(B * U)),
      c: put(new Float32Array(B * U)),
      dz: put(new Float32Array(B * T * Gp)),
    });
    const [whole, parts] = [outputs(), outputs()];
    const scratch = put(new Float32Array(7 * B * Up));
    const block = put(new Float32Array(32));
    const mem = () => ({ i32: new Int32Array(k.memory.buffer), f32: new Float32Array(k.memory.buffer) });
    /** Forward and backward over rows [b0, b0 + n) into `o`, with the workspace's full batch stride. */
    const call = (b0: number, n: number, o: typeof whole) => {
      const at = (p: number, perRow: number) => p + b0 * perRow * 4;
      const [m, r, wsB, back] = [at(mask, T), at(rd, Up), B, 1];
      const [ws, h, c] = [at(o.ws, W), at(o.h, U), at(o.c, U)];
      const common = { mask: m, rd: r, B: n, T, U, Up, back, wsB, scratch };
      const fwd = {
        ...common,
        xp: at(xp, T * Gp),
        xpRows: 0,
        rp,
        bias,
        y: at(o.y, T * U),
        ws,
        hOut: h,
        cOut: c,
        h0: 0,
        c0: 0,
      };
      k.lstmForward(writeLstmForwardArgs(mem(), block, fwd));
      const grads = { dy: at(dy, T * U), dhIn: at(dh, U), dcIn: at(dc, U), dz: at(o.dz, T * Gp) };
      k.lstmBackward(
        writeLstmBackwardArgs(mem(), block, { ...common, ...grads, ws, rt, c0: 0, dh0: 0, dc0: 0 }),
      );
    };
    call(0, B, whole);
    call(0, 4, parts);
    call(4, 2, parts);
    const sizes = { y: B * T * U, ws: T * B * W, h: B * U, c: B * U, dz: B * T * Gp };
    for (const [key, n] of Object.entries(sizes)) {
      const name = key as keyof typeof sizes;
      expect(read(parts[name], n), key).toEqual(read(whole[name], n));
    }
  });
});
