import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend, FusedActivation } from '../../backend/backend.js';
import { getBackend, setBackend } from '../../backend/select.js';
import { Dense, Sequential, SGD, setRandomSeed, tensor } from '../../index.js';
import { createWasmBackend } from './index.js';
import { nativeAddon, nativeStatus } from './native-loader.js';
import { download, expectClose, f32, type Input, rand, upload } from './test-utils/parity.js';

// The same products and training steps on a wasm backend whose large GEMMs go native and on one that
// keeps them in wasm. Without the addon both are the wasm path and the tests say they were skipped.
const addon = nativeAddon();
const skipReason = addon ? '' : ` (skipped: native addon off, ${nativeStatus().reason})`;
const native = createWasmBackend();
const wasmOnly = createWasmBackend({ native: false });
const GEMM_TOL: [number, number] = [2e-5, 2e-5];

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs fn on both backends (counting the addon's calls) and compares every output. */
function compare(
  what: string,
  inputs: Input[],
  fn: (b: Backend, xs: ReturnType<typeof upload>[]) => unknown,
  shapes: number[][],
) {
  const spy = vi.spyOn(addon!, 'sgemm');
  spy.mockClear();
  const run = (b: Backend) => {
    const result = fn(
      b,
      inputs.map((x) => upload(b, x)),
    );
    const datas = shapes.length === 1 ? [result] : Object.values(result as object);
    return shapes.map((s, i) => download(b, datas[i], s, 'float32'));
  };
  const want = run(wasmOnly);
  expect(spy, `${what}: the wasm-only backend called the addon`).not.toHaveBeenCalled();
  const got = run(native);
  expect(spy, `${what}: the native backend did not call the addon`).toHaveBeenCalled();
  shapes.forEach((_, i) => {
    expectClose(got[i]!, want[i]!, `${what} output ${i}`, ...GEMM_TOL);
  });
}

describe('native vs wasm GEMMs', () => {
  it.skipIf(!addon)(`matmul, every transpose combination and a batch${skipReason}`, () => {
    for (const [m, k, n] of [
      [37, 53, 29],
      [128, 784, 64],
      [4, 784, 512],
    ]) {
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = f32(ta ? [k!, m!] : [m!, k!], m! + k!);
        const b = f32(tb ? [n!, k!] : [k!, n!], n! + 2 * k!);
        compare(`${m}×${k}·${k}×${n} ta=${ta} tb=${tb}`, [a, b], (be, [x, y]) => be.matmul(x!, y!, ta, tb), [
          [m!, n!],
        ]);
      }
    }
    compare(
      'batched [3, 2]·[40, 50]·[50, 30]ᵀ',
      [f32([3, 2, 40, 50], 1), f32([3, 2, 30, 50], 2)],
      (be, [x, y]) => be.matmul(x!, y!, false, true),
      [[3, 2, 40, 30]],
    );
  });

  for (const act of ['linear', 'relu', 'sigmoid', 'tanh'] as FusedActivation[]) {
    it.skipIf(!addon)(`dense ${act}: forward, and backward dx, dw, db${skipReason}`, () => {
      const [n, k, m] = [64, 100, 48];
      const x = f32([n, k], 3, -2, 2);
      const w = f32([k, m], 4, -0.3, 0.3);
      const bias = f32([m], 5);
      compare(`dense ${act}`, [x, w, bias], (b, [xi, wi, bi]) => b.dense!(xi!, wi!, bi!, act), [[n, m]]);
      const y = { values: rand(n * m, 6, 0.1, 0.9), shape: [n, m] };
      compare(
        `dense ${act} backward`,
        [f32([n, m], 7), x, w, y],
        (b, [g, xi, wi, yi]) => b.denseBackward!(g!, xi!, wi!, yi!, act, true, true),
        [[n, k], [k, m], [m]],
      );
    });
  }

  it.skipIf(!addon)(`native dense gradients match float64 central differences${skipReason}`, () => {
    // L(x, w) = Σ dy ⊙ tanh(x·w + b); every product is 24·30·20 = 14400 ≥ NATIVE_MIN_MNK, so all go native.
    const [n, k, m] = [24, 30, 20];
    const [x, w, b, dy] = [rand(n * k, 11), rand(k * m, 12, -0.4, 0.4), rand(m, 13), rand(n * m, 14)];
    const loss = (xs: Float64Array, ws: Float64Array) => {
      let s = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < m; j++) {
          let z = b[j]!;
          for (let p = 0; p < k; p++) z += xs[i * k + p]! * ws[p * m + j]!;
          s += dy[i * m + j]! * Math.tanh(z);
        }
      return s;
    };
    const numeric = (v: Float64Array, at: (vv: Float64Array) => number) =>
      Array.from(v, (_, i) => {
        const e = 1e-6;
        const keep = v[i]!;
        v[i] = keep + e;
        const up = at(v);
        v[i] = keep - e;
        const down = at(v);
        v[i] = keep;
        return (up - down) / (2 * e);
      });
    const [x64, w64] = [Float64Array.from(x), Float64Array.from(w)];
    const spy = vi.spyOn(addon!, 'sgemm');
    const t = (v: Float32Array, shape: number[]) => upload(native, { values: v, shape });
    const xi = t(x, [n, k]);
    const wi = t(w, [k, m]);
    const yData = native.dense!(xi, wi, t(b, [m]), 'tanh');
    const y = { data: yData, shape: [n, m], dtype: 'float32' as const };
    const g = native.denseBackward!(t(dy, [n, m]), xi, wi, y, 'tanh', true, true);
    expect(spy).toHaveBeenCalledTimes(3); // forward, dx, dw
    const read = (data: unknown, shape: number[]) => download(native, data, shape, 'float32');
    expectClose(
      read(g.dw, [k, m]),
      numeric(w64, (ws) => loss(x64, ws)),
      'dw',
      1e-4,
      1e-5,
    );
    expectClose(
      read(g.dx, [n, k]),
      numeric(x64, (xs) => loss(xs, w64)),
      'dx',
      1e-4,
      1e-5,
    );
  });
});

