import { describe, expect, it } from 'vitest';
import { valueAndGrads } from '../../autograd/backward.js';
import { Tape } from '../../autograd/tape.js';
import { withBackend } from '../../backend/select.js';
import { scope, setActiveTape } from '../../engine/engine.js';
import { concat, mul, reshape, sum, tensor } from '../../ops/index.js';
import { type Tensor, Variable } from '../../tensor/tensor.js';
import { BACKENDS, forEachBackend, on } from '../../test-utils/backends.js';
import { checkGradients } from '../../test-utils/gradcheck.js';
import { expectAll, unfused, wave } from '../../test-utils/recurrent.js';
import type { RecurrentCell } from './cell.js';
import { GRUCell } from './gru-cell.js';
import { LSTMCell } from './lstm-cell.js';
import { type RunOptions, runRnn } from './rnn.js';
import { SimpleRNNCell } from './simple-rnn-cell.js';

// The composed cell loop (cell.step through runRnn, differentiated by the gradient table) is the
// reference for recurrent layers: here it is held to calculus (float64 central differences), and
// every backend's fused sequence fast path is held to it, masks, goBackwards and dropout included.

const [B, T, I, U] = [2, 3, 4, 3];

interface CellCase {
  name: string;
  make: () => RecurrentCell;
  gates: number;
  bias: number[];
}

const CELLS: CellCase[] = [
  { name: 'LSTM', make: () => new LSTMCell(U), gates: 4, bias: [4 * U] },
  { name: 'GRU resetAfter', make: () => new GRUCell(U), gates: 3, bias: [2, 3 * U] },
  { name: 'GRU resetBefore', make: () => new GRUCell(U, { resetAfter: false }), gates: 3, bias: [3 * U] },
  { name: 'SimpleRNN tanh', make: () => new SimpleRNNCell(U), gates: 1, bias: [U] },
  {
    name: 'SimpleRNN sigmoid',
    make: () => new SimpleRNNCell(U, { activation: 'sigmoid' }),
    gates: 1,
    bias: [U],
  },
  {
    name: 'SimpleRNN linear',
    make: () => new SimpleRNNCell(U, { activation: 'linear' }),
    gates: 1,
    bias: [U],
  },
];

interface Variant {
  name: string;
  goBackwards?: boolean;
  mask?: number[][];
  dropout?: boolean;
  noBias?: boolean;
  /** Start from given states (inputs after the weights, differentiated too). */
  initialState?: boolean;
}

// Row 0 has a gap in the middle; row 1 starts masked (its first output must be 0).
const VARIANTS: Variant[] = [
  { name: 'plain' },
  { name: 'goBackwards', goBackwards: true },
  {
    name: 'mask',
    mask: [
      [1, 0, 1],
      [0, 1, 1],
    ],
  },
  {
    name: 'mask + goBackwards',
    goBackwards: true,
    mask: [
      [1, 1, 0],
      [0, 1, 1],
    ],
  },
  { name: 'dropout masks', dropout: true },
  {
    name: 'no bias + mask',
    noBias: true,
    mask: [
      [1, 1, 0],
      [1, 1, 1],
    ],
  },
  { name: 'initial state', initialState: true },
  {
    // Row 1's first step is masked: its start state must pass through to the next step.
    name: 'initial state + mask + goBackwards',
    initialState: true,
    goBackwards: true,
    mask: [
      [1, 0, 1],
      [1, 1, 0],
    ],
  },
  { name: 'initial state + dropout masks', initialState: true, dropout: true },
  { name: 'initial state + no bias', initialState: true, noBias: true },
];

/** Masks as tensors on the active backend (made inside the checked function, so on its backend). */
function runOptions(v: Variant, fused: boolean): RunOptions {
  return {
    mask: v.mask ? tensor(v.mask, undefined, 'int32') : null,
    inputDropout: v.dropout
      ? tensor([
          [0, 2, 2, 0],
          [2, 2, 0, 2],
        ])
      : null,
    recurrentDropout: v.dropout
      ? tensor([
          [2, 0, 2],
          [0, 2, 2],
        ])
      : null,
    goBackwards: v.goBackwards ?? false,
    fused,
  };
}

/** The output sequence and every final state, flattened into one vector. */
function flatRun(c: CellCase, v: Variant, fused: boolean) {
  return (...xs: Tensor[]): Tensor => {
    const [x, kernel, recurrentKernel] = xs as [Tensor, Tensor, Tensor];
    const weightCount = v.noBias ? 3 : 4;
    const bias = v.noBias ? null : xs[3]!;
    const initialState = v.initialState ? { initialState: xs.slice(weightCount) } : {};
    const { sequence, states } = runRnn(
      c.make(),
      x,
      { kernel, recurrentKernel, bias },
      { ...runOptions(v, fused), ...initialState },
    );
    return concat([reshape(sequence!, [-1]), ...states.map((s) => reshape(s, [-1]))]);
  };
}

