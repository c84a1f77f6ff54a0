import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Backend, TensorInfo } from '../../backend/backend.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { createWasmBackend } from './index.js';
import { expectClose, f32, type Input, rand, ts, upload } from './test-utils/parity.js';
import { GEMM_MIN_FLOPS, OPT_MIN_ELEMENTS } from './threads.js';
import { withSharedMemory } from './threads-module.js';

const threaded = createWasmBackend({ threads: 2 });
const single = createWasmBackend();
afterAll(() => threaded.close());

/**
 * Root mean square of a result: GEMM rounding grows with the size of a typical entry (√k for
 * uniform inputs), so comparisons against ts use 1e-5 of it as their absolute tolerance.
 */
const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);

const read = (b: Backend, data: unknown, shape: number[]) =>
  Array.from(b.read({ data, shape, dtype: 'float32' }));

/** Runs `fn` on the threaded, single-threaded and ts backends; returns their results. */
function onEach(inputs: Input[], outShape: number[], fn: (b: Backend, xs: TensorInfo[]) => unknown) {
  return [threaded, single, ts].map((b) =>
    read(
      b,
      fn(
        b,
        inputs.map((x) => upload(b, x)),
      ),
      outShape,
    ),
  );
}

/** The parts of the WebAssembly API used here (the project's lib has no DOM types). */
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  Module: (new (
    b: Uint8Array,
  ) => object) & {
    imports(m: object): { module: string; name: string; kind: string }[];
    exports(m: object): { name: string; kind: string }[];
  };
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => object;
}

describe('shared-memory module rewrite', () => {
  it('turns the defined memory into an import of a shared one, and leaves a memoryless module alone', () => {
    const bytes = Uint8Array.from(atob(KERNELS_WASM_BASE64), (c) => c.charCodeAt(0));
    const shared = withSharedMemory(bytes, 65536)!;
    expect(shared.minPages).toBeGreaterThanOrEqual(1);
    const mod = new WA.Module(shared.bytes);
    expect(WA.Module.imports(mod)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    expect(WA.Module.exports(mod)).toEqual(WA.Module.exports(new WA.Module(bytes)));
    const memory = new WA.Memory({ initial: shared.minPages, maximum: 65536, shared: true });
    const inst = new WA.Instance(mod, { env: { memory } });
    expect(inst.exports.memory).toBe(memory);
    // The SIMD probe of kernels.ts has no memory: nothing to share.
    const probe = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0];
    expect(withSharedMemory(Uint8Array.from([...probe, 253, 15, 253, 98, 11]), 65536)).toBeNull();
  });
});