describe('a short MLP training run, native on vs off', () => {
  async function train(backend: Backend): Promise<number[]> {
    const previous = getBackend();
    setBackend(backend); // fit is async: switch explicitly and restore after the await
    try {
      setRandomSeed(5);
      const rows = 256;
      const x = tensor(rand(rows * 100, 21), [rows, 100]);
      const labels = Array.from({ length: rows }, (_, i) => (i * 7) % 10);
      const y = tensor(
        labels.flatMap((l) => Array.from({ length: 10 }, (_, c) => (c === l ? 1 : 0))),
        [rows, 10],
      );
      const model = new Sequential([
        new Dense(64, { activation: 'sigmoid', inputShape: [100] }),
        new Dense(32, { activation: 'relu' }),
        new Dense(10, { activation: 'softmax' }),
      ]);
      model.compile({
        optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }),
        loss: 'categorical_crossentropy',
      });
      const h = await model.fit(x, y, { epochs: 4, batchSize: 32, verbose: 0 });
      return h.history.loss!;
    } finally {
      setBackend(previous);
    }
  }

  it.skipIf(!addon)(`gives the same losses within float32 tolerance${skipReason}`, async () => {
    const spy = vi.spyOn(addon!, 'sgemm');
    const off = await train(wasmOnly);
    expect(spy).not.toHaveBeenCalled();
    const on = await train(native);
    expect(spy.mock.calls.length).toBeGreaterThan(8 * 4 * 3); // 8 steps × 4 epochs × (fwd + bwd products)
    expect(off[3]!).toBeLessThan(off[0]!);
    off.forEach((l, i) => {
      expect(Math.abs(on[i]! - l) / l, `epoch ${i + 1}: wasm ${l}, native ${on[i]}`).toBeLessThan(1e-4);
    });
  });
});