function specs(c: CellCase, v: Variant) {
  const s = [{ shape: [B, T, I] }, { shape: [I, c.gates * U] }, { shape: [U, c.gates * U] }];
  const weights = v.noBias ? s : [...s, { shape: c.bias }];
  const states = v.initialState ? Array.from({ length: c.make().stateCount }, () => ({ shape: [B, U] })) : [];
  return [...weights, ...states];
}

describe('the composed recurrent loop: float64 gradient checks', () => {
  for (const c of CELLS) {
    for (const v of VARIANTS) {
      it(`${c.name}, ${v.name}`, () => {
        checkGradients(flatRun(c, v, false), specs(c, v), { tol: 1e-6 });
      });
    }
  }
});

/** Value and every gradient of Σ f(...)·r on the active backend, for float32 inputs made by formula. */
function valueAndAllGrads(c: CellCase, v: Variant, fused: boolean): number[][] {
  return scope(() => {
    const inputs = specs(c, v).map(
      (s, i) =>
        new Variable(
          tensor(
            wave(
              s.shape.reduce((a, b) => a * b, 1),
              i + 1,
            ),
            s.shape,
          ),
        ),
    );
    const f = flatRun(c, v, fused);
    const { value, grads } = valueAndGrads(() => {
      const y = f(...inputs);
      return sum(mul(y, tensor(wave(y.size, 9), y.shape)));
    }, inputs);
    return [[value.item()], ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

// Backends with a fused sequence fast path (a backend without one runs the composed loop anyway).
for (const backend of BACKENDS.filter((b) => b.rnnSequence)) {
  describe(`the fused sequence fast path agrees with the composed loop [${backend.name}]`, () => {
    for (const c of CELLS) {
      for (const v of VARIANTS) {
        it(`${c.name}, ${v.name}`, () => {
          const fused = on(backend, () => valueAndAllGrads(c, v, true));
          const composed = withBackend(unfused(backend), () => valueAndAllGrads(c, v, false));
          fused.forEach((g, i) => {
            expectAll(g, composed[i]!, i === 0 ? 'value' : `gradient ${i - 1}`, 1e-5);
          });
        });
      }
    }

    it('records one tape node for a whole 100-step LSTM sequence', () => {
      on(backend, () =>
        scope(() => {
          const w = {
            kernel: new Variable(tensor(wave(16 * 32, 2), [16, 32])),
            recurrentKernel: new Variable(tensor(wave(8 * 32, 3), [8, 32])),
            bias: null,
          };
          const tape = new Tape([w.kernel, w.recurrentKernel]);
          const previous = setActiveTape(tape);
          try {
            runRnn(
              new LSTMCell(8),
              tensor(wave(4 * 100 * 16, 1), [4, 100, 16]),
              w,
              runOptions({ name: 'plain' }, true),
            );
          } finally {
            setActiveTape(previous);
          }
          expect(tape.nodes.map((n) => n.kind)).toEqual(['rnnSequence']);
        }),
      );
    });

    it('runs a sequence with initial states as one fused tape node too, the states among its inputs', () => {
      on(backend, () =>
        scope(() => {
          const w = {
            kernel: new Variable(tensor(wave(16 * 32, 2), [16, 32])),
            recurrentKernel: new Variable(tensor(wave(8 * 32, 3), [8, 32])),
            bias: null,
          };
          const states = [
            new Variable(tensor(wave(32, 4), [4, 8])),
            new Variable(tensor(wave(32, 5), [4, 8])),
          ];
          const tape = new Tape([w.kernel, w.recurrentKernel, ...states]);
          const previous = setActiveTape(tape);
          try {
            const opts = { ...runOptions({ name: 'plain' }, true), initialState: states };
            runRnn(new LSTMCell(8), tensor(wave(4 * 20 * 16, 1), [4, 20, 16]), w, opts);
          } finally {
            setActiveTape(previous);
          }
          expect(tape.nodes.map((n) => n.kind)).toEqual(['rnnSequence']);
          expect(tape.nodes[0]!.inputs.slice(-2)).toEqual(states);
        }),
      );
    });
  });
}

forEachBackend('the recurrent loop with masks', (backend) => {
  it('a masked first step outputs zeros and passes the zero state on', () => {
    on(backend, () => {
      const v = VARIANTS[2]!;
      const cell = CELLS[0]!;
      const x = tensor(wave(B * T * I, 1), [B, T, I]);
      const w = {
        kernel: tensor(wave(I * 4 * U, 2), [I, 4 * U]),
        recurrentKernel: tensor(wave(U * 4 * U, 3), [U, 4 * U]),
        bias: null,
      };
      const { sequence } = runRnn(cell.make(), x, w, runOptions(v, true));
      const seq = sequence!.toArray() as number[][][];
      expect(seq[1]![0]).toEqual([0, 0, 0]);
      expect(seq[0]![1]).toEqual(seq[0]![0]);
    });
  });
});