describe('threaded wasm backend', () => {
  it('runs on two threads where worker_threads and SharedArrayBuffer exist', () => {
    expect(threaded.threads).toBe(2);
    expect(single.threads).toBe(1);
  });

  it('matmul: bit-identical to one thread and within 1e-5 of ts, split by columns and by rows', () => {
    // [m, k, n]: the MLP's products (forward, dx, dw), tall and wide ones, odd edges, small-M no-pack.
    const sizes: [number, number, number][] = [
      [128, 784, 512],
      [128, 512, 784],
      [784, 128, 512],
      [1000, 37, 60],
      [29, 301, 997],
      [8, 700, 400],
      [131, 97, 170],
    ];
    for (const [m, k, n] of sizes) {
      expect(2 * m * n * k).toBeGreaterThanOrEqual(GEMM_MIN_FLOPS);
      for (const [ta, tb] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const a = f32(ta ? [k, m] : [m, k], m + k);
        const b = f32(tb ? [n, k] : [k, n], n + 2 * k);
        const [got, one, ref] = onEach([a, b], [m, n], (be, [x, y]) => be.matmul(x!, y!, ta, tb));
        const what = `matmul ${m}×${k}·${k}×${n} ta=${ta} tb=${tb}`;
        expectClose(got!, one!, `${what} vs one thread`, 0, 0);
        expectClose(got!, ref!, `${what} vs ts`, 1e-5, 1e-5 * rms(ref!));
      }
    }
  });

  it('dense forward and backward match ts', () => {
    const [n, k, m] = [128, 784, 512];
    const inputs = [f32([n, k], 1), f32([k, m], 2, -0.1, 0.1), f32([m], 3), f32([n, m], 4)];
    const fwd = onEach(inputs, [n, m], (b, [x, w, bias]) => b.dense!(x!, w!, bias!, 'relu'));
    expectClose(fwd[0]!, fwd[1]!, 'dense vs one thread', 0, 0);
    expectClose(fwd[0]!, fwd[2]!, 'dense vs ts', 1e-5, 1e-5 * rms(fwd[2]!));
    for (const [out, shape] of [
      ['dx', [n, k]],
      ['dw', [k, m]],
    ] as const) {
      const grads = onEach(inputs, [...shape], (b, [x, w, bias, dy]) => {
        const y = { data: b.dense!(x!, w!, bias!, 'relu'), shape: [n, m], dtype: 'float32' as const };
        return b.denseBackward!(dy!, x!, w!, y, 'relu', true, true)[out];
      });
      expectClose(grads[0]!, grads[1]!, `${out} vs one thread`, 0, 0);
      expectClose(grads[0]!, grads[2]!, `${out} vs ts`, 1e-5, 1e-5 * rms(grads[2]!));
    }
  });

  it('optimizer steps split by element ranges give the single-threaded values', () => {
    const n = OPT_MIN_ELEMENTS * 2 + 13; // uneven split, partial last vector
    const updates = [
      { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true },
      { kind: 'rmsprop', lr: 0.01, rho: 0.9, momentum: 0.5, epsilon: 1e-7, centered: true },
      { kind: 'adam', alpha: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true },
    ] as const;
    const slotCount = [1, 3, 3];
    updates.forEach((update, u) => {
      const results = [threaded, single].map((b) => {
        const info = (seed: number, lo = -1): TensorInfo => ({
          data: b.upload(rand(n, seed, lo)),
          shape: [n],
          dtype: 'float32',
        });
        const w = info(1);
        const slots = Array.from({ length: slotCount[u]! }, (_, i) => info(10 + i, 0));
        for (let step = 0; step < 3; step++) {
          expect(b.optimizerStep!(update, [w], [info(100 + step)], [slots])).toBe(true);
        }
        return [w, ...slots].map((t) => read(b, t.data, [n]));
      });
      results[0]!.forEach((values, i) => {
        expectClose(values, results[1]![i]!, `${update.kind} tensor ${i}`, 0, 0);
      });
    });
  });

  it('survives back-to-back jobs and jobs after the worker fell asleep', () => {
    const [m, k, n] = [64, 200, 168]; // 4.3 MFLOP: just above the split threshold
    const [a, b] = [f32([m, k], 7), f32([k, n], 8)];
    const [x1, y1] = [a, b].map((t) => upload(single, t));
    const want = read(single, single.matmul(x1!, y1!, false, false), [m, n]);
    const [x2, y2] = [a, b].map((t) => upload(threaded, t));
    const nap = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 300; i++) {
      if (i % 50 === 49) Atomics.wait(nap, 0, 0, 2); // longer than the worker's spin: it sleeps
      const out = threaded.matmul(x2!, y2!, false, false);
      const got = read(threaded, out, [m, n]);
      threaded.free(out);
      if (got.some((v, j) => v !== want[j])) expect.fail(`job ${i} differs from one thread`);
    }
  });

  it('trains an MLP to the same losses as one thread', () => {
    const losses = [threaded, single].map((b) => mlpLosses(b));
    expect(losses[0]).toEqual(losses[1]);
  });

  it('keeps working on one thread after close, and close is idempotent', () => {
    const b = createWasmBackend({ threads: 2 });
    b.close();
    b.close();
    expect(b.threads).toBe(1);
    const [x, y] = [f32([64, 300], 1), f32([300, 200], 2)].map((t) => upload(b, t));
    const got = read(b, b.matmul(x!, y!, false, false), [64, 200]);
    const [xs, ys] = [f32([64, 300], 1), f32([300, 200], 2)].map((t) => upload(single, t));
    expectClose(got, read(single, single.matmul(xs!, ys!, false, false), [64, 200]), 'after close', 0, 0);
  });

  it('falls back to one thread without worker_threads', () => {
    const spy = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    try {
      const b = createWasmBackend({ threads: 2 });
      expect(b.threads).toBe(1);
      const x = { data: b.upload(rand(6, 1)), shape: [2, 3], dtype: 'float32' as const };
      expect(read(b, b.matmul(x, x, false, true), [2, 2]).length).toBe(4);
    } finally {
      spy.mockRestore();
    }
  });

  it('never keeps the process alive: a script that leaves the pool open exits', () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const script = `
      const { createWasmBackend } = await import(${JSON.stringify(index)});
      const b = createWasmBackend({ threads: 2 });
      const x = { data: b.upload(new Float32Array(256 * 256).fill(1)), shape: [256, 256], dtype: 'float32' };
      const y = b.read({ data: b.matmul(x, x, false, false), shape: [256, 256], dtype: 'float32' });
      console.log(b.threads, y[0]);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 60_000,
      encoding: 'utf8',
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout.trim()).toBe('2 256');
    expect(r.status).toBe(0);
  });
});

/** Ten Adam steps of a 784-256-10 MLP on fixed data, through the backend's fused kernels; the losses. */
function mlpLosses(b: Backend): number[] {
  const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
  const f = (data: unknown, shape: readonly number[]): TensorInfo => ({ data, shape, dtype: 'float32' });
  const info = (shape: number[], seed: number, lo = -1, hi = 1) =>
    f(b.upload(rand(size(shape), seed, lo, hi)), shape);
  const [x, labels] = [info([128, 784], 1, 0, 1), info([128, 10], 2, 0, 0.2)];
  const vars = [info([784, 256], 3, -0.05, 0.05), info([256], 4, 0, 0), info([256, 10], 5, -0.1, 0.1)];
  const zeros = () => vars.map((v) => f(b.fill(size(v.shape), 0, 'float32'), v.shape));
  const [m, v] = [zeros(), zeros()];
  const losses: number[] = [];
  for (let t = 1; t <= 10; t++) {
    const h = f(b.dense!(x, vars[0]!, vars[1]!, 'relu'), [128, 256]);
    const z = f(b.dense!(h, vars[2]!, null, 'linear'), [128, 10]);
    const { loss, probs } = b.softmaxCrossEntropy!(z, labels);
    losses.push(read(b, loss, [128]).reduce((s, l) => s + l, 0) / 128);
    const dz = f(b.binary('sub', f(probs, [128, 10]), labels, [128, 10]), [128, 10]);
    const g2 = b.denseBackward!(dz, h, vars[2]!, z, 'linear', false, true);
    const g1 = b.denseBackward!(f(g2.dx, [128, 256]), x, vars[0]!, h, 'relu', true, false);
    const grads = [f(g1.dw, [784, 256]), f(g1.db, [256]), f(g2.dw, [256, 10])];
    const alpha = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
    const update = { kind: 'adam', alpha, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false } as const;
    b.optimizerStep!(
      update,
      vars,
      grads,
      vars.map((_, i) => [m[i]!, v[i]!]),
    );
  }
  return losses;
}
