import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend/backend.js';
import { withBackend } from '../backend/select.js';
import { createWasmBackend } from '../backends/wasm/index.js';
import { tensor } from '../ops/core.js';
import { Variable } from '../tensor/tensor.js';
import { withoutFastPaths } from '../test-utils/assert.js';
import { Adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

const wasm = createWasmBackend();
const composed = withoutFastPaths(wasm, 'optimizerStep');
/** 2^-126, the smallest normal float32. */
const MIN_NORMAL = 1.1754943508222875e-38;

/** One step of `make()` on a variable of ones with gradient `g`; the variable and its slots after it. */
function step(backend: Backend, make: () => Optimizer, g: number[]): { w: number[]; slots: number[][] } {
  return withBackend(backend, () => {
    const opt = make();
    const w = new Variable(
      tensor(
        g.map(() => 1),
        [g.length],
      ),
    );
    opt.applyGradients([tensor(g, [g.length])], [w]);
    return { w: Array.from(w.dataSync()), slots: opt.slotsOf(w)!.map((s) => Array.from(s.dataSync())) };
  });
}

// The fused kernels store a slot as zero once its next decay would make it subnormal (WebAssembly
// has no flush-to-zero mode, and subnormal arithmetic is ~40× slower on x86; see
// assembly/optimizer.ts). The step itself still uses the exact value, so the variable matches the
// composed update; NaN stays NaN; normal values are untouched.
describe('fused optimizer steps flush slots that would decay into subnormals', () => {
  it('Adam: momentum below 2^-126 / (1 - β₁) and velocity below 2^-126 / (1 - β₂) are stored as 0', () => {
    const make = () => new Adam({ learningRate: 0.01 });
    // m = 0.1·g, v = 0.001·g²: lane 0's m is 1e-37 (normal, but 0.1·m would not be); lane 1's g² is
    // below 2^-126 (|g| < 2^-63), taken as zero; lane 2 is an ordinary gradient; lane 3 is NaN.
    const g = [1e-36, 1e-20, 0.5, Number.NaN];
    const fused = step(wasm, make, g);
    const exact = step(composed, make, g);
    const [m, v] = fused.slots;
    expect(exact.slots[0]![0]).toBeGreaterThan(MIN_NORMAL); // the composed path keeps it
    expect(m![0]).toBe(0);
    expect(v![1]).toBe(0);
    expect(exact.slots[1]![1]).toBeGreaterThan(0); // 1e-43: a subnormal in the composed path
    expect(m![2]).toBe(exact.slots[0]![2]);
    expect(v![2]).toBe(exact.slots[1]![2]);
    expect(m![3]).toBeNaN();
    expect(v![3]).toBeNaN();
    // The step used the exact slots: the variable is the composed path's, bit for bit.
    expect(fused.w.slice(0, 3)).toEqual(exact.w.slice(0, 3));
    expect(fused.w[3]).toBeNaN();
  });

  it('Adam: a slot whose gradient stops decays to exactly 0 without passing through subnormals', () => {
    withBackend(wasm, () => {
      const opt = new Adam({ learningRate: 0.01 });
      const w = new Variable(tensor([1, 1], [2]));
      opt.applyGradients([tensor([1e-3, 1e-3], [2])], [w]);
      const zero = tensor([0, 0], [2]);
      const seen: number[] = [];
      for (let i = 0; i < 1000; i++) {
        opt.applyGradients([zero], [w]);
        seen.push(...opt.slotsOf(w)![0]!.dataSync());
      }
      expect(seen.some((x) => x === 0)).toBe(true); // 1e-4 · 0.9^n reaches the limit in ~800 steps
      expect(seen.filter((x) => x !== 0 && Math.abs(x) < MIN_NORMAL)).toEqual([]);
    });
  });

  it('SGD with momentum: the velocity is stored as 0 below 2^-126 / momentum', () => {
    const make = () => new SGD({ learningRate: 1, momentum: 0.9 });
    // m = -g: lane 0 is 1.2e-38 (normal, but 0.9·m would be subnormal), lane 1 is 1.4e-38 (kept).
    for (const nesterov of [false, true]) {
      const g = [-1.2e-38, -1.4e-38, 0.25];
      const opt = () => new SGD({ learningRate: 1, momentum: 0.9, nesterov });
      const fused = step(wasm, nesterov ? opt : make, g);
      const exact = step(composed, nesterov ? opt : make, g);
      expect(fused.slots[0]![0]).toBe(0);
      expect(exact.slots[0]![0]).not.toBe(0);
      expect(fused.slots[0]!.slice(1)).toEqual(exact.slots[0]!.slice(1));
      expect(fused.w).toEqual(exact.w);
    }
  });

  it('RMSprop (centered, with momentum): every slot flushes at its own decay', () => {
    const make = () => new RMSprop({ learningRate: 0.01, rho: 0.9, momentum: 0.5, centered: true });
    // v = 0.1·g² (lane 0: g² taken as 0), avg = 0.1·g (lane 1: 1e-38, below 2^-126 / 0.9).
    const g = [5e-20, 1e-37, 0.5];
    const fused = step(wasm, make, g);
    const exact = step(composed, make, g);
    const [v, mom, avg] = fused.slots;
    expect(v![0]).toBe(0);
    expect(exact.slots[0]![0]).toBeGreaterThan(0);
    expect(avg![1]).toBe(0);
    expect(exact.slots[2]![1]).not.toBe(0);
    expect(v![2]).toBe(exact.slots[0]![2]);
    expect(mom![2]).toBe(exact.slots[1]![2]);
    expect(avg![2]).toBe(exact.slots[2]![2]);
  });
});
